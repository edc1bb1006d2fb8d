import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger';

export type RedisClient = Redis;

/**
 * One ioredis connection with settings that suit a chat turn: a command that cannot be served fails within
 * seconds (the resident then gets an apology and the desk's number) instead of waiting for ever, and the
 * client keeps reconnecting by itself in the background.
 */
export function createRedisClient(url: string, logger: Logger, options: RedisOptions = {}): RedisClient {
  const client = new Redis(url, {
    connectionName: 'apu-ku-apu-bot',
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    commandTimeout: 5000,
    // ioredis waits this long for a dead socket to close on disconnect; its 2 s default delays shutdown.
    disconnectTimeout: 200,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...options,
  });
  let reportedDown = false;
  client.on('error', (error: Error) => {
    if (!reportedDown) logger.error({ err: error }, 'Redis connection error');
    reportedDown = true;
  });
  client.on('ready', () => {
    if (reportedDown) logger.info('Redis connection restored');
    reportedDown = false;
  });
  return client;
}

/** True when Redis answers a PING within the time limit. */
export async function isRedisReachable(client: RedisClient, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const answer = await Promise.race([client.ping().then((reply) => reply === 'PONG'), timeout]);
    return answer;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the connection politely (QUIT), or drops it if Redis does not answer. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    // Not connected (Redis down): stop reconnecting at once; there is nothing to say goodbye to.
    client.disconnect(false);
    return;
  }
  try {
    await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  } catch {
    // Closing a broken connection: disconnect below is all that is left to do.
  }
  client.disconnect();
}
