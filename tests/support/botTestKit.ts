import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Activity } from 'botbuilder';
import { createApp, type App, type AppParts } from '../../bot/app';
import { loadConfig, type Config } from '../../bot/config';
import { defaultLocalesDir, loadLocale, type Locale } from '../../services/locales/locale';
import { createLogger, type Logger } from '../../services/logging/logger';
import { createRedisClient, isRedisReachable } from '../../services/redis/connection';
import { SERVICE_IDS } from '../../services/directory/directory';
import type { Triage } from '../../services/triage/triage';
import { buildTriage } from '../../services/triage/triageData';
import { freePort } from './redisServer';
import { testRedisTarget, uniquePrefix } from './testRedis';

let cachedTriage: Triage | undefined;
/** The real triage, trained once per test file from the project's Finnish data. */
export function finnishTriage(): Triage {
  cachedTriage ??= buildTriage(join(defaultLocalesDir(), 'fi'), SERVICE_IDS);
  return cachedTriage;
}

let cachedLocale: Locale | undefined;
/** The project's real Finnish locale data. */
export function finnish(): Locale {
  cachedLocale ??= loadLocale(defaultLocalesDir());
  return cachedLocale;
}

/** Log lines captured in memory (already masked by the logger), for tests that read what was logged. */
export function capturingLogger(level: 'info' | 'debug' | 'warn' | 'error' = 'info'): { logger: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger(level, destination);
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REDIS_KEY_PREFIX: uniquePrefix('app'), ...overrides });
}

export interface RunningBot {
  app: App;
  url: string;
  config: Config;
  /** Sends one activity with deliveryMode expectReplies and returns the HTTP status and the bot's replies. */
  send(activity: Partial<Activity> & Record<string, unknown>): Promise<{ status: number; replies: Partial<Activity>[]; body: unknown }>;
  stop(): Promise<void>;
}

/** Starts the real bot (Redis storage and lock) on a free port; `parts` may override config, logger, clock, bot. */
export async function startBot(parts: Partial<AppParts> & { configOverrides?: Record<string, string> } = {}): Promise<RunningBot> {
  const config = parts.config ?? testConfig(parts.configOverrides);
  const logger = parts.logger ?? createLogger('silent');
  const redis = parts.redis ?? createRedisClient(testRedisTarget(), logger);
  // As bot/index.ts does: a Cluster client refuses commands until it has found the cluster.
  if (!parts.redis && !(await isRedisReachable(redis, 10_000))) throw new Error('the test Redis does not answer');
  const app = createApp({ ...parts, config, logger, locale: parts.locale ?? finnish(), redis, triage: parts.triage ?? finnishTriage() });
  const port = await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    config,
    send: (activity) => postActivity(url, activity),
    stop: () => app.close(),
  };
}

/** The real bot pointed at a Redis address where nothing answers (a free port), as when Redis is down. */
export async function startBotWithoutRedis(): Promise<RunningBot> {
  const { logger } = capturingLogger('error');
  const nowhere = createRedisClient(`redis://127.0.0.1:${await freePort()}`, logger, { connectTimeout: 300, commandTimeout: 1000 });
  return startBot({ redis: nowhere, logger });
}

/** A message activity from one resident in one conversation, asking for the replies in the HTTP response. */
export function message(conversationId: string, text: string, extra: Record<string, unknown> = {}): Partial<Activity> & Record<string, unknown> {
  return {
    type: 'message',
    text,
    channelId: 'test',
    deliveryMode: 'expectReplies',
    conversation: { id: conversationId } as Activity['conversation'],
    from: { id: `resident-${conversationId}`, name: 'Asukas' },
    recipient: { id: 'apu-ku-apu-bot', name: 'Apu ku apu' },
    serviceUrl: 'http://127.0.0.1:1',
    ...extra,
  };
}

export async function postActivity(
  baseUrl: string,
  activity: unknown,
  init: { rawBody?: string; contentType?: string } = {},
): Promise<{ status: number; replies: Partial<Activity>[]; body: unknown }> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': init.contentType ?? 'application/json' },
    body: init.rawBody ?? JSON.stringify(activity),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: tests look at the raw text.
  }
  const replies = (body as { activities?: Partial<Activity>[] } | undefined)?.activities ?? [];
  return { status: response.status, replies, body };
}

/** The texts of the replies, in order. */
export function texts(replies: Partial<Activity>[]): string[] {
  return replies.map((reply) => reply.text ?? '');
}

/** The button titles of the last reply that has suggested actions. */
export function buttons(replies: Partial<Activity>[]): string[] {
  const withButtons = [...replies].reverse().find((reply) => reply.suggestedActions?.actions?.length);
  return withButtons?.suggestedActions?.actions.map((action) => action.title ?? String(action.value)) ?? [];
}
