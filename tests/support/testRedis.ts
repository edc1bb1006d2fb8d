import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

/** The Redis chosen by globalSetup. */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through jest (npm test), whose global setup finds Redis.');
  return url;
}

/** A key prefix of its own for one test, so tests never see each other's data on a shared Redis. */
export function uniquePrefix(label = 't'): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** A new connection to the test Redis; close it with `closeAll` (or client.quit()) in afterAll/afterEach. */
export function connectTestRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
}

/** Every key under a prefix, found with SCAN (never KEYS). */
export async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(client, prefix);
  await Promise.all(keys.map((key) => client.del(key)));
}

/**
 * The part of a key that Redis Cluster hashes to choose its slot: the text inside the first {…} that is not
 * empty, or else the whole key. Keys with the same part always share one slot.
 */
export function clusterHashPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

/** A client for a Redis that is not there (nothing listens on port 1): every command fails at once. */
export function connectUnreachableRedis(): Redis {
  const client = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  return client;
}
