/**
 * The HTTP fuzz, part 1 (issue 7): POST /api/messages, the pages and other routes, and raw HTTP framing,
 * against the real bot on the test Redis. Every answer is below 500, carries no stack trace and is JSON where the
 * route promises JSON; the bot stays up and logs no crash; and a resident conversation mid-flow, a Direct Line
 * conversation, a filed callback request and a staff session, all set up before the fuzz, carry on after it.
 * Parts 2 and 3: httpFuzz.directLine.test.ts, httpFuzz.staff.test.ts. Seed and run count: see hostileInput.ts
 * (FC_SEED, FC_RUNS); a failure names the seed, the path and the request.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { message, texts } from '../support/botTestKit';
import {
  brokenJson,
  hostileContentType,
  hostileHeaderValue,
  hostilePathSegment,
  hostileQuery,
  hostileString,
  mutatedActivity,
  nestedJson,
  nonString,
  runs,
  typedActivity,
} from './hostileInput';
import {
  MAX_BODY_BYTES,
  MAX_MESSAGE_CHARS,
  dialogText,
  exchange,
  expectNothingBroken,
  extraHeaders,
  isJsonContentType,
  residentText,
  sendRaw,
  t,
  useFuzzTarget,
  type FuzzRequest,
} from './httpFuzzKit';

const target = useFuzzTarget();

const messagesPath = fc.oneof(
  { arbitrary: fc.constant('/api/messages'), weight: 12 },
  { arbitrary: fc.constantFrom('/api/messages/', '/api/messages?x=1', '/API/Messages', '/api//messages', '/api/messages/..', '/api/messages%00', '/api/messages?__proto__[x]=1', '/./api/messages', '/api/messages#x'), weight: 1 },
);

const json = (value: unknown) => JSON.stringify(value) ?? 'undefined';

describe('the HTTP fuzz: POST /api/messages, pages, other routes and raw framing', () => {
  it('answers activities with any field of any shape, type or size, one by one and at once, never with 5xx', async () => {
    const conversation = fc.oneof(fc.constantFrom('fuzz-a', 'fuzz-b', 'fuzz-c'), fc.string({ minLength: 1, maxLength: 16 }).map((id) => `fuzz-${id}`));
    const activity = fc.tuple(conversation, residentText).chain(([id, text]) => {
      const base = { ...message(id, text), serviceUrl: target.sinkUrl };
      return fc.oneof(
        { arbitrary: fc.constant<Record<string, unknown>>(base), weight: 1 },
        { arbitrary: mutatedActivity(base), weight: 4 },
        { arbitrary: typedActivity(base), weight: 2 },
      );
    });
    const request = fc
      .record({
        activity,
        contentType: fc.oneof({ arbitrary: fc.constant<string | undefined>('application/json'), weight: 8 }, { arbitrary: hostileContentType, weight: 1 }),
        headers: extraHeaders,
        path: messagesPath,
        chunked: fc.boolean(),
      })
      .map(({ activity, contentType, headers, path, chunked }): FuzzRequest & { activity: Record<string, unknown> } => ({
        method: 'POST',
        path,
        headers: { ...headers, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
        body: json(activity),
        chunked,
        activity,
      }));

    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 3 }), fc.boolean(), async (requests, parallel) => {
        const answers = await exchange(target, requests, parallel);
        requests.forEach((sent, index) => {
          const answer = answers[index];
          // A turn answered in the response carries the bot's replies as a list, whatever the activity was.
          if (answer?.status === 200 && sent.path === '/api/messages' && sent.activity.deliveryMode === 'expectReplies') {
            expect(Array.isArray((JSON.parse(answer.body) as { activities?: unknown }).activities)).toBe(true);
          }
          // Only JSON is an activity: a form or a text body is never a turn.
          if (answer && !isJsonContentType(sent.headers?.['content-type'])) expect(answer.status).toBeGreaterThanOrEqual(400);
        });
      }),
      runs(250),
    );
  });

  it('refuses bodies that are not activities (broken JSON, other types, other encodings) with 4xx, and takes no part of them', async () => {
    const uploadsBefore = uploadFiles();
    const body = fc.oneof(
      brokenJson.map((text) => ({ text, contentType: 'application/json' as string | undefined })),
      fc.tuple(brokenJson, hostileContentType).map(([text, contentType]) => ({ text, contentType })),
      fc.constantFrom(
        // A form and a CSV body, shaped like an activity: only JSON is one.
        { text: 'type=message&text=hei&deliveryMode=expectReplies&conversation[id]=fuzz-form&channelId=test&from[id]=u', contentType: 'application/x-www-form-urlencoded' },
        { text: 'type,text\nmessage,hei\n"broken', contentType: 'text/csv' },
        { text: 'type\ttext\nmessage\thei\n"', contentType: 'text/tsv' },
        { text: '<activity type="message"/>', contentType: 'application/xml' },
      ),
      // A multipart body with a file, under and over the body limit.
      fc.integer({ min: 100, max: 3 * MAX_BODY_BYTES }).map((size) => ({ text: multipart(size), contentType: 'multipart/form-data; boundary=XyZ' })),
      // An activity in UTF-16, or with bytes that are not UTF-8.
      fc.constantFrom('utf16le', 'latin1').map((encoding) => ({
        bytes: Buffer.from(json(message('fuzz-encoded', 'hyvää päivää')), encoding as BufferEncoding),
        contentType: `application/json; charset=${encoding === 'utf16le' ? 'utf-16' : 'latin1'}`,
      })),
    );
    await fc.assert(
      fc.asyncProperty(body, extraHeaders, async (sent, headers) => {
        const request: FuzzRequest = {
          method: 'POST',
          path: '/api/messages',
          headers: { ...headers, ...(sent.contentType === undefined ? {} : { 'content-type': sent.contentType }) },
          body: 'bytes' in sent ? sent.bytes : sent.text,
        };
        const [answer] = await exchange(target, [request]);
        // Latin-1 bytes in a JSON body are read as UTF-8 (with replacement characters): that one is an activity.
        const readable = 'bytes' in sent && sent.contentType.endsWith('latin1');
        if (answer && !readable) expect(answer.status).toBeGreaterThanOrEqual(400);
      }),
      runs(120),
    );
    // Nothing a request sent was written to disk (restify's multipart parser keeps uploads in the temp folder).
    expect(uploadFiles().filter((file) => !uploadsBefore.includes(file))).toEqual([]);
  });

  it('takes a body up to the limit and refuses one byte more with 413, counting bytes, not characters', async () => {
    const piece = fc.constantFrom('a', 'ä', '😀', 'e\u0301', '\u200B');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -40, max: 40 }), piece, async (delta, unit) => {
        const body = sizedActivity(`fuzz-size-${delta}`, MAX_BODY_BYTES + delta, unit);
        const [answer] = await exchange(target, [{ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body }]);
        if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
          if (answer) expect(answer.status).toBe(413);
        } else {
          // Far past MAX_MESSAGE_CHARS: the bot asks, in Finnish, for something shorter.
          expect(answer?.status).toBe(200);
          expect(texts((JSON.parse(answer!.body) as { activities: [] }).activities)).toEqual([t('input.tooLong', { max: MAX_MESSAGE_CHARS })]);
        }
      }),
      runs(40),
    );
  });

  it('answers deeply nested JSON and long arrays in any field, near and over the limit, without 5xx', async () => {
    const field = fc.constantFrom('value', 'channelData', 'entities', 'attachments', 'text', 'conversation.extra', 'from.extra', 'recipient', 'membersAdded', 'suggestedActions');
    const nested = fc.record({ depth: fc.integer({ min: 1, max: 40_000 }), kind: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const) }).map(({ depth, kind }) => nestedJson(depth, kind));
    const longArray = fc.record({ count: fc.integer({ min: 1, max: 12_000 }), item: fc.constantFrom('{}', 'null', '1', '"x"', '{"type":"mention"}', '[]') }).map(({ count, item }) => `[${Array(count).fill(item).join(',')}]`);
    await fc.assert(
      fc.asyncProperty(field, fc.oneof(nested, longArray), fc.string({ maxLength: 8 }), async (where, inner, id) => {
        const [answer] = await exchange(target, [{ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body: activityWith(`fuzz-deep-${id}`, where, inner) }]);
        if (answer && Buffer.byteLength(activityWith(`fuzz-deep-${id}`, where, inner)) > MAX_BODY_BYTES) expect(answer.status).toBe(413);
      }),
      runs(60),
    );
  });

  it('keeps its prototypes clean when a body names __proto__ or constructor', async () => {
    const polluting = fc.constantFrom(
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"__proto__":{"deliveryMode":"normal","polluted":"yes"}}',
    );
    await fc.assert(
      fc.asyncProperty(polluting, fc.constantFrom('', 'conversation', 'from', 'value', 'channelData'), fc.string({ maxLength: 6 }), async (payload, at, id) => {
        const activity = json({ ...message(`fuzz-proto-${id}`, 'hei'), serviceUrl: target.sinkUrl });
        const body = at === '' ? `${payload.slice(0, -1)},${activity.slice(1)}` : activity.replace(`"${at}":{`, `"${at}":{${payload.slice(1, -1)},`).replace(`"${at}":"`, `"${at}":${payload},"x":"`);
        await exchange(target, [{ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body }]);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      runs(25),
    );
  });

  it('answers any method on any path, with odd queries and headers, without 5xx and without serving files it should not', async () => {
    const knownPath = fc.constantFrom(
      '/', '/kiosk', '/tietosuoja', '/tietosuoja?kioski', '/saavutettavuus?kioski=1', '/web/site.css', '/web/chat.js', '/staff', '/staff/', '/staff/app.js',
      '/staff/app.css', '/healthz', '/readyz', '/metrics', '/api/messages', '/favicon.ico', '/.env', '/package.json', '/web/', '/web/../package.json',
      '/web/..%2f..%2fpackage.json', '/staff/..%2f..%2f.env', '//etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/web/site.css%00.js', '/web/site.css?v=',
      '/v3', '/v3/directline', '/api', '/api/staff', '/web/%2e%2e/%2e%2e/package.json', '/staff/%2e%2e/package.json', '/web/site.css/..',
    );
    const builtPath = fc
      .tuple(fc.constantFrom('/', '/web/', '/staff/', '/api/', '/api/staff/', '/v3/directline/', '/tietosuoja/'), hostilePathSegment, hostileQuery(['v', 'kioski', 'watermark', 'status']))
      .map(([start, segment, query]) => `${start}${segment}${query}`);
    const path = fc.oneof(
      { arbitrary: knownPath, weight: 4 },
      { arbitrary: builtPath, weight: 4 },
      { arbitrary: fc.constant('/web/webchat.js'), weight: 1 },
      { arbitrary: fc.integer({ min: 2000, max: 20_000 }).map((length) => `/${'a'.repeat(length)}`), weight: 1 },
    );
    const method = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH');
    const body = fc.option(fc.oneof(brokenJson, hostileString), { nil: undefined });
    const headers = fc.tuple(extraHeaders, fc.dictionary(fc.constantFrom('host', 'accept-encoding', 'if-modified-since', 'expect', 'x-forwarded-host', 'content-type'), hostileHeaderValue, { maxKeys: 2 }));
    await fc.assert(
      fc.asyncProperty(method, path, body, headers, async (verb, where, sent, [some, more]) => {
        await exchange(target, [{ method: verb, path: where, headers: { ...some, ...more }, body: verb === 'GET' || verb === 'HEAD' ? undefined : sent }]);
      }),
      runs(200),
    );
  });

  it('answers malformed HTTP framing (bad request lines, conflicting lengths, broken chunks, stray bytes) below 500, and stays up', async () => {
    const framed = fc.oneof(
      fc.constantFrom(...RAW_REQUESTS).map((text) => Buffer.from(text, 'latin1')),
      fc
        .tuple(fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS'), fc.constantFrom('/', '/healthz', '/api/messages', '/v3/directline/conversations/', '/api/staff/requests/', '/web/'), fc.uint8Array({ minLength: 1, maxLength: 40 }))
        .map(([verb, start, bytes]) => Buffer.concat([Buffer.from(`${verb} ${start}`), Buffer.from(bytes), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')])),
      fc
        .tuple(fc.constantFrom('x-test', 'cookie', 'authorization', 'content-type'), fc.uint8Array({ minLength: 1, maxLength: 60 }))
        .map(([name, bytes]) => Buffer.concat([Buffer.from(`GET /healthz HTTP/1.1\r\nHost: x\r\n${name}: `), Buffer.from(bytes), Buffer.from('\r\nConnection: close\r\n\r\n')])),
    );
    await fc.assert(
      fc.asyncProperty(framed, async (bytes) => {
        const before = target.logLines().length;
        const { text } = await sendRaw(target.bot.url, bytes);
        const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
        expect(statuses.filter((status) => status >= 500)).toEqual([]);
        expect(text).not.toMatch(/\n\s+at |node_modules|Error: /);
        expect(target.logLines().slice(before).filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
      }),
      runs(60),
    );
  });

  it('refuses with 400, and leaves alone, activities for the kept conversation that are not activities', async () => {
    const defect = fc.oneof(
      nonString.map((text) => ({ text })),
      fc.oneof(nonString, fc.constant('')).map((type) => ({ type })),
      fc.constantFrom(null, 'x', 5, []).map((from) => ({ from })),
      fc.constantFrom('', 'x'.repeat(65)).map((channelId) => ({ channelId })),
      fc.constantFrom('x'.repeat(33), 5, null).map((deliveryMode) => ({ deliveryMode })),
      fc.constant({ serviceUrl: `http://${'x'.repeat(2048)}` }),
      fc.constant({ id: 'x'.repeat(513) }),
    );
    await fc.assert(
      fc.asyncProperty(defect, dialogText, async (change, text) => {
        const activity = { ...message(target.kept.residentConversation, text), ...change };
        const [answer] = await exchange(target, [{ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body: json(activity) }]);
        expect(answer?.status).toBe(400);
      }),
      runs(60),
    );
  });

  it('afterwards: the conversations, the request and the staff session carry on; nothing crashed; no prototype was polluted', async () => {
    await expectNothingBroken(target);
  });
});

/** An activity whose JSON is `bytes` long (as near as `unit` allows), its text far past MAX_MESSAGE_CHARS. */
function sizedActivity(conversationId: string, bytes: number, unit: string): string {
  const empty = json(message(conversationId, ''));
  const room = bytes - Buffer.byteLength(empty);
  const units = Math.floor(room / Buffer.byteLength(unit));
  const text = unit.repeat(units) + 'a'.repeat(room - units * Buffer.byteLength(unit));
  return json(message(conversationId, text));
}

/** An activity with `inner` (JSON text) put at `where`: a field, or a field inside conversation or from. */
function activityWith(conversationId: string, where: string, inner: string): string {
  const [field, nestedField] = where.split('.');
  const activity = json({ ...message(conversationId, 'hei'), [field!]: nestedField ? { id: conversationId, [nestedField]: '@INNER@' } : '@INNER@' });
  return activity.replace('"@INNER@"', inner);
}

/** A multipart/form-data body with one file part, about `size` bytes long. */
function multipart(size: number): string {
  return `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'A'.repeat(size)}\r\n--XyZ\r\nContent-Disposition: form-data; name="type"\r\n\r\nmessage\r\n--XyZ--\r\n`;
}

/** Files that restify's multipart parser leaves in the temp folder. */
function uploadFiles(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('upload_'));
}

/** Requests no HTTP client would write. Each asks for "Connection: close" where it gets that far, so the answer ends with it. */
const RAW_REQUESTS = [
  'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /healthz HTTP/1.0\r\n\r\n',
  'GARBAGE\r\n\r\n',
  '\r\n\r\n\r\n',
  '\0\0\0\0',
  'GET /healthz HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n',
  'GET /health\0z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\nConnection: close\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x\r\n X-Folded: continued\r\nConnection: close\r\n\r\n',
  'GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\rb\r\nConnection: close\r\n\r\n',
  'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n',
  'GET http://elsewhere.example/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  'CONNECT 127.0.0.1:6379 HTTP/1.1\r\nHost: 127.0.0.1:6379\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 4\r\nConnection: close\r\n\r\n{}{}',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\nConnection: close\r\n\r\n0\r\n\r\n',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\nConnection: close\r\n\r\n',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\nConnection: close\r\n\r\n{}',
  'POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1e3\r\nConnection: close\r\n\r\n{}',
  'POST /v3/directline/tokens/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{',
  'POST /api/staff/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\nConnection: close\r\n\r\n{"a"',
  'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nPOST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, index) => `x-h${index}: 1\r\n`).join('')}Connection: close\r\n\r\n`,
];
