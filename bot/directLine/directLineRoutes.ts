import type { Activity, ActivityHandler, CloudAdapter, Storage } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { readClientActivity, transcriptText, userActivityRecord, type Party } from '../../services/directLine/clientActivity';
import { ConversationLog, type NewActivity } from '../../services/directLine/conversationLog';
import { newConversationId, newUserId, parseWatermark, USER_ID } from '../../services/directLine/ids';
import { DirectLineLimits, type LimitCheck } from '../../services/directLine/limits';
import { DirectLineTokens, developmentSecret, type TokenClaims } from '../../services/directLine/tokens';
import type { Locale } from '../../services/locales/locale';
import { LockTimeoutError, type TurnLock } from '../../services/locks/turnLock';
import type { Logger } from '../../services/logging/logger';
import type { RedisClient } from '../../services/redis/connection';
import type { Config } from '../config';
import { TooDeeplyNestedError } from '../server';
import { clientAddress } from '../staff/http';
import { DirectLineTurns } from './directLineTurn';

/**
 * The self-hosted channel for the residents' web chat and the living room's kiosk: the Direct Line 3.0
 * endpoints that Web Chat's client (botframework-directlinejs, polling) uses, served by the bot itself, so that
 * no Azure resource is needed. Tokens are signed by us and bound to one conversation; every activity is kept
 * in Redis (services/directLine/conversationLog.ts), so any instance serves the next poll.
 *
 *   POST   /tokens/generate                      no token; body may be {user:{id}}  → {conversationId, token, expires_in}
 *   POST   /tokens/refresh                       → a new token for the same conversation
 *   POST   /conversations                        starts the token's conversation (the bot welcomes) → {conversationId, token, expires_in}
 *   GET    /conversations/:id                    reconnect → the same, without streamUrl (this channel is polled)
 *   POST   /conversations/:id/activities         → {id}, once the bot's replies are stored
 *   GET    /conversations/:id/activities?watermark=  → {activities, watermark}
 *   DELETE /conversations/:id                    ends it: transcript, bot state and tokens go (the kiosk's reset)
 *
 * Errors are Direct Line's `{ error: { code, message } }`, never a stack trace.
 */

export const DIRECT_LINE_PATH = '/v3/directline';
/** The channel's name in activities, bot state keys and turn locks. */
export const DIRECT_LINE_CHANNEL = 'directline';
// Replies come back in-process (expectReplies); the bot never calls this address, and its connector refuses to.
const SERVICE_URL = 'http://127.0.0.1/v3/directline';
// The HTTP layer's own limit on text, far above MAX_MESSAGE_CHARS: text in between reaches the bot, which
// asks politely for something shorter.
const HARD_TEXT_LIMIT_FACTOR = 10;
// Direct Line clients refresh their token every 15 minutes; a shorter lifetime drops idle pages.
const CLIENT_REFRESH_SECONDS = 15 * 60;

export interface DirectLineParts {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  /** The bot's state store: ending a conversation deletes the conversation's state there. */
  storage: Storage;
  /** The lock the turn middleware takes: ending a conversation waits for a turn in progress. */
  lock: TurnLock;
  /** The channel keeps its conversations in Redis; without it every endpoint answers 503. */
  redis?: RedisClient;
  config: Config;
  locale: Locale;
  logger: Logger;
  clock: () => Date;
}

export interface DirectLineChannel {
  /** Waits (up to `timeoutMs`) for the requests in progress, turns included, to be stored; refuses any after that. */
  drain(timeoutMs: number): Promise<void>;
}

/** A request refused with a Direct Line error. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

type Handler = (req: Request, res: Response) => Promise<void>;

const generateSchema = z.looseObject(
  {
    user: z
      .looseObject({ id: z.string({ error: 'expected a string' }).regex(USER_ID, 'expected 1–64 of A–Z a–z 0–9 _ . : @ -').optional() }, { error: 'expected an object' })
      .optional(),
  },
  { error: 'expected a JSON object' },
);

const NOT_STARTED = () => new Refusal(404, 'NotFound', 'no such conversation: it has not been started (POST /v3/directline/conversations) or it has expired');
const ENDED = () => new Refusal(403, 'TokenRevoked', 'this conversation has ended and its tokens no longer work; get a token for a new one from POST /v3/directline/tokens/generate');

export function registerDirectLineRoutes(server: Server, parts: DirectLineParts): DirectLineChannel {
  const { logger, redis } = parts;
  let closed = false;
  let inFlight = 0;

  const guarded =
    (handler: Handler): Handler =>
    async (req, res) => {
      if (closed) return void sendError(res, new Refusal(503, 'ServiceUnavailable', 'the bot is shutting down; try again shortly'));
      inFlight++;
      try {
        await handler(req, res);
      } catch (error) {
        if (error instanceof Refusal) return void sendError(res, error);
        logger.error({ err: error, method: req.method, path: req.path() }, 'Direct Line request failed');
        if (!res.headersSent) sendError(res, new Refusal(500, 'ServiceError', 'the request could not be handled; try again'));
      } finally {
        inFlight--;
      }
    };

  reshapeBodyErrors(server);
  if (redis) registerEndpoints(server, guarded, { ...parts, redis });
  else registerWithoutRedis(server, guarded);

  return {
    async drain(timeoutMs) {
      // Requests keep being served meanwhile: Web Chat's client stops polling for good at the first poll
      // that fails with anything but 403 or 404, so refusing early would cost more than it saves.
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      if (inFlight > 0) logger.warn({ inFlight }, 'shutting down with Direct Line requests still running');
      closed = true;
    },
  };
}

function registerEndpoints(server: Server, guarded: (handler: Handler) => Handler, parts: DirectLineParts & { redis: RedisClient }): void {
  const { config, logger, clock, storage, lock, locale } = parts;
  if (!config.DIRECT_LINE_SECRET) {
    logger.warn('DIRECT_LINE_SECRET is not set: web chat tokens are signed with a random secret of this process, so they stop working on restart and on other instances');
  }
  if (config.DIRECT_LINE_TOKEN_TTL_SECONDS < CLIENT_REFRESH_SECONDS + 60) {
    logger.warn({ ttlSeconds: config.DIRECT_LINE_TOKEN_TTL_SECONDS }, 'DIRECT_LINE_TOKEN_TTL_SECONDS is shorter than Web Chat\'s 15-minute token refresh: idle pages will lose their conversation');
  }
  const tokens = new DirectLineTokens(config.DIRECT_LINE_SECRET ?? developmentSecret(), config.DIRECT_LINE_TOKEN_TTL_SECONDS, clock);
  const conversations = new ConversationLog(parts.redis, { prefix: config.REDIS_KEY_PREFIX, ttlSeconds: config.DIRECT_LINE_TOKEN_TTL_SECONDS });
  const limits = new DirectLineLimits(parts.redis, {
    prefix: config.REDIS_KEY_PREFIX,
    activitiesPerMinute: config.DIRECT_LINE_ACTIVITIES_PER_MINUTE,
    pollsPerMinute: config.DIRECT_LINE_POLLS_PER_MINUTE,
    tokensPerMinute: config.DIRECT_LINE_TOKENS_PER_MINUTE,
  });
  const turns = new DirectLineTurns(parts.adapter, parts.bot, config.MicrosoftAppId);
  const bot: Party = { id: config.MicrosoftAppId ?? 'apu-ku-apu', name: locale.desk.name, role: 'bot' };
  const userOf = (claims: TokenClaims): Party => ({ id: claims.userId, role: 'user' });
  const removedMark = locale.messages.t('privacy.removedMark');

  /** The token's claims, if the request carries a valid token for this conversation (when one is named). */
  const authenticate = (req: Request, options: { conversationId?: string; allowExpired?: boolean } = {}): { claims: TokenClaims; token: string } => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new Refusal(401, 'Unauthorized', 'missing "Authorization: Bearer <token>" header; get a token from POST /v3/directline/tokens/generate');
    const token = match[1]!;
    const check = tokens.verify(token);
    if (check.status === 'malformed') throw new Refusal(401, 'Unauthorized', 'the Authorization header does not carry a Direct Line token');
    if (check.status === 'forged') throw new Refusal(403, 'Forbidden', 'the token was not issued by this bot');
    if (check.status === 'expired' && !options.allowExpired) {
      throw new Refusal(403, 'TokenExpired', 'the token has expired; get a new one from POST /v3/directline/tokens/generate');
    }
    if (options.conversationId !== undefined && options.conversationId !== check.claims.conversationId) {
      throw new Refusal(403, 'Forbidden', 'the token belongs to another conversation');
    }
    return { claims: check.claims, token };
  };

  const within = async (check: Promise<LimitCheck>, what: string): Promise<void> => {
    const result = await check;
    if (!result.allowed) throw new Refusal(429, 'TooManyRequests', `too many ${what}; try again in ${result.retryAfterSeconds} s`, result.retryAfterSeconds);
  };

  const conversationReply = (claims: TokenClaims, token: string) => ({ conversationId: claims.conversationId, token, expires_in: tokens.secondsLeft(claims) });

  /** Runs the bot on an activity and appends its replies to the log, after the activity they answer. */
  const runTurn = async (claims: TokenClaims, activity: Partial<Activity>, receivedAt: Date): Promise<void> => {
    const { conversationId } = claims;
    let replies: Partial<Activity>[];
    try {
      replies = await turns.run(activity, async () => !(await conversations.isEnded(conversationId)));
    } catch (error) {
      logger.error({ err: error, conversationId, activityType: activity.type }, 'Direct Line turn failed');
      throw new Refusal(502, 'BotError', 'the bot could not handle the activity; try again');
    }
    // Replies come after the activity they answer, also when the clock has not moved on.
    const at = Math.max(clock().getTime(), receivedAt.getTime() + 1);
    const records = replies.map((reply, index) => botActivityRecord(reply, { conversationId, bot, user: userOf(claims), replyToId: activity.id, at: new Date(at + index) }));
    const stored = await conversations.append(conversationId, records);
    if (stored.status !== 'appended') logger.info({ conversationId, status: stored.status }, 'conversation ended during its turn; the replies were dropped');
  };

  server.post(
    `${DIRECT_LINE_PATH}/tokens/generate`,
    guarded(async (req, res) => {
      await within(limits.token(clientAddress(req, config.TRUST_PROXY)), 'new conversations from this address');
      const body = parse(generateSchema, jsonBody(req) ?? {});
      const conversationId = newConversationId();
      const issued = tokens.issue({ conversationId, userId: body.user?.id ?? newUserId() });
      res.send(200, { conversationId, token: issued.token, expires_in: issued.expiresIn });
    }),
  );

  server.post(
    `${DIRECT_LINE_PATH}/tokens/refresh`,
    guarded(async (req, res) => {
      const { claims } = authenticate(req);
      await within(limits.poll(claims.conversationId), 'requests for this conversation');
      // A conversation not started yet may refresh too; one that has ended may not.
      if ((await conversations.keepAlive(claims.conversationId)) === 'ended') throw ENDED();
      const issued = tokens.issue({ conversationId: claims.conversationId, userId: claims.userId });
      res.send(200, { conversationId: claims.conversationId, token: issued.token, expires_in: issued.expiresIn });
    }),
  );

  server.post(
    `${DIRECT_LINE_PATH}/conversations`,
    guarded(async (req, res) => {
      const { claims, token } = authenticate(req);
      await within(limits.poll(claims.conversationId), 'requests for this conversation');
      // The body may name a user and a locale; the user is the token's, and every turn runs in Finnish.
      jsonBody(req);
      const now = clock();
      const started = await conversations.start(claims.conversationId, claims.userId, now);
      if (started === 'ended') throw ENDED();
      if (started === 'started') {
        // The resident and the bot join: the bot welcomes at once, so the welcome is there on the first poll
        // (Web Chat's webchat/join event after it is answered without a second welcome).
        const user = userOf(claims);
        const joined = {
          type: 'conversationUpdate',
          channelId: DIRECT_LINE_CHANNEL,
          serviceUrl: SERVICE_URL,
          conversation: { id: claims.conversationId },
          from: user,
          recipient: bot,
          membersAdded: [bot, user],
          timestamp: now,
        };
        await runTurn(claims, joined as Partial<Activity>, now);
      }
      res.send(started === 'started' ? 201 : 200, conversationReply(claims, token));
    }),
  );

  server.get(
    `${DIRECT_LINE_PATH}/conversations/:conversationId`,
    guarded(async (req, res) => {
      const { claims, token } = authenticate(req, { conversationId: String(req.params.conversationId) });
      await within(limits.poll(claims.conversationId), 'requests for this conversation');
      const status = await conversations.keepAlive(claims.conversationId);
      if (status !== 'active') throw status === 'ended' ? ENDED() : NOT_STARTED();
      // No streamUrl: this channel is polled.
      res.send(200, conversationReply(claims, token));
    }),
  );

  server.post(
    `${DIRECT_LINE_PATH}/conversations/:conversationId/activities`,
    guarded(async (req, res) => {
      const { claims } = authenticate(req, { conversationId: String(req.params.conversationId) });
      const { conversationId } = claims;
      await within(limits.activity(conversationId), 'activities for this conversation');
      const check = readClientActivity(jsonBody(req), config.MAX_MESSAGE_CHARS * HARD_TEXT_LIMIT_FACTOR);
      if (!check.ok) throw check.reason === 'tooLong' ? new Refusal(413, 'MessageTooLong', check.problem) : new Refusal(400, 'BadArgument', check.problem);
      const { activity } = check;
      const receivedAt = clock();
      const user = userOf(claims);
      const record = userActivityRecord(activity, {
        channelId: DIRECT_LINE_CHANNEL,
        conversationId,
        user,
        bot,
        receivedAt,
        text: activity.text === undefined ? undefined : transcriptText(activity.text, removedMark),
      });
      const stored = await conversations.append(conversationId, [record]);
      if (stored.status !== 'appended') throw stored.status === 'ended' ? ENDED() : NOT_STARTED();
      const id = stored.ids[0]!;
      // The bot gets the text as typed: its own middleware removes personal data and tells the resident so.
      await runTurn(claims, { ...record, id, text: activity.text, serviceUrl: SERVICE_URL, timestamp: receivedAt } as Partial<Activity>, receivedAt);
      res.send(200, { id });
    }),
  );

  server.get(
    `${DIRECT_LINE_PATH}/conversations/:conversationId/activities`,
    guarded(async (req, res) => {
      const { claims } = authenticate(req, { conversationId: String(req.params.conversationId) });
      await within(limits.poll(claims.conversationId), 'polls for this conversation');
      const watermark = parseWatermark(new URLSearchParams(req.getQuery()).get('watermark'));
      if (watermark === undefined) throw new Refusal(400, 'BadArgument', 'watermark: expected the watermark of the last activities received, or nothing');
      const read = await conversations.read(claims.conversationId, watermark);
      if (read.status !== 'active') throw read.status === 'ended' ? ENDED() : NOT_STARTED();
      res.send(200, { activities: read.activities, watermark: String(read.watermark) });
    }),
  );

  // The kiosk's "Lopeta ja tyhjennä" and its idle reset: the transcript, the bot's state of the conversation
  // and its tokens go. An expired token may still end its own conversation (a tablet that slept past it).
  // Not rate limited: it touches only the caller's own conversation, and must always work.
  server.del(
    `${DIRECT_LINE_PATH}/conversations/:conversationId`,
    guarded(async (req, res) => {
      const { claims } = authenticate(req, { conversationId: String(req.params.conversationId), allowExpired: true });
      const { conversationId } = claims;
      await conversations.end(conversationId);
      // Keys as TurnLockMiddleware and ConversationState name them. Under the turn lock, so that a turn in
      // progress finishes first and cannot save the state again after it is deleted (a turn that starts later
      // sees the conversation ended and runs no further).
      const stateKey = `${DIRECT_LINE_CHANNEL}/conversations/${conversationId}/`;
      const deleteState = () => storage.delete([stateKey]);
      try {
        await lock.runExclusive(`${DIRECT_LINE_CHANNEL}/${conversationId}`, deleteState);
      } catch (error) {
        if (!(error instanceof LockTimeoutError)) throw error;
        logger.warn({ conversationId }, 'a turn held the conversation too long; its state is deleted without waiting');
        await deleteState();
      }
      res.send(204);
    }),
  );
}

/** Without Redis there is nowhere to keep conversations: every endpoint says so. */
function registerWithoutRedis(server: Server, guarded: (handler: Handler) => Handler): void {
  const unavailable = guarded(async () => {
    throw new Refusal(503, 'ServiceUnavailable', 'the web chat needs Redis (REDIS_URL); call the desk meanwhile');
  });
  for (const method of ['get', 'post', 'del'] as const) server[method](`${DIRECT_LINE_PATH}/*`, unavailable);
}

/** The bot's reply as the log keeps it: its content, with the conversation, parties, time and ids of this channel. */
function botActivityRecord(reply: Partial<Activity>, where: { conversationId: string; bot: Party; user: Party; replyToId: string | undefined; at: Date }): NewActivity {
  // Addressing and delivery fields are this channel's to set; the rest (text, buttons, cards, …) is the bot's.
  const {
    id: _id,
    serviceUrl: _serviceUrl,
    deliveryMode: _deliveryMode,
    callerId: _callerId,
    from: _from,
    recipient: _recipient,
    conversation: _conversation,
    channelId: _channelId,
    replyToId: _replyToId,
    timestamp: _timestamp,
    localTimestamp: _localTimestamp,
    ...content
  } = reply;
  const record = {
    ...content,
    type: reply.type ?? 'message',
    timestamp: where.at.toISOString(),
    channelId: DIRECT_LINE_CHANNEL,
    conversation: { id: where.conversationId },
    from: where.bot,
    recipient: where.user,
    replyToId: where.replyToId,
  };
  // The log stores it as JSON (ConversationLog.append): undefined fields and class instances go there, as they
  // would on the wire; no need to copy it through JSON here first.
  return record;
}

/**
 * restify refuses bodies that are too large or not JSON before any route runs; on our paths the answer takes
 * Direct Line's shape too. (Listeners on these two error names only: restify waits for each listener.)
 */
function reshapeBodyErrors(server: Server): void {
  for (const code of ['PayloadTooLarge', 'InvalidContent'] as const) {
    server.on(code, (req: Request, res: Response, error: Error & { statusCode?: number }, callback: () => void) => {
      if (req.path().startsWith(`${DIRECT_LINE_PATH}/`) && !res.headersSent) {
        const message = code === 'PayloadTooLarge' ? 'the request body is too large' : error instanceof TooDeeplyNestedError ? error.message : 'the body is not valid JSON';
        sendError(res, new Refusal(error.statusCode ?? 400, code, message));
      }
      return callback();
    });
  }
}

function sendError(res: Response, refusal: Refusal): void {
  if (refusal.retryAfterSeconds !== undefined) res.header('Retry-After', String(refusal.retryAfterSeconds));
  res.send(refusal.status, { error: { code: refusal.code, message: refusal.message } });
}

/** The JSON body, or undefined when there is none; any other kind of body is refused. */
function jsonBody(req: Request): unknown {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  if (!req.is('application/json')) throw new Refusal(415, 'UnsupportedMediaType', 'expected a JSON body (content-type: application/json)');
  return req.body;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Refusal(400, 'BadArgument', `${issue?.path.length ? issue.path.join('.') : 'body'}: ${issue?.message ?? 'invalid'}`);
}
