import { randomUUID } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import type { RedisClient, RedisTarget } from '../../services/redis/connection';
import { parseNodes } from './redisCluster';

/**
 * True in the jest project that runs on the private Redis Cluster (jest.config.js sets the global
 * `testRedis: 'cluster'` there; tests/support/clusterGlobalSetup.ts starts the cluster).
 */
export function onTestCluster(): boolean {
  return (globalThis as { testRedis?: string }).testRedis === 'cluster';
}

/** The Redis this test file runs against: the single Redis, or the Redis Cluster in the cluster project. */
export function testRedisTarget(): RedisTarget {
  if (onTestCluster()) {
    const nodes = process.env.TEST_REDIS_CLUSTER_NODES;
    if (!nodes) throw new Error('TEST_REDIS_CLUSTER_NODES is not set: run the tests through jest (npm test), whose global setup starts the cluster.');
    return { kind: 'cluster', nodes: parseNodes(nodes), tls: false };
  }
  return { kind: 'single', url: testRedisUrl() };
}

/** The single Redis chosen by globalSetup. */
export function testRedisUrl(): string {
  if (onTestCluster()) {
    throw new Error('This test asks for a Redis URL, but runs in the Redis Cluster project: use testRedisTarget() or connectTestRedis(), or leave the file out of that project (jest.config.js).');
  }
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through jest (npm test), whose global setup finds Redis.');
  return url;
}

/** A key prefix of its own for one test, so tests never see each other's data on a shared Redis. */
export function uniquePrefix(label = 't'): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/**
 * A new connection to the test Redis; close it with client.quit() in afterAll/afterEach. In the cluster project
 * it is an ioredis Cluster (which waits for the cluster before its first command). Its type still says Redis, so
 * that test files may declare `let redis: Redis`: the two answer the same commands, routed by key on a cluster.
 * Scan with keysWithPrefix, never with client.scan, which would see one node only.
 */
export function connectTestRedis(): Redis {
  if (!onTestCluster()) return new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
  const target = testRedisTarget();
  if (target.kind !== 'cluster') throw new Error('expected the cluster');
  return new Cluster(target.nodes, { redisOptions: { maxRetriesPerRequest: 2 } }) as unknown as Redis;
}

/** Every key under a prefix, found with SCAN (never KEYS), on every master of a cluster. */
export async function keysWithPrefix(client: RedisClient, prefix: string): Promise<string[]> {
  if (!(client instanceof Cluster)) return scanNode(client, prefix);
  // The masters are known once the cluster is ready; a PING waits for that.
  await client.ping();
  const perMaster = await Promise.all(client.nodes('master').map((node) => scanNode(node, prefix)));
  return perMaster.flat();
}

/** How many times Redis has run `command` (INFO commandstats), summed over every master of a cluster. */
export async function commandCalls(client: RedisClient, command: string): Promise<number> {
  const calls = async (node: Redis | Cluster) => {
    const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(await node.info('commandstats'));
    return match ? Number(match[1]) : 0;
  };
  if (!(client instanceof Cluster)) return calls(client);
  await client.ping();
  return (await Promise.all(client.nodes('master').map(calls))).reduce((sum, count) => sum + count, 0);
}

async function scanNode(node: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

export async function deleteKeysWithPrefix(client: RedisClient, prefix: string): Promise<void> {
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
