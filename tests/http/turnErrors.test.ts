import { capturingLogger, finnish, message, startBot, startBotWithoutRedis, texts, type RunningBot } from '../support/botTestKit';
import { connectTestRedis, keysWithPrefix } from '../support/testRedis';

describe('when a turn fails', () => {
  const { t } = finnish().messages;
  const desk = finnish().desk;
  let failNow = false;
  let bot: RunningBot;
  const { logger, lines } = capturingLogger('info');
  const redis = connectTestRedis();

  beforeAll(async () => {
    // The living room asks the clock for "now"; a clock that throws makes a real turn of the real bot fail.
    const clock = () => {
      if (failNow) throw new Error('clock broke while serving 040 765 4321 / 131052-308T');
      return new Date('2026-11-24T10:00:00+02:00');
    };
    bot = await startBot({ clock, logger });
  });
  afterAll(async () => {
    await bot.stop();
    await redis.quit();
  });

  it('apologises in Finnish with the desk number, clears only that conversation and logs without personal data', async () => {
    await bot.send(message('unlucky', 'hei'));
    await bot.send(message('lucky', 'hei'));
    await bot.send(message('lucky', 'olohuone'));
    const prefix = bot.config.REDIS_KEY_PREFIX;
    const stateKey = (conversation: string) => `${prefix}state:{test/conversations/${conversation}/}`;
    expect(await redis.exists(stateKey('unlucky'))).toBe(1);

    failNow = true;
    const { status, replies } = await bot.send(message('unlucky', 'olohuone'));
    failNow = false;

    expect(status).toBe(200);
    expect(texts(replies)).toEqual([t('error.apology'), t('error.callDesk', { phone: desk.phone, phoneHours: desk.phoneHours })]);
    expect(JSON.stringify(replies)).not.toMatch(/clock broke|\.ts:\d+|\\n\s+at /);
    expect(await redis.exists(stateKey('unlucky'))).toBe(0);
    expect(await redis.exists(stateKey('lucky'))).toBe(1);

    // The other conversation goes on in the living room; the failed one starts afresh.
    const lucky = await bot.send(message('lucky', 'ryhmät'));
    expect(texts(lucky.replies).join('\n')).toContain(t('livingRoom.groupsTitle'));
    const unlucky = await bot.send(message('unlucky', 'hei'));
    expect(texts(unlucky.replies).join('\n')).toContain(t('welcome.greeting'));

    const logged = lines().join('\n');
    expect(logged).toContain('turn failed');
    expect(logged).toContain('clock broke');
    expect(logged).not.toContain('765 4321');
    expect(logged).not.toContain('131052-308T');
    expect(await keysWithPrefix(redis, prefix)).not.toHaveLength(0);
  });
});

describe('when Redis cannot be reached', () => {
  it('tells the resident in Finnish with the desk number, and /readyz says not ready while /healthz stays up', async () => {
    const { t } = finnish().messages;
    const desk = finnish().desk;
    const bot = await startBotWithoutRedis();
    try {
      const { status, replies } = await bot.send(message('no-redis', 'hei'));
      expect(status).toBe(200);
      expect(texts(replies)).toEqual([t('error.apology'), t('error.callDesk', { phone: desk.phone, phoneHours: desk.phoneHours })]);

      const ready = await fetch(`${bot.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'not ready', checks: { redis: 'unreachable' } });
      const health = await fetch(`${bot.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await bot.stop();
    }
  });
});

describe('clearing a failed conversation', () => {
  it('happens while the turn lock is still held, so no other turn of it can slip in between', async () => {
    const { RedisStorage } = await import('../../services/storage/redisStorage');
    const { createRedisClient } = await import('../../services/redis/connection');
    const { testRedisUrl } = await import('../support/testRedis');
    const { testConfig } = await import('../support/botTestKit');
    const config = testConfig();
    const { logger } = capturingLogger('error');
    const client = createRedisClient(testRedisUrl(), logger);
    const lockKey = `${config.REDIS_KEY_PREFIX}lock:{test/locked-failure}`;
    const lockHeldAtDelete: boolean[] = [];
    const storage = new RedisStorage(client, { prefix: config.REDIS_KEY_PREFIX, ttlSeconds: 60 });
    const originalDelete = storage.delete.bind(storage);
    storage.delete = async (keys: string[]) => {
      lockHeldAtDelete.push((await client.exists(lockKey)) === 1);
      return originalDelete(keys);
    };
    let failNow = false;
    const clock = () => {
      if (failNow) throw new Error('broken clock');
      return new Date('2026-11-24T10:00:00+02:00');
    };
    const bot = await startBot({ config, logger, redis: client, storage, clock });
    try {
      await bot.send(message('locked-failure', 'hei'));
      failNow = true;
      const { replies } = await bot.send(message('locked-failure', 'olohuone'));
      expect(texts(replies)[0]).toBe(finnish().messages.t('error.apology'));
      expect(lockHeldAtDelete).toEqual([true]);
      expect(await client.exists(lockKey)).toBe(0);
    } finally {
      await bot.stop();
    }
  });
});
