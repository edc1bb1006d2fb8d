import restify, { type Request, type Response, type Server } from 'restify';
import type { CloudAdapter, ActivityHandler } from 'botbuilder';
import type { Logger } from '../services/logging/logger';
import { describeActivityProblem } from './activitySchema';

export interface ServerParts {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  logger: Logger;
  maxBodyBytes: number;
  /** With no app id, replies may go only to a client on this machine (the Emulator): no requests elsewhere. */
  anonymous: boolean;
  /** Checks what the bot needs to serve a turn (Redis); false makes /readyz answer 503. */
  isReady: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
}

export interface HelpDeskServer {
  server: Server;
  /** Stops taking requests and waits (up to `timeoutMs`) for turns in progress to finish. */
  drain(timeoutMs: number): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackUrl(url: string): boolean {
  try {
    const { hostname, protocol } = new URL(url);
    return (protocol === 'http:' || protocol === 'https:') && (LOOPBACK_HOSTS.has(hostname) || hostname.startsWith('127.'));
  } catch {
    return false;
  }
}

/**
 * Parsed JSON nested deeper than this is refused. No client needs more, and a reply built from such a body (a
 * reply's `from` is the incoming `recipient`) cannot be serialised: JSON.stringify runs out of stack.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether objects and arrays nest more than `limit` levels deep (walked without recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  while (pending.length > 0) {
    const { item, depth } = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) pending.push({ item: child, depth: depth + 1 });
  }
  return false;
}

/** Answered like restify's own InvalidContent (400), so Direct Line paths reshape it as they do a JSON error. */
export class TooDeeplyNestedError extends Error {
  readonly statusCode = 400;
  constructor() {
    super(`the body is nested more than ${MAX_JSON_DEPTH} levels deep`);
    this.name = 'InvalidContentError';
  }
  toJSON() {
    return { code: 'InvalidContent', message: this.message };
  }
}

/** restify with POST /api/messages, GET /healthz and GET /readyz. Errors answer with JSON, never a stack trace. */
export function createServer(parts: ServerParts): HelpDeskServer {
  const { adapter, bot, logger } = parts;
  const server = restify.createServer({ name: 'apu-ku-apu-bot', handleUncaughtExceptions: false });
  let turnsInFlight = 0;
  let draining = false;

  server.pre((req: Request, res: Response, next: restify.Next) => {
    res.header('X-Content-Type-Options', 'nosniff');
    // restify inflates gzip bodies with no error handler and counts only the compressed bytes against the limit:
    // a compressed body could crash the process or fill its memory. No client of ours compresses.
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      res.send(415, { error: 'compressed request bodies are not accepted; send the body uncompressed' });
      return next(false);
    }
    res.header('Cache-Control', 'no-store');
    // While draining, tell clients not to reuse the connection, so that shutdown is not held up by it.
    if (draining) res.header('Connection', 'close');
    return next();
  });
  // JSON only: restify's full bodyParser would also take forms (a turn from a plain HTML form), CSV (a 500 on a
  // stray quote) and multipart, whose files it writes to the temp folder, past maxBodySize, and never deletes.
  server.use(restify.plugins.bodyReader({ maxBodySize: parts.maxBodyBytes }));
  server.use(restify.plugins.jsonBodyParser({ bodyReader: true, mapParams: false }));
  server.use((req: Request, _res: Response, next: restify.Next) => {
    if (nestedDeeperThan(req.body, MAX_JSON_DEPTH)) return next(new TooDeeplyNestedError());
    return next();
  });

  // Handlers are async and return nothing: restify treats a returned value as a mistake.
  server.post('/api/messages', async (req: Request, res: Response) => {
    if (draining) {
      res.send(503, { error: 'the bot is shutting down; try again shortly' });
      return;
    }
    const problem = describeActivityProblem(req.body);
    if (problem) {
      res.send(400, { error: `invalid activity: ${problem}` });
      return;
    }
    const { deliveryMode, serviceUrl } = req.body as { deliveryMode?: string; serviceUrl?: string };
    if (parts.anonymous && deliveryMode !== 'expectReplies' && !(serviceUrl && isLoopbackUrl(serviceUrl))) {
      res.send(403, { error: 'without app credentials the bot replies only in the response (deliveryMode "expectReplies") or to a client on this machine' });
      return;
    }
    turnsInFlight++;
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (error) {
      logger.error({ err: error }, 'activity could not be processed');
      if (!res.headersSent) res.send(500, { error: 'the message could not be processed' });
    } finally {
      turnsInFlight--;
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    const { ready, checks } = await parts.isReady();
    if (draining) res.send(503, { status: 'shutting down', checks });
    else res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
  });

  server.on('restifyError', (req: Request, res: Response, error: Error & { statusCode?: number }, callback: () => void) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) logger.error({ err: error, method: req.method, path: req.path() }, 'request failed');
    else logger.debug({ status, method: req.method, path: req.path(), reason: error.message }, 'request refused');
    return callback();
  });

  return {
    server,
    async drain(timeoutMs) {
      draining = true;
      server.close();
      const deadline = Date.now() + timeoutMs;
      while (turnsInFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      if (turnsInFlight > 0) logger.warn({ turnsInFlight }, 'shutting down with turns still running');
      // Keep-alive connections that a client holds open would otherwise keep the server (and process) alive.
      server.server.closeAllConnections();
    },
  };
}
