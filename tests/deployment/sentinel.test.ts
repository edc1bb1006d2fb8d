import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis, { Cluster } from 'ioredis';
import { loadConfig, redisTarget } from '../../bot/config';
import { createLogger } from '../../services/logging/logger';
import { closeRedisClient, createRedisClient, isRedisReachable } from '../../services/redis/connection';
import { RedisStorage } from '../../services/storage/redisStorage';
import { freePort, startPrivateRedis, type PrivateRedis } from '../support/redisServer';
import { uniquePrefix } from '../support/testRedis';

/**
 * The bot pointed at Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_MASTER) finds the master through it and keeps
 * its data there; pointed at a cluster or Sentinels that are not there, it fails fast instead of hanging.
 * A private redis-server and a private Sentinel watching it, both on free ports.
 */

const MASTER = 'apu-test-master';

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Redis through Sentinel', () => {
  let master: PrivateRedis;
  let sentinel: ChildProcess;
  let sentinelPort: number;
  let dir: string;

  beforeAll(async () => {
    master = await startPrivateRedis();
    sentinelPort = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'apu-ku-apu-sentinel-'));
    // Sentinel rewrites its configuration file, so it gets one of its own.
    const configFile = join(dir, 'sentinel.conf');
    writeFileSync(configFile, [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${MASTER} 127.0.0.1 ${master.port} 1`, ''].join('\n'));
    sentinel = spawn('redis-server', [configFile, '--sentinel'], { stdio: 'ignore' });
    const probe = new Redis({ port: sentinelPort, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await until(async () => {
        if (probe.status === 'wait' || probe.status === 'end') await probe.connect();
        const address = (await probe.call('SENTINEL', 'get-master-addr-by-name', MASTER)) as string[] | null;
        return address?.[1] === String(master.port);
      }, 'the Sentinel knows the master');
    } finally {
      probe.disconnect();
    }
  });
  afterAll(async () => {
    if (sentinel?.exitCode === null) {
      const exited = new Promise((resolve) => sentinel.once('exit', resolve));
      sentinel.kill('SIGTERM');
      await exited;
    }
    await master?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the master through the Sentinel and keeps the bot\'s state there', async () => {
    const config = loadConfig({ REDIS_SENTINELS: `127.0.0.1:${sentinelPort}`, REDIS_SENTINEL_MASTER: MASTER, REDIS_KEY_PREFIX: uniquePrefix('sentinel') });
    const client = createRedisClient(redisTarget(config)!, createLogger('silent'));
    const direct = new Redis(master.url);
    try {
      expect(client).not.toBeInstanceOf(Cluster);
      expect(await isRedisReachable(client, 5_000)).toBe(true);
      const storage = new RedisStorage(client, { prefix: config.REDIS_KEY_PREFIX, ttlSeconds: 60 });
      await storage.write({ 'webchat/conversations/s1': { step: 'menu' } });
      expect(await storage.read(['webchat/conversations/s1'])).toMatchObject({ 'webchat/conversations/s1': { step: 'menu' } });
      // Written to the master itself, not to the Sentinel.
      expect(await direct.hget(`${config.REDIS_KEY_PREFIX}state:{webchat/conversations/s1}`, 'doc')).toBe(JSON.stringify({ step: 'menu' }));
    } finally {
      await closeRedisClient(client);
      direct.disconnect();
    }
  });

  it('does not answer when the Sentinel does not know the master, and says not ready', async () => {
    const client = createRedisClient({ kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: sentinelPort }], masterName: 'no-such-master', tls: false }, createLogger('silent'), {
      connectTimeout: 300,
      commandTimeout: 1000,
    });
    try {
      expect(await isRedisReachable(client, 1_500)).toBe(false);
    } finally {
      await closeRedisClient(client);
    }
  });
});

describe('a Redis Cluster that is not there', () => {
  it('refuses commands at once instead of queueing them for ever, and says not ready', async () => {
    const client = createRedisClient({ kind: 'cluster', nodes: [{ host: '127.0.0.1', port: await freePort() }], tls: false }, createLogger('silent'), { connectTimeout: 300 });
    try {
      expect(await isRedisReachable(client, 1_000)).toBe(false);
      const storage = new RedisStorage(client, { prefix: uniquePrefix('no-cluster'), ttlSeconds: 60 });
      // Rejected, not left waiting: a resident's turn gets its apology instead of hanging.
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        storage.read(['webchat/conversations/x']).then(
          () => 'answered',
          () => 'refused',
        ),
        new Promise((resolve) => (timer = setTimeout(() => resolve('still waiting'), 5_000))),
      ]);
      clearTimeout(timer);
      expect(outcome).toBe('refused');
    } finally {
      await closeRedisClient(client);
    }
  });
});
