/**
 * The HTTP fuzz, part 3 (issue 7): the staff API (/api/staff) with hostile bodies, paths, queries and headers,
 * with a logged-in session and its CSRF token, with another session's, and with forged cookies and tokens,
 * against the real bot on the test Redis. Every answer is below 500, carries no stack trace and is JSON; nothing
 * is served without a live session, nothing changes without its CSRF token; and the conversations, request and
 * session kept aside carry on. Parts 1 and 2: httpFuzz.test.ts, httpFuzz.directLine.test.ts.
 * Seed and run count: see hostileInput.ts.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { CALLBACK_OUTCOMES, NOTE_MAX_CHARS } from '../../services/callbacks/request';
import { SuggestionStore } from '../../services/suggestions/suggestionStore';
import { brokenJson, hostileContentType, hostileHeaderValue, hostileJson, hostilePathSegment, hostileQuery, hostileString, nonString, runs } from './hostileInput';
import {
  STAFF_NAME,
  STAFF_PASSWORD,
  exchange,
  expectNothingBroken,
  extraHeaders,
  sendRaw,
  useFuzzTarget,
  type FuzzRequest,
  type StaffSession,
} from './httpFuzzKit';

let suggestionId: string;
const target = useFuzzTarget(async (started) => {
  suggestionId = (await new SuggestionStore(started.redis, { prefix: started.bot.config.REDIS_KEY_PREFIX }).add({ text: 'lautapeli-ilta', channel: 'test', now: new Date() })).id;
});

/**
 * The cookie a request carries. `keptFirst` and `keptPadded` still open the kept session (the first aka_staff
 * cookie counts, and spaces around it are trimmed); `keptSecond` does not.
 */
const COOKIES = ['none', 'kept', 'keptFirst', 'keptPadded', 'keptSecond', 'keptOtherName', 'fuzz', 'forged', 'brokenEncoding', 'raw'] as const;
type CookieKind = (typeof COOKIES)[number];
const OPENS_KEPT: ReadonlySet<CookieKind> = new Set(['kept', 'keptFirst', 'keptPadded']);
const CSRF = ['own', 'ownWithSpaces', 'ownWithSuffix', 'other', 'none', 'ownUpperCase', 'raw'] as const;
type CsrfKind = (typeof CSRF)[number];
/** Spaces around a header value are not part of it (HTTP strips them), so the token with spaces is still the token. */
const OWN_CSRF: ReadonlySet<CsrfKind> = new Set(['own', 'ownWithSpaces']);

const ACTIONS = ['claim', 'release', 'reopen', 'close'] as const;
const ROUTES = ['session', 'list', 'show', 'action', 'action', 'action', 'suggestions', 'read', 'stats', 'csv', 'events', 'login', 'login', 'logout', 'odd'] as const;

const json = (value: unknown) => JSON.stringify(value) ?? 'undefined';

const closeBody = fc.oneof(
  fc.record({ outcome: fc.oneof(fc.constantFrom(...CALLBACK_OUTCOMES), fc.constantFrom('solved', '', 'HELPED'), nonString), note: fc.option(fc.oneof(hostileString, fc.constant('x'.repeat(NOTE_MAX_CHARS + 1)), nonString), { nil: undefined }) }).map(json),
  fc.record({ outcome: fc.constantFrom(...CALLBACK_OUTCOMES), extra: hostileJson }).map(json),
);
const loginBody = fc.oneof(
  { arbitrary: fc.record({ username: fc.oneof(fc.constant(STAFF_NAME), fc.constantFrom('AINO', 'aino ', ' aino', 'aino\0', ''), hostileString, nonString), password: fc.oneof(fc.constantFrom('väärä-salasana-123', ''), hostileString, nonString) }).map(json), weight: 6 },
  { arbitrary: fc.constant(json({ username: STAFF_NAME, password: STAFF_PASSWORD })), weight: 1 },
  { arbitrary: fc.constant(json({ username: STAFF_NAME, password: STAFF_PASSWORD, admin: true })), weight: 1 },
  { arbitrary: fc.integer({ min: 990, max: 1010 }).map((length) => json({ username: STAFF_NAME, password: 'x'.repeat(length) })), weight: 1 },
  { arbitrary: hostileJson.map(json), weight: 1 },
  { arbitrary: brokenJson, weight: 1 },
);

const step = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    action: fc.constantFrom(...ACTIONS),
    cookie: fc.oneof({ arbitrary: fc.constant<CookieKind>('fuzz'), weight: 6 }, { arbitrary: fc.constantFrom(...COOKIES), weight: 5 }),
    csrf: fc.oneof({ arbitrary: fc.constant<CsrfKind>('own'), weight: 4 }, { arbitrary: fc.constantFrom(...CSRF), weight: 3 }),
    raw: hostileHeaderValue,
    ref: fc.oneof(
      { arbitrary: fc.constantFrom('kept', 'scratch', 'scratch'), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 999_999 }).map((serial) => `AKA-2026-${String(serial).padStart(6, '0')}`), weight: 1 },
      { arbitrary: hostilePathSegment, weight: 2 },
    ),
    suggestion: fc.oneof(fc.constant('real'), fc.uuid(), hostilePathSegment),
    query: fc.oneof(
      fc.constantFrom('', '?status=new', '?status=claimed', '?status=closed', '?service=kela', '?service=none', '?urgent=true', '?weeks=1', '?weeks=520', '?weeks=521', '?weeks=0', '?weeks=1.5', '?weeks=-1', '?weeks=1e3'),
      hostileQuery(['status', 'service', 'urgent', 'weeks']),
    ),
    closeBody,
    loginBody,
    otherBody: fc.option(fc.oneof(fc.constant('{}'), hostileJson.map(json), brokenJson), { nil: undefined, freq: 2 }),
    contentType: fc.oneof({ arbitrary: fc.constant<string | undefined>('application/json'), weight: 10 }, { arbitrary: hostileContentType, weight: 1 }),
    headers: fc.option(extraHeaders.map(({ cookie: _cookie, 'x-csrf-token': _csrf, ...rest }) => rest), { nil: {}, freq: 2 }),
    oddMethod: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    oddPath: fc.oneof(fc.constantFrom('', '/', '/requests/', '/requests/{ref}/', '/requests/{ref}/claim/x', '/requests/{ref}/delete', '/users', '/audit', '/stats.json', '/session/..', '/login/'), hostilePathSegment.map((segment) => `/${segment}`)),
  })
  .map((drawn) => {
    // The kept session changes nothing in the fuzz (its CSRF token is never sent with a change), and nothing but
    // the kept session's own checks touches the kept request; the fuzz's session does not log itself out.
    const session = OPENS_KEPT.has(drawn.cookie) ? 'kept' : drawn.cookie === 'fuzz' ? 'fuzz' : 'none';
    const changes = (drawn.route === 'action' || drawn.route === 'read' || drawn.route === 'logout' || drawn.route === 'odd') && OWN_CSRF.has(drawn.csrf);
    let { csrf, ref } = drawn;
    if (session === 'kept' && changes) csrf = 'other';
    if (session === 'fuzz' && changes && drawn.route === 'logout') csrf = 'none';
    if (session === 'fuzz' && changes && ref === 'kept') ref = 'scratch';
    // Logging in with a session's cookie would end that session (one browser, one session).
    const cookie: CookieKind = drawn.route === 'login' && session !== 'none' ? 'forged' : drawn.cookie;
    return { ...drawn, csrf, ref, cookie, session: drawn.route === 'login' ? 'none' : session };
  });

function cookieHeader(kind: CookieKind, raw: string): string | undefined {
  const kept = target.kept.staff.cookie;
  const keptToken = kept.split('=')[1]!;
  switch (kind) {
    case 'none':
      return undefined;
    case 'kept':
      return kept;
    case 'keptFirst':
      return `${kept}; aka_staff=x; other=1`;
    case 'keptPadded':
      return `  aka_staff= ${keptToken} ;`;
    case 'keptSecond':
      return `aka_staff=x; ${kept}`;
    case 'keptOtherName':
      return `aka_staff_old=${keptToken}; x=${keptToken}`;
    case 'fuzz':
      return target.fuzzStaff.cookie;
    case 'forged':
      return `aka_staff=${Buffer.from(randomUUID() + randomUUID()).toString('base64url').slice(0, 43)}`;
    case 'brokenEncoding':
      return 'aka_staff=%E0%A4%A; aka_staff=%';
    case 'raw':
      return raw;
  }
}

function csrfHeader(kind: CsrfKind, session: 'kept' | 'fuzz' | 'none', raw: string): string | undefined {
  const own: StaffSession = session === 'kept' ? target.kept.staff : target.fuzzStaff;
  const other: StaffSession = session === 'kept' ? target.fuzzStaff : target.kept.staff;
  switch (kind) {
    case 'own':
      return own.csrfToken;
    case 'other':
      return other.csrfToken;
    case 'none':
      return undefined;
    case 'ownWithSpaces':
      return ` ${own.csrfToken}\t `;
    case 'ownWithSuffix':
      return `${own.csrfToken}=`;
    case 'ownUpperCase':
      return own.csrfToken.toUpperCase();
    case 'raw':
      return raw;
  }
}

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function request(each: Step): FuzzRequest {
  const cookie = cookieHeader(each.cookie, each.raw);
  const csrf = csrfHeader(each.csrf, each.session as 'kept' | 'fuzz' | 'none', each.raw);
  const headers = { ...each.headers, ...(cookie === undefined ? {} : { cookie }), ...(csrf === undefined ? {} : { 'x-csrf-token': csrf }) };
  const ref = each.ref === 'kept' ? target.kept.requestRef : each.ref === 'scratch' ? target.scratchRef : each.ref;
  const post = (path: string, body: string | undefined): FuzzRequest => ({
    method: 'POST',
    path,
    headers: { ...headers, ...(body === undefined || each.contentType === undefined ? {} : { 'content-type': each.contentType }) },
    body,
  });
  switch (each.route) {
    case 'session':
      return { method: 'GET', path: '/api/staff/session', headers };
    case 'list':
      return { method: 'GET', path: `/api/staff/requests${each.query}`, headers };
    case 'show':
      return { method: 'GET', path: `/api/staff/requests/${ref}`, headers };
    case 'action':
      return post(`/api/staff/requests/${ref}/${each.action}`, each.action === 'close' ? each.closeBody : each.otherBody);
    case 'suggestions':
      return { method: 'GET', path: '/api/staff/suggestions', headers };
    case 'read':
      return post(`/api/staff/suggestions/${each.suggestion === 'real' ? suggestionId : each.suggestion}/read`, each.otherBody);
    case 'stats':
      return { method: 'GET', path: `/api/staff/stats${each.query}`, headers };
    case 'csv':
      return { method: 'GET', path: `/api/staff/stats.csv${each.query}`, headers };
    case 'events':
      return { method: 'GET', path: '/api/staff/events', headers };
    case 'login':
      return post('/api/staff/login', each.loginBody);
    case 'logout':
      return post('/api/staff/logout', each.otherBody);
    case 'odd': {
      const path = `/api/staff${each.oddPath.replace('{ref}', ref)}${each.query}`;
      return each.oddMethod === 'GET' || each.oddMethod === 'HEAD' ? { method: each.oddMethod, path, headers } : { ...post(path, each.otherBody), method: each.oddMethod };
    }
  }
}

describe('the HTTP fuzz: the staff API', () => {
  it('answers hostile requests with any session, CSRF token, path, query and body without 5xx, serving nothing without a session and changing nothing without its token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 3 }), fc.boolean(), async (steps, parallel) => {
        const requests = steps.map(request);
        const answers = await exchange(target, requests, parallel);
        steps.forEach((each, index) => {
          const answer = answers[index];
          if (!answer || each.route === 'odd') return;
          // A refusal is JSON: the API's own { error }, or restify's { code, message } for a body it could not read.
          if (answer.status >= 400 && answer.body !== '') {
            const body = JSON.parse(answer.body) as Record<string, unknown>;
            expect(typeof body.error === 'string' || (typeof body.code === 'string' && typeof body.message === 'string')).toBe(true);
          }
          if (each.route === 'login') return;
          // Without a live session nothing is served.
          if (each.session === 'none') expect(answer.status).toBeGreaterThanOrEqual(400);
          // Without the session's own CSRF token nothing changes.
          const changes = each.route === 'action' || each.route === 'read' || each.route === 'logout';
          if (changes && !OWN_CSRF.has(each.csrf)) expect(answer.status).toBeGreaterThanOrEqual(400);
        });
      }),
      runs(200),
    );
  });

  it('refuses, with the exact status, a change to the kept request without the session\'s CSRF token', async () => {
    const refused = fc.record({
      action: fc.constantFrom(...ACTIONS),
      csrf: fc.constantFrom<CsrfKind>('other', 'none', 'ownWithSuffix', 'ownUpperCase', 'raw'),
      raw: hostileHeaderValue.filter((value) => value !== target.kept.staff.csrfToken && value.length < 8000),
      cookie: fc.constantFrom<CookieKind>('kept', 'keptFirst', 'keptPadded'),
      body: fc.option(fc.oneof(fc.constant(json({ outcome: 'helped' })), hostileJson.map(json)), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(refused, async ({ action, csrf, raw, cookie, body }) => {
        const token = csrfHeader(csrf, 'kept', raw);
        const [answer] = await exchange(target, [
          {
            method: 'POST',
            path: `/api/staff/requests/${target.kept.requestRef}/${action}`,
            headers: { cookie: cookieHeader(cookie, '')!, ...(token === undefined ? {} : { 'x-csrf-token': token }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            body,
          },
        ]);
        expect([answer?.status, JSON.parse(answer!.body)]).toEqual([403, { error: 'missing or wrong x-csrf-token header' }]);
      }),
      runs(60),
    );
  });

  it('gives an event stream\'s place back however early its client leaves, so that the user can always open new ones', async () => {
    const opened = `GET /api/staff/events HTTP/1.1\r\nHost: x\r\nCookie: ${target.fuzzStaff.cookie}\r\n\r\n`;
    // More than a user's five streams, each dropped as soon as it is asked for (before the server has answered),
    // or as soon as it has opened, as a flaky phone or a closing tab does.
    for (let round = 0; round < 8; round++) await sendRaw(target.bot.url, Buffer.from(opened), 0);
    for (let round = 0; round < 8; round++) await exchange(target, [{ method: 'GET', path: '/api/staff/events', headers: { cookie: target.fuzzStaff.cookie } }]);
    // Each dropped stream gives its place back when the server sees it close: soon, but not at once.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await exchange(target, [{ method: 'GET', path: '/api/staff/events', headers: { cookie: target.fuzzStaff.cookie } }]))[0]?.status ?? 0;
    }
    expect(status).toBe(200);
  });

  it('afterwards: the conversations, the request and the staff session carry on; nothing crashed; no prototype was polluted', async () => {
    await expectNothingBroken(target);
  });
});
