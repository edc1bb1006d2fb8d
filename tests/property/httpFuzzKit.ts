/**
 * The harness of the HTTP fuzz (httpFuzz*.test.ts, issue 7): the real bot on the test Redis, a request sender
 * that can put almost any bytes on the wire, the checks every response must pass, and the state that must come
 * through the fuzz intact — a resident conversation in the middle of a callback request, a Direct Line
 * conversation, a filed callback request and a staff session — with the checks that it did.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { runInThisContext } from 'node:vm';
import fc from 'fast-check';
import type Redis from 'ioredis';
import { CallbackStore } from '../../services/callbacks/callbackStore';
import type { CallbackRequest } from '../../services/callbacks/request';
import { DirectLineTokens } from '../../services/directLine/tokens';
import { StaffAccounts } from '../../services/staff/accounts';
import { buttons, capturingLogger, finnish, message, startBot, texts, type RunningBot } from '../support/botTestKit';
import { claimsOf, poll, say, startConversation, type Conversation, type DirectLineActivity } from '../support/directLineKit';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/testRedis';
import { hostileHeaderValue, hostileString, oddUnicodeString, percentEncoded } from './hostileInput';

export const { t } = finnish().messages;
export const DIRECT_LINE_SECRET = 'http-fuzz-direct-line-secret-0123456789abcdef';
export const STAFF_NAME = 'aino';
export const STAFF_PASSWORD = 'oikein-pitkä-salasana-1';
/** Small enough that bodies near and over it are cheap to send; MAX_MESSAGE_CHARS stays at its default. */
export const MAX_BODY_BYTES = 65_536;
export const MAX_MESSAGE_CHARS = 2000;
/** Past the turn lock's wait (10 s): a request with no answer by then hangs, which the fuzz reports. */
const ANSWER_BOUND_MS = 20_000;

// ---------------------------------------------------------------------------------------------------------------
// What the fuzz sends besides the generators of hostileInput.ts

/** What residents say in the dialogs (buttons, answers, commands), so that the fuzz also walks the dialogs. */
export const dialogText = fc.constantFrom(
  'hei', t('menu.choice.callback'), t('menu.choice.matter'), t('menu.choice.livingRoom'), t('menu.choice.suggestion'), t('confirm.yes'), t('confirm.no'),
  '040 123 4567', 'heti', t('callback.choice.skipName'), t('livingRoom.choice.hours'), 'alusta', 'apua', 'ihminen', 'lopeta', 'peruuta', 'soittakaa minulle',
  'kela ei maksa', 'olohuone', '1', '2', '3',
);
export const residentText = fc.oneof({ arbitrary: dialogText, weight: 3 }, { arbitrary: hostileString, weight: 2 }, { arbitrary: oddUnicodeString, weight: 1 });

/** Headers a client may add, with hostile values: credentials, cookies, proxies, encodings, expectations. */
export const extraHeaders = fc.dictionary(
  fc.constantFrom('authorization', 'cookie', 'x-csrf-token', 'x-forwarded-for', 'x-forwarded-proto', 'accept', 'accept-language', 'accept-encoding', 'content-encoding', 'origin', 'referer', 'user-agent', 'x-ms-conversation-id', 'range', 'if-none-match'),
  fc.oneof(hostileHeaderValue, fc.constantFrom('Bearer abc.def.ghi', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'gzip', 'identity', 'GZIP', 'br', 'deflate, gzip', 'aka_staff=x', 'bytes=0-10,5-1')),
  { maxKeys: 3 },
);

// ---------------------------------------------------------------------------------------------------------------
// Sending requests

export interface FuzzRequest {
  method: string;
  /** Path and query, sent as they are (characters the HTTP client cannot send are percent-encoded). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sent with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

export interface FuzzResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** An event stream, closed by us after its headers (it never ends by itself). */
  stream?: boolean;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Ends the kept-alive connections of the sender (afterAll). */
export function closeSender(): void {
  agent.destroy();
}

/** One request to the bot; resolves with the answer, rejects if there is none within the bound. */
export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzResponse> {
  const { hostname, port } = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string | number> = { ...request.headers };
  if (body !== undefined) {
    if (request.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = body.length;
  }
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ agent, hostname, port, method: request.method, path: sendablePath(request.path), headers }, (incoming) => {
      if (String(incoming.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        incoming.destroy();
        outgoing.destroy();
        return resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: '', stream: true });
      }
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') }));
      incoming.on('error', reject);
    });
    outgoing.setTimeout(ANSWER_BOUND_MS, () => outgoing.destroy(new Error(`no answer within ${ANSWER_BOUND_MS} ms to ${describeRequest(request)}`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // The server may answer (413, 415, 431) and close before it has read all we send: the answer is what counts.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') return reject(new ServerHungUp(describeRequest(request)));
      reject(error);
    });
    outgoing.end(body);
  });
}

/** The server closed the connection before answering: allowed only for requests it refuses unread (too large). */
export class ServerHungUp extends Error {
  constructor(what: string) {
    super(`the server closed the connection without an answer to ${what}`);
    this.name = 'ServerHungUp';
  }
}

/** Node's client refuses code points outside 0x21–0xFF in a path: those are percent-encoded, the rest goes as it is. */
function sendablePath(path: string): string {
  return path.replace(/[^\u0021-\u00ff]+/gu, percentEncoded);
}

/**
 * Raw bytes on a fresh connection, for framing no HTTP client will write (bad request lines, conflicting lengths,
 * broken chunks). Resolves with the status of the first answer, or undefined when the server closed without one
 * or did not answer within a short while (it may rightly wait for the rest of a body that never comes).
 */
export function sendRaw(baseUrl: string, bytes: Buffer, waitMs = 1500): Promise<{ status?: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', finish);
    socket.on('close', finish);
    // The raw requests ask for "Connection: close", so the answer ends with the connection; the wait starts
    // once the bytes are sent (with no wait, the client leaves as soon as it has asked).
    socket.write(bytes, () => {
      timer = setTimeout(finish, waitMs);
    });
  });
}

/** One line describing a request, for failure messages. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` body(${Buffer.byteLength(request.body)} B)=${JSON.stringify(String(request.body).slice(0, 200))}`;
  const headers = Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${JSON.stringify(value.slice(0, 80))}${value.length > 80 ? `…(${value.length})` : ''}`);
  return `${request.method} ${request.path.slice(0, 200)}${request.path.length > 200 ? `…(${request.path.length})` : ''} [${headers.join('; ')}]${body}`;
}

// ---------------------------------------------------------------------------------------------------------------
// What every answer must be

/** A stack frame, a source position, a dependency's path or an error's own text. */
const STACK_TRACE = /\n\s+at |\bat [^\s()]+ \([^)]*:\d+:\d+\)|\.[cm]?[jt]sx?:\d+:\d+|node_modules|Error: /;
/** POST /api/messages as restify routes it: a trailing slash, a query or a fragment make no difference. */
const MESSAGES_PATH = /^\/api\/messages\/?(?:[?#]|$)/i;
/** Answers Node's HTTP server gives itself, before any route runs (417: an Expect header it cannot meet): no content type, no body. */
const NODE_STATUSES = new Set([400, 413, 414, 417, 431]);

/** The paths whose answers are JSON (apart from 204s, HEAD, the event stream and the CSV export). */
export function promisesJson(path: string): boolean {
  const pathname = path.split('?')[0]!;
  return /^\/api\//i.test(pathname) || pathname.startsWith('/v3/') || pathname === '/healthz' || pathname === '/readyz';
}

/**
 * The checks every answer passes: no 5xx (Redis is up, so not even 503), no stack trace or error internals in the
 * body, and JSON where the route promises JSON. Throws (as a failed expectation) with the request described.
 */
export function checkAnswer(request: FuzzRequest, answer: FuzzResponse): void {
  const what = describeRequest(request);
  const contentType = String(answer.headers['content-type'] ?? '');
  if ((answer.status >= 500 && !invokeNotImplemented(request, answer)) || answer.status < 100) throw new Error(`${answer.status} ${answer.body.slice(0, 500)}\n  for ${what}`);
  const assetOrPage = /javascript|css|html/.test(contentType);
  if (!assetOrPage && STACK_TRACE.test(answer.body)) throw new Error(`error internals in the answer: ${answer.body.slice(0, 500)}\n  for ${what}`);
  if (contentType.includes('json') && answer.body !== '') {
    try {
      JSON.parse(answer.body);
    } catch {
      throw new Error(`content-type ${contentType} but not JSON: ${answer.body.slice(0, 300)}\n  for ${what}`);
    }
  }
  const bare = !contentType && answer.body === '' && NODE_STATUSES.has(answer.status);
  // Bot Framework's normal delivery: the replies go to the channel's serviceUrl, the answer itself is empty.
  const delivered = MESSAGES_PATH.test(request.path) && answer.body === '' && answer.status >= 200 && answer.status < 300;
  const exempt = answer.status === 204 || request.method === 'HEAD' || answer.stream === true || contentType.startsWith('text/csv') || bare || delivered;
  if (promisesJson(request.path) && !exempt && !contentType.includes('application/json')) {
    throw new Error(`${answer.status} with content-type "${contentType}", not JSON: ${answer.body.slice(0, 300)}\n  for ${what}`);
  }
  // Nothing from outside what is served: no project files reached by traversal.
  if (/"devDependencies"|REDIS_URL=|DIRECT_LINE_SECRET=|BEGIN [A-Z ]*PRIVATE KEY/.test(answer.body)) throw new Error(`a file that is not served leaked: ${what}`);
}

/**
 * An invoke activity the bot has no handler for, delivered normally, is answered 501 Not Implemented: that is
 * the Bot Framework's protocol (the invoke response's status is the HTTP status), not a failure.
 */
function invokeNotImplemented(request: FuzzRequest, answer: FuzzResponse): boolean {
  if (answer.status !== 501 || !MESSAGES_PATH.test(request.path) || request.method !== 'POST') return false;
  try {
    return (JSON.parse(String(request.body)) as { type?: unknown }).type === 'invoke';
  } catch {
    return false;
  }
}

/** Sends one request and checks its answer; a request the server refused unread by closing the connection passes when `mayHangUp`. */
export async function sendAndCheck(baseUrl: string, request: FuzzRequest, options: { mayHangUp?: boolean } = {}): Promise<FuzzResponse | undefined> {
  try {
    const answer = await send(baseUrl, request);
    checkAnswer(request, answer);
    return answer;
  } catch (error) {
    if (error instanceof ServerHungUp && options.mayHangUp) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The bot under fuzz, and the state that must come through

export interface StaffSession {
  cookie: string;
  csrfToken: string;
}

export interface KeptState {
  /** A resident over /api/messages, asked for a phone number in the middle of a callback request. */
  residentConversation: string;
  /** A Direct Line conversation in the living-room menu, with its transcript as it was. */
  directLine: Conversation;
  directLineTranscript: { activities: DirectLineActivity[]; watermark: string };
  /** A filed callback request, as it was stored. */
  requestRef: string;
  request: CallbackRequest;
  /** A staff session that the fuzz uses only in ways that cannot change anything. */
  staff: StaffSession;
}

export interface FuzzTarget {
  bot: RunningBot;
  redis: Redis;
  kept: KeptState;
  /** A second staff session, which the fuzz may use with its CSRF token. */
  fuzzStaff: StaffSession;
  /** A second callback request, which the fuzz may claim, close and reopen. */
  scratchRef: string;
  /** A Direct Line conversation the fuzz may post to (it is never ended). */
  fuzzDirectLine: Conversation;
  /** Where the bot's replies go for activities with deliveryMode "normal" (answers 200 to everything). */
  sinkUrl: string;
  /** Tokens signed with the bot's secret but already expired, for any conversation. */
  expiredToken(conversationId: string, userId: string): string;
  /** The bot's log lines (warn and above). */
  logLines: () => string[];
  /** Unhandled rejections and uncaught exceptions seen in the process since start. */
  processFailures: unknown[];
  stop(): Promise<void>;
}

/** Files a callback request over /api/messages as a resident would; returns its reference. */
export async function fileRequest(bot: RunningBot, conversation: string, matter: string): Promise<string> {
  for (const text of ['hei', t('menu.choice.callback'), matter, '040 123 4567', 'kyllä', 'heti', t('callback.choice.skipName')]) await bot.send(message(conversation, text));
  const saved = await bot.send(message(conversation, 'kyllä'));
  const ref = /AKA-\d{4}-\d{6}/.exec(texts(saved.replies).join('\n'))?.[0];
  if (!ref) throw new Error(`no reference in ${JSON.stringify(texts(saved.replies))}`);
  return ref;
}

export async function staffLogin(baseUrl: string): Promise<StaffSession> {
  const answer = await send(baseUrl, {
    method: 'POST',
    path: '/api/staff/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: STAFF_NAME, password: STAFF_PASSWORD }),
  });
  if (answer.status !== 200) throw new Error(`login answered ${answer.status}: ${answer.body}`);
  const cookie = String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  return { cookie, csrfToken: (JSON.parse(answer.body) as { csrfToken: string }).csrfToken };
}

/** The process itself, not Jest's copy of it: only the real one hears about unhandled rejections. */
function realProcess(): NodeJS.Process {
  return runInThisContext('process') as NodeJS.Process;
}

/** Starts the bot and a reply sink, and sets up the state that the fuzz must leave intact. */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const { logger, lines } = capturingLogger('warn');
  const bot = await startBot({
    logger,
    configOverrides: {
      DIRECT_LINE_SECRET,
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS),
      // The fuzz sends far more than a person would; the limits are not what it tests (their own tests do).
      DIRECT_LINE_ACTIVITIES_PER_MINUTE: '10000',
      DIRECT_LINE_POLLS_PER_MINUTE: '100000',
      DIRECT_LINE_TOKENS_PER_MINUTE: '100000',
    },
  });
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as net.AddressInfo).port}/`;
  const processFailures: unknown[] = [];
  const onRejection = (reason: unknown) => processFailures.push(reason);
  const onException = (error: unknown) => processFailures.push(error);
  const host = realProcess();
  host.on('unhandledRejection', onRejection);
  host.on('uncaughtExceptionMonitor', onException);
  const redis = connectTestRedis();
  const prefix = bot.config.REDIS_KEY_PREFIX;
  const stop = async () => {
    printTally();
    closeSender();
    await bot.stop();
    await new Promise((resolve) => sink.close(resolve));
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
    host.off('unhandledRejection', onRejection);
    host.off('uncaughtExceptionMonitor', onException);
  };
  try {
    const past = () => new Date(Date.now() - 2 * 3600_000);
    const expiredTokens = new DirectLineTokens(DIRECT_LINE_SECRET, 60, past);
    return {
      ...(await setUpState(bot, redis)),
      bot,
      redis,
      sinkUrl,
      expiredToken: (conversationId, userId) => expiredTokens.issue({ conversationId, userId }).token,
      logLines: lines,
      processFailures,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The state the fuzz must leave intact, and the second session, request and conversation it may use. */
async function setUpState(bot: RunningBot, redis: Redis): Promise<Pick<FuzzTarget, 'kept' | 'fuzzStaff' | 'scratchRef' | 'fuzzDirectLine'>> {
  const prefix = bot.config.REDIS_KEY_PREFIX;
  await new StaffAccounts(redis, { prefix }).add(STAFF_NAME, STAFF_PASSWORD);

  const residentConversation = `kept-resident-${randomUUID()}`;
  for (const text of ['hei', t('menu.choice.callback')]) await bot.send(message(residentConversation, text));
  const asked = await bot.send(message(residentConversation, 'velat kasvaa'));
  if (!texts(asked.replies).includes(t('callback.askPhone'))) throw new Error(`set-up: no phone question in ${JSON.stringify(texts(asked.replies))}`);

  const requestRef = await fileRequest(bot, `kept-request-${randomUUID()}`, 'kela ei maksa');
  const scratchRef = await fileRequest(bot, `scratch-request-${randomUUID()}`, 'asunto');
  const request = await new CallbackStore(redis, { prefix }).get(requestRef);
  if (!request) throw new Error('set-up: the kept request was not stored');

  const directLine = await startConversation(bot.url);
  if ((await say(bot.url, directLine, 'olohuone')).status !== 200) throw new Error('set-up: the Direct Line message was refused');
  const directLineTranscript = await poll(bot.url, directLine);
  const fuzzDirectLine = await startConversation(bot.url);

  const staff = await staffLogin(bot.url);
  const fuzzStaff = await staffLogin(bot.url);
  return { kept: { residentConversation, directLine, directLineTranscript, requestRef, request, staff }, fuzzStaff, scratchRef, fuzzDirectLine };
}

/**
 * A fuzz file's target and its lifecycle: started before the file's tests (into the object returned here, which
 * the tests hold from the start), the bot checked alive after each test, and everything stopped after all.
 * `setUp` adds what one file needs beside it.
 */
export function useFuzzTarget(setUp?: (target: FuzzTarget) => Promise<void>): FuzzTarget {
  // A few seconds each here; generous for a busy machine and for FC_RUNS above 1.
  jest.setTimeout(180_000);
  const target = {} as FuzzTarget;
  let started = false;
  beforeAll(async () => {
    Object.assign(target, await startFuzzTarget());
    started = true;
    await setUp?.(target);
  }, 60_000);
  afterEach(async () => expectAlive(target.bot.url));
  afterAll(async () => {
    if (started) await target.stop();
  });
  return target;
}

/** The bot is up and ready: /healthz and /readyz answer 200. */
export async function expectAlive(baseUrl: string): Promise<void> {
  const health = await send(baseUrl, { method: 'GET', path: '/healthz' });
  expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok' }]);
  const ready = await send(baseUrl, { method: 'GET', path: '/readyz' });
  expect(ready.status).toBe(200);
}

/** The Direct Line conversation's user id, from its token. */
export function userOf(conversation: Conversation): string {
  return String(claimsOf(conversation.token).user);
}

/**
 * After the fuzz: the resident conversation takes its next step, the Direct Line transcript is as it was and
 * takes a new turn in order, the filed request is unchanged, the staff session still reads and changes.
 */
export async function expectKeptStateIntact(target: FuzzTarget): Promise<void> {
  const { bot, kept } = target;

  // The resident, asked for a phone number before the fuzz, gives one and is asked to confirm it.
  const next = await bot.send(message(kept.residentConversation, '040 123 4567'));
  expect(next.status).toBe(200);
  expect(texts(next.replies)).toEqual([t('callback.confirmPhone', { phone: '040 123 4567' })]);
  expect(buttons(next.replies)).toEqual([t('confirm.yes'), t('confirm.no')]);

  // The Direct Line transcript is exactly as it was; the next message and its replies come after it, in order.
  const again = await poll(bot.url, kept.directLine);
  expect(again).toEqual(kept.directLineTranscript);
  const said = await say(bot.url, kept.directLine, t('livingRoom.choice.hours'));
  expect(said.status).toBe(200);
  const after = await poll(bot.url, kept.directLine, kept.directLineTranscript.watermark);
  const [echo, ...replies] = after.activities;
  expect(echo).toMatchObject({ id: said.id, text: t('livingRoom.choice.hours'), from: { role: 'user' }, channelData: { clientActivityID: said.clientActivityID } });
  expect(replies.length).toBeGreaterThan(0);
  expect(replies.every((reply) => reply.from.role === 'bot' && reply.replyToId === said.id)).toBe(true);
  expect(replies.map((reply) => reply.text ?? '').join('\n')).toContain(t('livingRoom.hoursTitle'));
  const whole = [...kept.directLineTranscript.activities, ...after.activities];
  const sequence = whole.map((activity) => Number(activity.id.split('|')[1]));
  expect(sequence).toEqual(sequence.map((_, index) => sequence[0]! + index));
  const times = whole.map((activity) => Date.parse(activity.timestamp));
  expect(times).toEqual([...times].sort((a, b) => a - b));

  // The filed request is as it was stored.
  const store = new CallbackStore(target.redis, { prefix: bot.config.REDIS_KEY_PREFIX });
  expect(await store.get(kept.requestRef)).toEqual(kept.request);
  expect(await store.queue()).toContain(kept.requestRef);

  // The staff session still reads, and with its CSRF token still changes things.
  const headers = { cookie: kept.staff.cookie };
  const session = await send(bot.url, { method: 'GET', path: '/api/staff/session', headers });
  expect([session.status, JSON.parse(session.body)]).toEqual([200, { username: STAFF_NAME, csrfToken: kept.staff.csrfToken }]);
  const shown = await send(bot.url, { method: 'GET', path: `/api/staff/requests/${kept.requestRef}`, headers });
  expect(shown.status).toBe(200);
  expect(JSON.parse(shown.body)).toMatchObject({ ref: kept.requestRef, status: 'new', summary: kept.request.summary, phone: kept.request.phone });
  const claimed = await send(bot.url, { method: 'POST', path: `/api/staff/requests/${kept.requestRef}/claim`, headers: { ...headers, 'x-csrf-token': kept.staff.csrfToken } });
  expect(claimed.status).toBe(200);
  expect(JSON.parse(claimed.body)).toMatchObject({ ref: kept.requestRef, status: 'claimed', claimedBy: STAFF_NAME });
}

/** Log lines that tell of a crash: fatal, uncaught, or a failure inside the bot rather than a refusal. */
export function crashLines(lines: string[]): string[] {
  return lines.filter((line) => {
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
    return level >= 50 || /uncaught|unhandled/i.test(line);
  });
}

/**
 * Sends the requests (one after another, or all at once) and checks every answer; fails, naming the requests,
 * if the bot logged a crash meanwhile or the process saw an unhandled rejection.
 */
export async function exchange(target: FuzzTarget, requests: FuzzRequest[], parallel = false): Promise<Array<FuzzResponse | undefined>> {
  const before = target.logLines().length;
  const failuresBefore = target.processFailures.length;
  const one = async (request: FuzzRequest) => {
    const answer = await sendAndCheck(target.bot.url, request, { mayHangUp: mayBeRefusedUnread(request) });
    if (process.env.FUZZ_DEBUG) {
      const key = `${request.method} ${request.path.split('?')[0]!.replace(/[A-Za-z0-9_-]{20,}/g, ':id').slice(0, 60)} → ${answer?.status ?? 'hung up'}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    return answer;
  };
  const answers: Array<FuzzResponse | undefined> = [];
  if (parallel) answers.push(...(await Promise.all(requests.map(one))));
  else for (const request of requests) answers.push(await one(request));
  const crashes = crashLines(target.logLines().slice(before));
  const failures = target.processFailures.slice(failuresBefore);
  if (crashes.length > 0 || failures.length > 0) {
    const what = requests.map(describeRequest).join('\n  and ');
    throw new Error(`the bot failed inside:\n${[...crashes.map((line) => line.slice(0, 800)), ...failures.map(String)].join('\n')}\n  for ${what}`);
  }
  return answers;
}

/** With FUZZ_DEBUG=1: how many requests got which answer, printed when the target stops (to see what the fuzz reaches). */
const tally = new Map<string, number>();
export function printTally(): void {
  if (!process.env.FUZZ_DEBUG) return;
  const total = [...tally.values()].reduce((sum, count) => sum + count, 0);
  console.log(`${total} requests\n${[...tally.entries()].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${count}\t${key}`).join('\n')}`);
}

/** Bodies over the limit and headers over Node's 16 KiB may be refused before they are read, closing the connection. */
function mayBeRefusedUnread(request: FuzzRequest): boolean {
  const headerBytes = Object.entries(request.headers ?? {}).reduce((sum, [name, value]) => sum + name.length + value.length, request.path.length);
  return (request.body !== undefined && Buffer.byteLength(request.body) > MAX_BODY_BYTES) || headerBytes > 8 * 1024;
}

/** The end of every fuzz file: the kept state carries on, nothing crashed, and no prototype was polluted. */
export async function expectNothingBroken(target: FuzzTarget): Promise<void> {
  await expectAlive(target.bot.url);
  await expectKeptStateIntact(target);
  expect(crashLines(target.logLines())).toEqual([]);
  expect(target.processFailures).toEqual([]);
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** Whether restify parses a body of this content type as JSON (application/json, application/…+json). */
export function isJsonContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.toLowerCase();
  return type === 'application/json' || /^application\/[a-zA-Z.]+\+json/.test(type);
}

export type { Conversation };
