import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { AuditAction, AuditTrail } from '../../services/audit/auditTrail';
import { CallbackConflictError, CallbackNotFoundError, type CallbackStore } from '../../services/callbacks/callbackStore';
import { CALLBACK_OUTCOMES, CALLBACK_REF, NOTE_MAX_CHARS } from '../../services/callbacks/request';
import { toCsv, type CallbackStats } from '../../services/callbacks/stats';
import { SERVICE_IDS } from '../../services/directory/directory';
import type { Logger } from '../../services/logging/logger';
import type { StaffAccounts } from '../../services/staff/accounts';
import type { LoginLimiter } from '../../services/staff/loginLimiter';
import type { StaffSession, StaffSessions } from '../../services/staff/sessions';
import type { SuggestionStore } from '../../services/suggestions/suggestionStore';
import { SESSION_COOKIE, clearedSessionCookie, clientAddress, isHttps, parseOr400, readCookie, sessionCookie, setSecurityHeaders } from './http';

export interface StaffParts {
  accounts: StaffAccounts;
  sessions: StaffSessions;
  limiter: LoginLimiter;
  requests: CallbackStore;
  suggestions: SuggestionStore;
  audit: AuditTrail;
  stats: CallbackStats;
  clock: () => Date;
  logger: Logger;
  /** Behind a reverse proxy: take the client's address and HTTPS from X-Forwarded-For / -Proto. */
  trustProxy: boolean;
  /** The session cookie lives as long as a session may (the store ends idle ones sooner). */
  sessionMaxAgeSeconds: number;
  /** Where the console's page, script and style are (web/staff). */
  webDir: string;
  /** How often the event stream looks for changes, in milliseconds. */
  eventsPollMs?: number;
  /** Told of every close, for the metrics. */
  onClosed?: (outcome: string) => void;
}

const loginSchema = z.strictObject({
  username: z.string().min(1, 'expected a user name').max(100),
  password: z.string().min(1, 'expected a password').max(1000),
});
const refSchema = z.strictObject({ ref: z.string().regex(CALLBACK_REF, 'expected a reference such as AKA-2026-000123') });
const suggestionIdSchema = z.strictObject({ id: z.uuid('expected a suggestion id') });
const listQuerySchema = z.strictObject({
  status: z.enum(['new', 'claimed', 'closed']).default('new'),
  service: z.enum([...SERVICE_IDS, 'none']).optional(),
  urgent: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
});
const closeSchema = z.strictObject({ outcome: z.enum(CALLBACK_OUTCOMES), note: z.string().max(NOTE_MAX_CHARS).optional() });
const statsQuerySchema = z.strictObject({ weeks: z.coerce.number().int().min(1).max(520).optional() });

// The same answer for an unknown user and a wrong password: the console does not tell which names exist.
const LOGIN_FAILED = 'wrong user name or password';
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/staff': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/staff/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/staff/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/staff/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

type Handler = (req: Request, res: Response) => Promise<void>;
type SessionHandler = (req: Request, res: Response, session: StaffSession) => Promise<void>;

/**
 * The staff console: its page under /staff and its JSON API under /api/staff. Every API answer but login
 * needs a live session (cookie); every state change also needs the session's CSRF token in `x-csrf-token`.
 * Views, changes and exports go to the audit trail.
 */
export function registerStaffRoutes(server: Server, parts: StaffParts): void {
  const { sessions, audit, requests, clock, logger } = parts;
  const listAudits = new Throttle(LIST_AUDIT_EVERY_MS);
  const openStreams = new Map<string, number>();

  /** Headers, and no error detail to the caller: a failure is logged and answered with a plain 500. */
  const guarded =
    (handler: Handler): Handler =>
    async (req, res) => {
      setSecurityHeaders(res, isHttps(req, parts.trustProxy));
      // A body must be JSON: a plain HTML form from another site cannot then log a browser in or change anything.
      if (req.method === 'POST' && hasBody(req) && !req.is('application/json')) {
        return void res.send(415, { error: 'expected a JSON body (content-type: application/json)' });
      }
      try {
        await handler(req, res);
      } catch (error) {
        if (error instanceof CallbackNotFoundError) return void res.send(404, { error: `no request ${error.ref}` });
        if (error instanceof CallbackConflictError) {
          return void res.send(409, { error: error.message, status: error.status, ...(error.claimedBy ? { claimedBy: error.claimedBy } : {}) });
        }
        logger.error({ err: error, path: req.path() }, 'staff request failed');
        if (!res.headersSent) res.send(500, { error: 'the request could not be handled; try again' });
      }
    };

  const withSession =
    (handler: SessionHandler, options: { changes: boolean }): Handler =>
    async (req, res) => {
      const token = readCookie(req, SESSION_COOKIE);
      const session = token ? await sessions.get(token) : null;
      if (!session) return void res.send(401, { error: 'not logged in, or the session has ended' });
      if (options.changes && !sameSecret(String(req.headers['x-csrf-token'] ?? ''), session.csrfToken)) {
        return void res.send(403, { error: 'missing or wrong x-csrf-token header' });
      }
      await handler(req, res, session);
    };

  const get = (path: string, handler: SessionHandler) => server.get(path, guarded(withSession(handler, { changes: false })));
  const post = (path: string, handler: SessionHandler) => server.post(path, guarded(withSession(handler, { changes: true })));
  const record = (session: StaffSession, action: AuditAction, extra: { ref?: string; detail?: string } = {}) =>
    audit.record({ at: clock(), who: session.username, action, ...extra });

  registerStaffPage(server, parts.webDir, guarded);

  server.post(
    '/api/staff/login',
    guarded(async (req, res) => {
      const body = parseOr400(loginSchema, req.body, res);
      if (!body) return;
      const address = clientAddress(req, parts.trustProxy);
      const allowed = await parts.limiter.attempt(address, body.username);
      if (!allowed.allowed) {
        res.header('Retry-After', String(allowed.retryAfterSeconds));
        if (allowed.reason === 'unavailable') return void res.send(503, { error: 'logging in is not possible right now; try again shortly' });
        return void res.send(429, { error: 'too many failed logins; try again later', retryAfterSeconds: allowed.retryAfterSeconds });
      }
      // The attempt is already counted: a failure needs nothing more.
      if (!(await parts.accounts.verify(body.username, body.password))) return void res.send(401, { error: LOGIN_FAILED });
      await parts.limiter.recordSuccess(address, body.username);
      // A session this browser already had ends: one browser, one session.
      const previous = readCookie(req, SESSION_COOKIE);
      if (previous) await sessions.destroy(previous);
      const session = await sessions.create(body.username);
      res.header('Set-Cookie', sessionCookie(session.token, { secure: isHttps(req, parts.trustProxy), maxAgeSeconds: parts.sessionMaxAgeSeconds }));
      await record(session, 'login');
      res.send(200, { username: session.username, csrfToken: session.csrfToken });
    }),
  );

  post('/api/staff/logout', async (req, res, session) => {
    await sessions.destroy(session.token);
    await record(session, 'logout');
    res.header('Set-Cookie', clearedSessionCookie(isHttps(req, parts.trustProxy)));
    res.send(200, { ok: true });
  });

  get('/api/staff/session', async (_req, res, session) => {
    res.send(200, { username: session.username, csrfToken: session.csrfToken });
  });

  get('/api/staff/requests', async (req, res, session) => {
    const query = parseOr400(listQuerySchema, queryOf(req), res);
    if (!query) return;
    const items = await requests.list({ ...query, now: clock() });
    const detail = describeQuery(query);
    if (listAudits.due(`${session.username}|${detail}`, clock())) await record(session, 'list', { detail });
    res.send(200, { items });
  });

  get('/api/staff/requests/:ref', async (req, res, session) => {
    const params = parseOr400(refSchema, req.params, res);
    if (!params) return;
    const item = await requests.get(params.ref, { now: clock() });
    if (!item) return void res.send(404, { error: `no request ${params.ref}` });
    await record(session, 'view', { ref: params.ref });
    res.send(200, item);
  });

  for (const action of ['claim', 'release', 'reopen'] as const) {
    post(`/api/staff/requests/:ref/${action}`, async (req, res, session) => {
      const params = parseOr400(refSchema, req.params, res);
      if (!params) return;
      // The store appends the audit entry in the same script as the change.
      res.send(200, await requests[action](params.ref, { by: session.username, now: clock() }));
    });
  }

  post('/api/staff/requests/:ref/close', async (req, res, session) => {
    const params = parseOr400(refSchema, req.params, res);
    const body = params && parseOr400(closeSchema, req.body ?? {}, res);
    if (!params || !body) return;
    const closed = await requests.close(params.ref, { by: session.username, now: clock(), outcome: body.outcome, ...(body.note ? { note: body.note } : {}) });
    parts.onClosed?.(body.outcome);
    res.send(200, closed);
  });

  get('/api/staff/suggestions', async (_req, res, session) => {
    const items = await parts.suggestions.list();
    await record(session, 'suggestions');
    res.send(200, { items });
  });

  post('/api/staff/suggestions/:id/read', async (req, res, session) => {
    const params = parseOr400(suggestionIdSchema, req.params, res);
    if (!params) return;
    const item = await parts.suggestions.markRead(params.id);
    if (!item) return void res.send(404, { error: `no suggestion ${params.id}` });
    await record(session, 'suggestion-read', { ref: params.id });
    res.send(200, item);
  });

  get('/api/staff/stats', async (req, res, session) => {
    const query = parseOr400(statsQuerySchema, queryOf(req), res);
    if (!query) return;
    const report = await parts.stats.report({ ...query, now: clock() });
    await record(session, 'stats');
    res.send(200, report);
  });

  get('/api/staff/stats.csv', async (req, res, session) => {
    const query = parseOr400(statsQuerySchema, queryOf(req), res);
    if (!query) return;
    const csv = toCsv(await parts.stats.report({ ...query, now: clock() }));
    await record(session, 'export', { detail: 'stats.csv' });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="apu-ku-apu-tilastot.csv"');
    res.writeHead(200);
    res.end(csv);
  });

  get('/api/staff/events', async (req, res, session) => {
    // Server-sent events: "requests" whenever a request is filed or changes status (on any bot instance, since
    // the check reads Redis; reading alone changes nothing, so a page that reloads on the event cannot loop),
    // and a comment now and then so that proxies keep the stream open. The stream ends with its session.
    const streams = openStreams.get(session.username) ?? 0;
    if (streams >= MAX_STREAMS_PER_USER) return void res.send(429, { error: 'too many open event streams' });
    openStreams.set(session.username, streams + 1);
    let timer: NodeJS.Timeout | undefined = undefined;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const left = (openStreams.get(session.username) ?? 1) - 1;
      if (left > 0) openStreams.set(session.username, left);
      else openStreams.delete(session.username);
    };
    // Listened for before anything is awaited, and checked at once: a client that has already left must not leave
    // a timer running for ever, nor keep its place among the user's streams.
    res.on('close', close);
    if (res.destroyed) return void close();
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write('retry: 5000\n\n');
    const mark = () => requests.changeMark(clock());
    let last = await mark().catch(() => '');
    if (closed) return;
    let beats = 0;
    timer = setInterval(() => {
      void (async () => {
        if (!(await sessions.isLive(session.token))) return void res.end();
        const now = await mark();
        if (now !== last) {
          last = now;
          res.write('event: requests\ndata: {}\n\n');
        } else if (++beats % 10 === 0) res.write(': still here\n\n');
      })().catch((error: unknown) => logger.warn({ err: error }, 'staff event stream could not read Redis'));
    }, parts.eventsPollMs ?? 2000);
  });
}

/** The console's page, script and style, with the same strict headers as the API. */
function registerStaffPage(server: Server, webDir: string, guarded: (handler: Handler) => Handler): void {
  for (const [path, { file, type }] of Object.entries(STATIC_FILES)) {
    server.get(
      path,
      guarded(async (_req, res) => {
        const body = await readFile(join(webDir, file));
        res.setHeader('Content-Type', type);
        res.writeHead(200);
        res.end(body);
      }),
    );
  }
}

/** Without Redis there are no accounts, requests or sessions: the page loads, and the API says why it cannot serve. */
export function registerStaffWithoutRedis(server: Server, webDir: string): void {
  const guarded =
    (handler: Handler): Handler =>
    async (req, res) => {
      setSecurityHeaders(res, req.isSecure());
      await handler(req, res);
    };
  registerStaffPage(server, webDir, guarded);
  const unavailable = guarded(async (_req, res) => void res.send(503, { error: 'the staff console needs Redis (REDIS_URL)' }));
  server.get('/api/staff/*', unavailable);
  server.post('/api/staff/*', unavailable);
}

// A few tabs and a phone are plenty; each stream reads Redis every couple of seconds.
const MAX_STREAMS_PER_USER = 5;

// The page lists the queue again on every change and, without the event stream, every 15 s: one audit entry
// per staff member and list in this time tells who looked, without an entry per refresh.
const LIST_AUDIT_EVERY_MS = 10 * 60_000;

/** Says yes to a key at most once in `everyMs` (per bot instance). */
class Throttle {
  private readonly last = new Map<string, number>();
  constructor(private readonly everyMs: number) {}

  due(key: string, now: Date): boolean {
    const at = now.getTime();
    const previous = this.last.get(key);
    if (previous !== undefined && at - previous < this.everyMs) return false;
    if (this.last.size > 1000) for (const [old, when] of this.last) if (at - when >= this.everyMs) this.last.delete(old);
    this.last.set(key, at);
    return true;
  }
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The query string as plain fields (restify leaves it unparsed without its plugin). */
function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(req.getQuery()));
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function describeQuery(query: z.output<typeof listQuerySchema>): string {
  return [`status=${query.status}`, query.service ? `service=${query.service}` : '', query.urgent === undefined ? '' : `urgent=${query.urgent}`].filter(Boolean).join(' ');
}
