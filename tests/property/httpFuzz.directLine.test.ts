/**
 * The HTTP fuzz, part 2 (issue 7): the self-hosted Direct Line channel (/v3/directline) with hostile bodies,
 * paths, queries and headers, and with valid, expired, forged and other conversations' tokens, against the real
 * bot on the test Redis. Every answer is below 500, carries no stack trace and is JSON; nothing succeeds without
 * a valid token for the conversation named; and the conversations, request and session kept aside carry on.
 * Parts 1 and 3: httpFuzz.test.ts, httpFuzz.staff.test.ts. Seed and run count: see hostileInput.ts.
 */
import fc from 'fast-check';
import { DirectLineTokens } from '../../services/directLine/tokens';
import { brokenJson, hostileContentType, hostileHeaderValue, hostileJson, hostilePathSegment, hostileQuery, mutatedActivity, nestedJson, nonString, runs } from './hostileInput';
import {
  MAX_BODY_BYTES,
  MAX_MESSAGE_CHARS,
  exchange,
  expectNothingBroken,
  extraHeaders,
  residentText,
  useFuzzTarget,
  userOf,
  type Conversation,
  type FuzzRequest,
} from './httpFuzzKit';

const DL = '/v3/directline';
// The HTTP layer's own limit on text (ten times MAX_MESSAGE_CHARS, bot/directLine/directLineRoutes.ts).
const HARD_TEXT_LIMIT = 10 * MAX_MESSAGE_CHARS;

const target = useFuzzTarget();

/** Whose token a request carries, and in what state. */
const CREDENTIALS = [
  'none', 'own', 'ownLowerCaseScheme', 'ownExpired', 'ownTrailingJunk', 'ownTruncated', 'keptValid', 'keptExpired',
  'tamperedToKept', 'otherSecretToKept', 'algNoneToKept', 'raw',
] as const;
type Credential = (typeof CREDENTIALS)[number];
/** The credentials that prove nothing: with them no endpoint but tokens/generate may succeed. */
const WORTHLESS: ReadonlySet<Credential> = new Set(['none', 'ownTrailingJunk', 'ownTruncated', 'tamperedToKept', 'otherSecretToKept', 'algNoneToKept', 'raw']);

const ROUTES = ['generate', 'refresh', 'start', 'get', 'post', 'post', 'post', 'poll', 'poll', 'del', 'odd'] as const;
type Route = (typeof ROUTES)[number];
/** What a valid token of the kept conversation may do in the fuzz: nothing that changes it. */
const READ_ONLY: ReadonlySet<Route> = new Set(['generate', 'refresh', 'start', 'get', 'poll']);

interface Step {
  route: Route;
  credential: Credential;
  rawAuthorization: string;
  /** The conversation in the path: the request's own, the kept one, or any segment. */
  conversation: { kind: 'own' } | { kind: 'kept' } | { kind: 'odd'; segment: string };
  query: string;
  body: string | undefined;
  contentType: string | undefined;
  headers: Record<string, string>;
  oddMethod: string;
  oddPath: string;
}

const clientBase = { type: 'message', text: 'hei', from: { id: 'page-says', role: 'user' }, channelData: { clientActivityID: 'c-1' }, locale: 'fi-FI' };
const DIRECT_LINE_FIELDS = ['type', 'text', 'textFormat', 'locale', 'name', 'value', 'channelData', 'attachments', 'from', 'recipient', 'conversation', 'id', 'timestamp', 'entities', 'replyToId', 'serviceUrl'];
const json = (value: unknown) => JSON.stringify(value) ?? 'undefined';

/** Bodies for posting an activity: mutated client activities, plain ones, broken JSON, text near the limit, deep nesting, too large. */
const activityBody: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: residentText.chain((text) => mutatedActivity({ ...clientBase, text }, DIRECT_LINE_FIELDS)).map(json), weight: 6 },
  { arbitrary: residentText.map((text) => json({ ...clientBase, text })), weight: 2 },
  { arbitrary: fc.constantFrom('event', 'message').chain((type) => fc.record({ name: fc.oneof(fc.constantFrom('webchat/join', 'x'), hostileJson), value: hostileJson }).map((extra) => json({ ...clientBase, type, ...extra }))), weight: 1 },
  { arbitrary: brokenJson, weight: 1 },
  { arbitrary: fc.integer({ min: HARD_TEXT_LIMIT - 3, max: HARD_TEXT_LIMIT + 3 }).map((length) => json({ ...clientBase, text: 'a'.repeat(length) })), weight: 1 },
  { arbitrary: fc.integer({ min: 10, max: 30_000 }).map((depth) => json({ ...clientBase, value: '@' }).replace('"@"', nestedJson(depth, 'mixed'))), weight: 1 },
  { arbitrary: fc.integer({ min: MAX_BODY_BYTES - 100, max: MAX_BODY_BYTES + 100 }).map((size) => json({ ...clientBase, value: 'x'.repeat(size) })), weight: 1 },
);
const tokenRequestBody: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant('{}'),
  fc.oneof(fc.string({ maxLength: 70 }), hostileJson, nonString).map((id) => json({ user: { id } })),
  fc.record({ user: hostileJson, locale: hostileJson, trustedOrigins: hostileJson }).map(json),
  hostileJson.map(json),
  brokenJson,
);

const step: fc.Arbitrary<Step> = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    // Mostly the run's own valid token, so that most requests get past authentication into the channel itself.
    credential: fc.oneof({ arbitrary: fc.constant<Credential>('own'), weight: 12 }, { arbitrary: fc.constantFrom(...CREDENTIALS), weight: 6 }),
    rawAuthorization: fc.oneof(hostileHeaderValue, fc.constantFrom('Bearer', 'Bearer ', 'Bearer  a b', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Bearer a.b.c', 'Bearer ...', `Bearer ${'a'.repeat(1025)}`)),
    conversation: fc.oneof(
      { arbitrary: fc.constant({ kind: 'own' as const }), weight: 8 },
      { arbitrary: fc.constant({ kind: 'kept' as const }), weight: 2 },
      { arbitrary: hostilePathSegment.map((segment) => ({ kind: 'odd' as const, segment })), weight: 2 },
    ),
    query: fc.oneof(fc.constantFrom('?watermark=', '?watermark=0', '?watermark=2', ''), hostileQuery(['watermark', 't'])),
    activityBody,
    tokenRequestBody,
    contentType: fc.oneof({ arbitrary: fc.constant<string | undefined>('application/json'), weight: 12 }, { arbitrary: hostileContentType, weight: 1 }),
    headers: fc.option(extraHeaders.map(({ authorization: _ignored, ...rest }) => rest), { nil: {}, freq: 2 }),
    oddMethod: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    oddPath: fc.oneof(
      fc.constantFrom('', '/', '/tokens', '/tokens/generate/x', '/conversations/', '/session/getsessionid', '/conversations/{id}/upload', '/conversations/{id}/activities/1', '/conversations/{id}/stream', '/conversations/{id}/activities/'),
      hostilePathSegment.map((segment) => `/${segment}`),
    ),
  })
  .map(({ activityBody: forActivities, tokenRequestBody: forTokens, ...drawn }) => ({ ...drawn, body: drawn.route === 'post' || drawn.route === 'odd' ? forActivities : forTokens }))
  .map((drawn) => {
    // The kept conversation is changed by nothing in the fuzz: its valid token only reads, and never with a
    // watermark past 0 (a poll's watermark says the page has what came before, which is then dropped); its expired
    // token (which may end its own conversation) never deletes.
    if (drawn.credential === 'keptValid') {
      const watermark = new URLSearchParams(drawn.query).get('watermark') ?? '';
      const query = /^\d{1,9}$/.test(watermark) && Number(watermark) > 0 ? '?watermark=0' : drawn.query;
      return { ...drawn, query, route: READ_ONLY.has(drawn.route) ? drawn.route : ('poll' as const) };
    }
    if (drawn.credential === 'keptExpired' && drawn.route === 'del') return { ...drawn, route: 'get' as const };
    return drawn;
  });

/** Each run: a conversation of its own (new and started, new and not started, or the shared one), and one to four steps. */
const run = fc.record({ own: fc.constantFrom('started', 'started', 'generated', 'shared'), steps: fc.array(step, { minLength: 1, maxLength: 4 }) }).map(({ own, steps }) => ({
  own,
  // The shared conversation is not ended by the fuzz either, so that later runs can use it.
  steps: own === 'shared' ? steps.map((each) => (each.route === 'del' && each.conversation.kind === 'own' && !WORTHLESS.has(each.credential) ? { ...each, route: 'get' as const } : each)) : steps,
}));

const otherSecret = new DirectLineTokens('another-secret-of-at-least-32-characters-0123', 1800, () => new Date());

/** The Authorization header for a credential. */
function authorization(credential: Credential, own: Conversation, raw: string): string | undefined {
  const kept = target.kept.directLine;
  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  switch (credential) {
    case 'none':
      return undefined;
    case 'own':
      return `Bearer ${own.token}`;
    case 'ownLowerCaseScheme':
      return `bearer   ${own.token}  `;
    case 'ownExpired':
      return `Bearer ${target.expiredToken(own.conversationId, userOf(own))}`;
    case 'ownTrailingJunk':
      return `Bearer ${own.token}x`;
    case 'ownTruncated':
      return `Bearer ${own.token.slice(0, -5)}`;
    case 'keptValid':
      return `Bearer ${kept.token}`;
    case 'keptExpired':
      return `Bearer ${target.expiredToken(kept.conversationId, userOf(kept))}`;
    case 'tamperedToKept': {
      const [header, payload] = kept.token.split('.');
      return `Bearer ${header}.${payload}.${own.token.split('.')[2]}`;
    }
    case 'otherSecretToKept':
      return `Bearer ${otherSecret.issue({ conversationId: kept.conversationId, userId: userOf(kept) }).token}`;
    case 'algNoneToKept':
      return `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${kept.token.split('.')[1]}.`;
    case 'raw':
      return raw;
  }
}

function request(each: Step, own: Conversation): FuzzRequest {
  const conversationId = each.conversation.kind === 'own' ? own.conversationId : each.conversation.kind === 'kept' ? target.kept.directLine.conversationId : each.conversation.segment;
  const auth = authorization(each.credential, own, each.rawAuthorization);
  const headers = { ...each.headers, ...(auth === undefined ? {} : { authorization: auth }) };
  const withBody = (path: string, method = 'POST'): FuzzRequest => ({
    method,
    path,
    headers: { ...headers, ...(each.body === undefined || each.contentType === undefined ? {} : { 'content-type': each.contentType }) },
    body: each.body,
  });
  switch (each.route) {
    case 'generate':
      return withBody(`${DL}/tokens/generate`);
    case 'refresh':
      return withBody(`${DL}/tokens/refresh`);
    case 'start':
      return withBody(`${DL}/conversations`);
    case 'get':
      return { method: 'GET', path: `${DL}/conversations/${conversationId}${each.query}`, headers };
    case 'post':
      return withBody(`${DL}/conversations/${conversationId}/activities`);
    case 'poll':
      return { method: 'GET', path: `${DL}/conversations/${conversationId}/activities${each.query}`, headers };
    case 'del':
      return { method: 'DELETE', path: `${DL}/conversations/${conversationId}`, headers };
    case 'odd':
      return { ...withBody(`${DL}${each.oddPath.replace('{id}', conversationId)}${each.query}`, each.oddMethod), ...(each.oddMethod === 'GET' || each.oddMethod === 'HEAD' ? { body: undefined } : {}) };
  }
}

/** A conversation for one run: started (the bot has welcomed), only given a token, or the shared one. */
async function ownConversation(kind: string): Promise<Conversation> {
  if (kind === 'shared') return target.fuzzDirectLine;
  const [generated] = await exchange(target, [{ method: 'POST', path: `${DL}/tokens/generate` }]);
  const issued = JSON.parse(generated!.body) as Conversation;
  if (kind === 'generated') return issued;
  const [started] = await exchange(target, [{ method: 'POST', path: `${DL}/conversations`, headers: { authorization: `Bearer ${issued.token}` } }]);
  expect(started?.status).toBe(201);
  return issued;
}

describe('the HTTP fuzz: the Direct Line channel', () => {
  it('answers hostile requests with any token, path, query and body without 5xx, and grants nothing to a token that proves nothing', async () => {
    await fc.assert(
      fc.asyncProperty(run, fc.boolean(), async ({ own, steps }, parallel) => {
        const conversation = await ownConversation(own);
        const requests = steps.map((each) => request(each, conversation));
        const answers = await exchange(target, requests, parallel);
        steps.forEach((each, index) => {
          const answer = answers[index];
          if (!answer || each.route === 'generate' || each.route === 'odd') return;
          // Nothing but a token of this bot for the conversation named opens it.
          if (WORTHLESS.has(each.credential)) expect(answer.status).toBeGreaterThanOrEqual(400);
          // A token opens only its own conversation.
          const named = each.route === 'get' || each.route === 'post' || each.route === 'poll' || each.route === 'del';
          if (named && each.conversation.kind === 'kept' && !each.credential.startsWith('kept')) expect(answer.status).toBeGreaterThanOrEqual(400);
          // An expired token only ends its own conversation.
          if (each.credential.endsWith('Expired') && each.route !== 'del') expect(answer.status).toBeGreaterThanOrEqual(400);
          // Every refusal of the channel is in Direct Line's error shape. (A compressed body is refused before
          // routing, for every path alike, with the server's own { error } answer.)
          const compressed = Object.keys(requests[index]!.headers ?? {}).includes('content-encoding');
          if (answer.status >= 400 && answer.body !== '' && each.conversation.kind !== 'odd' && !compressed) {
            expect(JSON.parse(answer.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
          }
        });
      }),
      runs(200),
    );
  });

  it('refuses, with the exact status, whatever would touch the kept conversation without the right to', async () => {
    const keptPath = () => `${DL}/conversations/${target.kept.directLine.conversationId}`;
    const invalidActivity = fc.oneof(
      fc.oneof(fc.constantFrom('typing', 'invoke', 'conversationUpdate', 'MESSAGE', ''), nonString).map((type) => ({ body: json({ ...clientBase, type }), status: 400 })),
      nonString.map((text) => ({ body: json({ ...clientBase, text }), status: 400 })),
      fc.integer({ min: 11, max: 50 }).map((count) => ({ body: json({ ...clientBase, attachments: Array.from({ length: count }, () => ({ contentType: 'image/png' })) }), status: 400 })),
      fc.constant({ body: json({ ...clientBase, channelData: { clientActivityID: 'x'.repeat(129) } }), status: 400 }),
      fc.constant({ body: json({ ...clientBase, type: 'event', name: undefined }), status: 400 }),
      fc.constant({ body: json({ ...clientBase, text: 'a'.repeat(HARD_TEXT_LIMIT + 1) }), status: 413 }),
      brokenJson.filter((text) => text.trim() !== '').map((body) => ({ body, status: 400 })),
    );
    const refused = fc.oneof(
      // With its own valid token, activities that are not activities.
      invalidActivity.map(({ body, status }) => ({ request: { method: 'POST', path: `${keptPath()}/activities`, headers: { authorization: `Bearer ${target.kept.directLine.token}`, 'content-type': 'application/json' }, body }, status })),
      // With its own valid token, a body that is not JSON.
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x').map((contentType) => ({
        request: { method: 'POST', path: `${keptPath()}/activities`, headers: { authorization: `Bearer ${target.kept.directLine.token}`, 'content-type': contentType }, body: 'type=message&text=hei' },
        status: 415,
      })),
      // With its own expired token, anything but ending it.
      fc.constantFrom('GET', 'POST', 'GET /activities').map((what) => ({
        request: {
          method: what.split(' ')[0]!,
          path: what === 'POST' ? `${keptPath()}/activities` : `${keptPath()}${what.split(' ')[1] ?? ''}`,
          headers: { authorization: `Bearer ${target.expiredToken(target.kept.directLine.conversationId, userOf(target.kept.directLine))}`, 'content-type': 'application/json' },
          body: what === 'POST' ? json(clientBase) : undefined,
        },
        status: 403,
      })),
      // With another conversation's valid token, or a forged one, anything at all (ending it too).
      fc.tuple(fc.constantFrom('own', 'tamperedToKept', 'otherSecretToKept') as fc.Arbitrary<Credential>, fc.constantFrom('GET', 'POST', 'DELETE', 'GET /activities')).map(([credential, what]) => ({
        request: {
          method: what.split(' ')[0]!,
          path: what === 'POST' ? `${keptPath()}/activities` : `${keptPath()}${what.split(' ')[1] ?? ''}`,
          headers: { authorization: authorization(credential, target.fuzzDirectLine, '')!, 'content-type': 'application/json' },
          body: what === 'POST' ? json(clientBase) : undefined,
        },
        status: 403,
      })),
    );
    await fc.assert(
      fc.asyncProperty(refused, async ({ request: sent, status }) => {
        const [answer] = await exchange(target, [sent]);
        expect(answer?.status).toBe(status);
        expect(JSON.parse(answer!.body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }),
      runs(80),
    );
  });

  it('afterwards: the conversations, the request and the staff session carry on; nothing crashed; no prototype was polluted', async () => {
    await expectNothingBroken(target);
  });
});
