import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger';

/** A single Redis (or the master that Sentinel names), or a Redis Cluster: the product code runs on either. */
export type RedisClient = Redis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

/** Where Redis is: one URL, the Sentinels that know the master, or some nodes of a Cluster. */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      /** The master's name in the Sentinels' configuration (`sentinel monitor <name> …`). */
      masterName: string;
      username?: string;
      password?: string;
      /** The Sentinels' own password (their `requirepass`), when they have one. */
      sentinelPassword?: string;
      tls: boolean;
    }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; tls: boolean };

export interface RedisClientOptions {
  connectionName?: string;
  connectTimeout?: number;
  commandTimeout?: number;
  /** Connect on `connect()` (or the first command) instead of at once. */
  lazyConnect?: boolean;
  /** false: one connection attempt and no reconnecting, for a command-line tool that should fail at once. */
  reconnect?: boolean;
}

/** Where a client points, by the setting that named it, for a log line or an error message (no password). */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: RedisNode[]) => nodes.map((node) => `${node.host}:${node.port}`).join(',');
  switch (target.kind) {
    case 'single':
      return 'REDIS_URL';
    case 'sentinel':
      return `REDIS_SENTINELS=${list(target.sentinels)} (master ${target.masterName})`;
    case 'cluster':
      return `REDIS_CLUSTER_NODES=${list(target.nodes)}`;
  }
}

/**
 * One ioredis client with settings that suit a chat turn: a command that cannot be served fails within
 * seconds (the resident then gets an apology and the desk's number) instead of waiting for ever, and the
 * client keeps reconnecting by itself in the background. A string is a Redis URL.
 */
export function createRedisClient(target: RedisTarget | string, logger: Logger, options: RedisClientOptions = {}): RedisClient {
  const where: RedisTarget = typeof target === 'string' ? { kind: 'single', url: target } : target;
  const { reconnect = true, lazyConnect = false, ...connection } = options;
  const perConnection: RedisOptions = {
    connectionName: 'apu-ku-apu-bot',
    // One retry, and reconnect attempts at most a second apart: a command waits in ioredis' queue until a retry
    // round flushes it, and with Redis down the resident should get the apology in seconds (a channel gives a
    // turn about 15 s), not after the command timeout twice over.
    maxRetriesPerRequest: reconnect ? 1 : 0,
    connectTimeout: 5000,
    commandTimeout: 5000,
    // ioredis waits this long for a dead socket to close on disconnect; its 2 s default delays shutdown.
    disconnectTimeout: 200,
    ...connection,
  };
  const retryStrategy = reconnect ? (attempt: number) => Math.min(attempt * 100, 1000) : () => null;
  let client: RedisClient;
  if (where.kind === 'cluster') {
    const clusterOptions: ClusterOptions = {
      redisOptions: { ...perConnection, username: where.username, password: where.password, ...(where.tls ? { tls: {} } : {}) },
      clusterRetryStrategy: retryStrategy,
      // A Cluster keeps commands in its own queue while it has no connection, with no time limit: a turn would
      // hang while the cluster is away. Without the queue such a command fails at once, as the single client's
      // fails after its two retries; isRedisReachable waits for the first connection.
      enableOfflineQueue: false,
      lazyConnect,
      // Reads go to the masters only: a compare-and-set reads what it then writes, and a replica may lag behind.
      scaleReads: 'master',
    };
    client = new Cluster(where.nodes, clusterOptions);
  } else if (where.kind === 'sentinel') {
    client = new Redis({
      ...perConnection,
      sentinels: where.sentinels,
      name: where.masterName,
      username: where.username,
      password: where.password,
      sentinelPassword: where.sentinelPassword,
      ...(where.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
      retryStrategy,
      // By default the Sentinels are asked again for ever when none of them answers or knows the master.
      ...(reconnect ? {} : { sentinelRetryStrategy: () => null }),
      lazyConnect,
    });
  } else {
    client = new Redis(where.url, { ...perConnection, retryStrategy, lazyConnect });
  }
  let reportedDown = false;
  const reportDown = (error: Error, node?: string) => {
    if (!reportedDown) logger.error({ err: error, ...(node ? { node } : {}) }, 'Redis connection error');
    reportedDown = true;
  };
  client.on('error', (error: Error) => reportDown(error));
  // A Cluster reports a lost node apart from its own state; the commands of that node's slots fail meanwhile.
  if (client instanceof Cluster) client.on('node error', (error: Error, node: string) => reportDown(error, node));
  client.on('ready', () => {
    if (reportedDown) logger.info('Redis connection restored');
    reportedDown = false;
  });
  return client;
}

/**
 * True when Redis answers a PING within the time limit. A Cluster that is still (re)connecting is waited for
 * within the same limit, since it refuses commands until it is ready.
 */
export async function isRedisReachable(client: RedisClient, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let stopWaiting = () => {};
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answer = async () => {
    if (client instanceof Cluster && client.status !== 'ready') {
      if (client.status === 'end') return false;
      const ready = new Promise<void>((resolve) => {
        client.once('ready', resolve);
        stopWaiting = () => client.off('ready', resolve);
      });
      if (client.status === 'wait') client.connect().catch(() => undefined);
      await ready;
    }
    return (await client.ping()) === 'PONG';
  };
  try {
    return await Promise.race([answer(), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    stopWaiting();
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
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([client.quit(), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
  } catch {
    // Closing a broken connection: disconnect below is all that is left to do.
  } finally {
    // A timer left running would keep a finished process (a command-line tool, a test run) alive for a second.
    clearTimeout(timer);
  }
  client.disconnect();
}
