import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import { loadConfig, redisTarget } from '../../bot/config';
import { AuditTrail } from '../../services/audit/auditTrail';
import { CallbackStore } from '../../services/callbacks/callbackStore';
import { ConversationLog } from '../../services/directLine/conversationLog';
import { newConversationId } from '../../services/directLine/ids';
import { RedisTurnLock } from '../../services/locks/turnLock';
import { createLogger } from '../../services/logging/logger';
import { closeRedisClient, createRedisClient, isRedisReachable, type RedisClient } from '../../services/redis/connection';
import { RedisStorage } from '../../services/storage/redisStorage';
import { StaffSessions } from '../../services/staff/sessions';
import { SuggestionStore } from '../../services/suggestions/suggestionStore';
import { clusterHashPart, connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, onTestCluster, uniquePrefix } from '../support/testRedis';

/**
 * Runs only in the jest project redis-cluster (jest.config.js), where the storage, lock, callback queue and
 * Direct Line tests run a second time. This proves that run is really on a Redis Cluster of three masters, that
 * the bot's own client is a Cluster client when REDIS_CLUSTER_NODES is set, and that the keys spread over the
 * masters while the keys that one script touches stay together.
 */

const infoField = (info: string, field: string) => new RegExp(`^${field}:(\\S+)`, 'm').exec(info)?.[1];

describe('the Redis Cluster run', () => {
  let redis: Redis;
  let cluster: Cluster;
  const prefixes: string[] = [];
  const prefix = (label: string) => {
    const made = uniquePrefix(label);
    prefixes.push(made);
    return made;
  };

  beforeAll(async () => {
    redis = connectTestRedis();
    cluster = redis as unknown as Cluster;
    await cluster.ping();
  });
  afterAll(async () => {
    for (const made of prefixes) await deleteKeysWithPrefix(redis, made);
    await redis.quit();
  });

  it('runs on a healthy cluster of three masters that serve every slot, and the test helpers hand out Cluster clients', async () => {
    expect(onTestCluster()).toBe(true);
    expect(redis).toBeInstanceOf(Cluster);
    const masters = cluster.nodes('master');
    expect(masters).toHaveLength(3);
    for (const master of masters) {
      const info = await master.cluster('INFO');
      expect(infoField(info, 'cluster_state')).toBe('ok');
      expect(infoField(info, 'cluster_size')).toBe('3');
      expect(infoField(info, 'cluster_slots_ok')).toBe('16384');
      expect((await master.info('replication')).match(/^role:(\w+)/m)?.[1]).toBe('master');
    }
  });

  it('gives the bot a Cluster client from REDIS_CLUSTER_NODES, which files and reads a callback request', async () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES ?? '', REDIS_KEY_PREFIX: prefix('bot') });
    const client = createRedisClient(redisTarget(config)!, createLogger('silent'));
    try {
      expect(client).toBeInstanceOf(Cluster);
      expect(await isRedisReachable(client, 10_000)).toBe(true);
      const store = new CallbackStore(client, { prefix: config.REDIS_KEY_PREFIX });
      const { ref } = await store.create(
        {
          service: 'kela',
          summary: 'asumistuki',
          phone: '+358401234567',
          preferredTime: { said: 'heti', kind: 'asap' },
          window: { start: '2026-03-05T07:00:00.000Z', end: '2026-03-05T10:00:00.000Z' },
          urgent: false,
          language: 'fi',
          channel: 'webchat',
        },
        { idempotencyKey: 'cluster-check', now: new Date('2026-03-04T10:00:00.000Z') },
      );
      expect(ref).toBe('AKA-2026-000001');
      expect(await store.queue()).toEqual([ref]);
    } finally {
      await closeRedisClient(client);
    }
  });

  it('spreads the stores\' keys over more than one master, and keeps the keys of one script together', async () => {
    const keyPrefix = prefix('spread');
    const client: RedisClient = cluster;
    const storage = new RedisStorage(client, { prefix: keyPrefix, ttlSeconds: 600 });
    await storage.write(Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`webchat/conversations/c${index}`, { step: index }])));
    const lock = new RedisTurnLock(client, keyPrefix, { ttlMs: 10_000, waitMs: 1_000 });
    const log = new ConversationLog(client, { prefix: keyPrefix, ttlSeconds: 600 });
    const conversations = Array.from({ length: 10 }, () => newConversationId());
    await lock.runExclusive('webchat/conversations/locked', async () => {
      for (const id of conversations) {
        await log.start(id, 'dl_user', new Date());
        await log.append(id, [{ type: 'message', timestamp: new Date().toISOString(), text: 'hei' }]);
      }
    });
    await new SuggestionStore(client, { prefix: keyPrefix }).add({ text: 'lisää lautapelejä', channel: 'webchat', now: new Date() });
    await new AuditTrail(client, { prefix: keyPrefix }).record({ at: new Date(), who: 'maija', action: 'list' });
    await new StaffSessions(client, { prefix: keyPrefix }).create('maija');

    const perMaster = await Promise.all(cluster.nodes('master').map((master) => keysWithPrefix(master, keyPrefix)));
    expect(perMaster.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    const all = perMaster.flat();
    expect((await keysWithPrefix(client, keyPrefix)).sort()).toEqual([...all].sort());
    expect(all.filter((key) => key.includes(':state:{'))).toHaveLength(30);

    // The keys that share a hash tag (what one script touches) are all on one master.
    const masterOf = new Map<string, number>();
    perMaster.forEach((keys, master) => {
      for (const key of keys) {
        const tag = clusterHashPart(key);
        expect(masterOf.get(tag) ?? master).toBe(master);
        masterOf.set(tag, master);
      }
    });
    for (const id of conversations) expect(all.filter((key) => clusterHashPart(key) === id)).toHaveLength(2);
  });

  it('refuses a script whose keys lie in two slots, so a product script that mixed them would fail in this run', async () => {
    await expect(cluster.eval("return redis.call('GET', KEYS[1])", 2, `${prefix('mixed')}{a}`, `${prefix('mixed')}{b}`)).rejects.toThrow(/CROSSSLOT|same slot/i);
  });
});
