import { ConversationState, MemoryStorage, type ActivityHandler, type Storage } from 'botbuilder';
import { DialogRunner } from '../dialogs/dialogRunner';
import { MainDialog } from '../dialogs/mainDialog';
import { dirname, join } from 'node:path';
import { SERVICE_IDS } from '../services/directory/directory';
import { defaultLocalesDir, type Locale } from '../services/locales/locale';
import type { Triage } from '../services/triage/triage';
import { buildTriage } from '../services/triage/triageData';
import { LocalTurnLock, RedisTurnLock, type TurnLock } from '../services/locks/turnLock';
import type { Logger } from '../services/logging/logger';
import { closeRedisClient, isRedisReachable, type RedisClient } from '../services/redis/connection';
import { RedisStorage } from '../services/storage/redisStorage';
import { CallbackStore } from '../services/callbacks/callbackStore';
import { SuggestionStore } from '../services/suggestions/suggestionStore';
import { officeHoursSchema, type OfficeHours } from '../services/time/callbackWindow';
import { AuditTrail } from '../services/audit/auditTrail';
import { CallbackStats } from '../services/callbacks/stats';
import { StaffAccounts } from '../services/staff/accounts';
import { LoginLimiter } from '../services/staff/loginLimiter';
import { DEFAULT_MAX_AGE_SECONDS, StaffSessions } from '../services/staff/sessions';
import { registerStaffRoutes, registerStaffWithoutRedis } from './staff/staffRoutes';
import { registerResidentPages } from './web/webRoutes';
import { createAdapter, createTurnErrorHandler } from './adapter';
import type { Config } from './config';
import { HelpDeskBot } from './helpDeskBot';
import { ResidentInputMiddleware } from './middleware/residentInput';
import { CrisisMiddleware } from './middleware/crisis';
import { TurnErrorBoundary } from './middleware/turnErrors';
import { TurnLockMiddleware } from './middleware/turnLock';
import { BotMetrics } from './metrics';
import { createServer, type HelpDeskServer } from './server';
import { registerDirectLineRoutes } from './directLine/directLineRoutes';

export interface AppParts {
  config: Config;
  logger: Logger;
  locale: Locale;
  /** The system of record. Without it the bot keeps state in this process only (a quick local try). */
  redis?: RedisClient;
  /** Now, for everything that depends on the time of day (the living room's opening hours). */
  clock?: () => Date;
  /** Storage override for benchmarks that compare stores (defaults to Redis, or memory without Redis). */
  storage?: Storage;
  /** The trained classifier and crisis detector (trained from the locale's data when not given). */
  triage?: Triage;
  /** Turn lock override for tests (defaults to the Redis lock, or an in-process lock without Redis). */
  lock?: TurnLock;
  /** Where callback requests go, for tests of a failing store (defaults to Redis; none without Redis). */
  callbacks?: Pick<CallbackStore, 'create'>;
  /** Bot override for benchmarks (an echo bot on the same stack). */
  createBot?: (parts: { conversationState: ConversationState; locale: Locale }) => ActivityHandler;
}

export interface App extends HelpDeskServer {
  /** Listens on the given port (0 = any free port) and resolves with the port taken. */
  listen(port: number, host: string): Promise<number>;
  /** Graceful stop: no new requests, turns in progress finish, then Redis is closed. */
  close(): Promise<void>;
}

/** Wires the help-desk bot together: storage, turn lock, middleware, dialogs, adapter and HTTP server. */
export function createApp(parts: AppParts): App {
  const { config, logger, locale, redis } = parts;
  const storage: Storage =
    parts.storage ?? (redis ? new RedisStorage(redis, { prefix: config.REDIS_KEY_PREFIX, ttlSeconds: config.STATE_TTL_SECONDS }) : new MemoryStorage());
  const lock: TurnLock =
    parts.lock ??
    (redis
      ? new RedisTurnLock(redis, config.REDIS_KEY_PREFIX, { ttlMs: config.TURN_LOCK_TTL_MS, waitMs: config.TURN_LOCK_WAIT_MS })
      : new LocalTurnLock(config.TURN_LOCK_WAIT_MS));
  const conversationState = new ConversationState(storage);

  const adapter = createAdapter(config, logger);
  const clock = parts.clock ?? (() => new Date());
  const callbackStore = redis
    ? new CallbackStore(redis, {
        prefix: config.REDIS_KEY_PREFIX,
        retentionDays: config.CALLBACK_RETENTION_DAYS,
        claimTimeoutMinutes: config.CLAIM_TIMEOUT_MINUTES,
        reportLost: (refs, index) => logger.error({ refs, index }, 'open callback requests missing from Redis (deleted by hand or evicted); dropped from the staff queue'),
      })
    : undefined;
  const suggestionStore = redis ? new SuggestionStore(redis, { prefix: config.REDIS_KEY_PREFIX }) : undefined;
  const callbackStats = redis ? new CallbackStats(redis, { prefix: config.REDIS_KEY_PREFIX }) : undefined;
  const metrics = new BotMetrics({ redis, requests: callbackStore });
  const reportTurnError = createTurnErrorHandler(conversationState, locale, logger);
  const handleTurnError: typeof reportTurnError = async (context, error) => {
    metrics.turnErrors.inc();
    await reportTurnError(context, error);
  };
  // Errors inside the turn are handled while its lock is held; onTurnError catches the rest (e.g. Redis down
  // before the lock could be taken).
  adapter.onTurnError = handleTurnError;
  const triage = parts.triage ?? buildTriage(join(config.LOCALES_DIR ?? defaultLocalesDir(), locale.language), SERVICE_IDS);
  adapter.use(metrics.middleware());
  adapter.use(new ResidentInputMiddleware(locale, config.MAX_MESSAGE_CHARS));
  adapter.use(new CrisisMiddleware(triage, locale, logger, callbackStats && ((kind) => callbackStats.recordCrisisReply(kind, clock()))));
  adapter.use(new TurnLockMiddleware(lock, locale));
  adapter.use(new TurnErrorBoundary(handleTurnError));

  const bot =
    parts.createBot?.({ conversationState, locale }) ??
    new HelpDeskBot(
      conversationState,
      new DialogRunner(
        conversationState,
        new MainDialog(locale, {
          clock,
          triage,
          callbacks: {
            requests: parts.callbacks ?? (callbackStore && metrics.countingCreates(callbackStore)),
            officeHours: officeHoursOf(config),
            retentionDays: config.CALLBACK_RETENTION_DAYS,
            logger,
          },
          suggestions: { suggestions: suggestionStore, logger },
        }),
      ),
      locale,
    );

  const http = createServer({
    adapter,
    bot,
    logger,
    maxBodyBytes: config.MAX_BODY_BYTES,
    anonymous: !config.MicrosoftAppId,
    isReady: async () => {
      if (!redis) return { ready: true, checks: { redis: 'not configured (in-memory state)' } };
      const reachable = await isRedisReachable(redis);
      return { ready: reachable, checks: { redis: reachable ? 'ok' : 'unreachable' } };
    },
  });

  const webDir = join(dirname(defaultLocalesDir()), 'web', 'staff');
  if (redis) {
    const { REDIS_KEY_PREFIX: prefix } = config;
    registerStaffRoutes(http.server, {
      onClosed: (outcome) => metrics.callbacksClosed.inc({ outcome }),
      accounts: new StaffAccounts(redis, { prefix }),
      sessions: new StaffSessions(redis, { prefix, idleSeconds: config.STAFF_SESSION_IDLE_MINUTES * 60 }),
      limiter: new LoginLimiter(redis, { prefix }),
      requests: callbackStore!,
      suggestions: suggestionStore!,
      audit: new AuditTrail(redis, { prefix }),
      stats: callbackStats!,
      clock,
      logger,
      trustProxy: config.TRUST_PROXY,
      sessionMaxAgeSeconds: DEFAULT_MAX_AGE_SECONDS,
      webDir,
    });
  } else {
    registerStaffWithoutRedis(http.server, webDir);
  }

  metrics.register(http.server);
  const directLine = registerDirectLineRoutes(http.server, { adapter, bot, storage, lock, redis, config, locale, logger, clock });
  registerResidentPages(http.server, {
    localesDir: config.LOCALES_DIR ?? defaultLocalesDir(),
    language: locale.language,
    desk: locale.desk,
    idleWarningSeconds: config.KIOSK_IDLE_WARNING_SECONDS,
    idleResetSeconds: config.KIOSK_IDLE_RESET_SECONDS,
    callbackRetentionDays: config.CALLBACK_RETENTION_DAYS,
    stateTtlSeconds: config.STATE_TTL_SECONDS,
    maxMessageChars: config.MAX_MESSAGE_CHARS,
    trustProxy: config.TRUST_PROXY,
  });

  return {
    ...http,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(port, host, () => resolve(http.server.address().port));
      }),
    async close() {
      // Web chat turns first: the server's own drain ends with closing every connection still open.
      const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
      await directLine.drain(config.SHUTDOWN_TIMEOUT_MS);
      await http.drain(Math.max(0, deadline - Date.now()));
      if (redis) await closeRedisClient(redis);
    },
  };
}

function officeHoursOf(config: Config): OfficeHours {
  return officeHoursSchema.parse({ days: config.OFFICE_DAYS, opens: config.OFFICE_OPENS, closes: config.OFFICE_CLOSES });
}
