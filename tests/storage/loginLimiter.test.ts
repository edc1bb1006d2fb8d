import type Redis from 'ioredis';
import { LoginLimiter, UNAVAILABLE_RETRY_SECONDS, loginLimitKey } from '../../services/staff/loginLimiter';
import { clusterHashPart, connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the staff login limiter in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let limiter: LoginLimiter;

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('login');
    limiter = new LoginLimiter(redis, { prefix });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  async function fail(times: number, address: (attempt: number) => string, username: (attempt: number) => string): Promise<void> {
    for (let attempt = 0; attempt < times; attempt += 1) await limiter.recordFailure(address(attempt), username(attempt));
  }

  it('allows a first attempt, and checking counts nothing', async () => {
    for (let check = 0; check < 30; check += 1) expect(await limiter.check('192.0.2.1', 'maija')).toEqual({ allowed: true });
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
  });

  it('refuses a user name after 5 failures within 15 minutes, from whatever addresses', async () => {
    await fail(4, (attempt) => `192.0.2.${attempt}`, () => 'maija');
    expect(await limiter.check('198.51.100.7', 'maija')).toEqual({ allowed: true });
    await limiter.recordFailure('192.0.2.99', 'maija');
    const refused = await limiter.check('198.51.100.7', 'maija');
    expect(refused).toEqual({ allowed: false, reason: 'too-many-failures', retryAfterSeconds: expect.any(Number) });
    if (refused.allowed) throw new Error('expected a refusal');
    expect(refused.retryAfterSeconds).toBeGreaterThan(15 * 60 - 5);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    // Another name from the same addresses is still fine: each address has failed only once.
    expect(await limiter.check('192.0.2.1', 'pekka')).toEqual({ allowed: true });
  });

  it('counts "Maija", "maija " and "MAIJA" as one name', async () => {
    await fail(5, () => '192.0.2.1', (attempt) => ['Maija', 'maija ', 'MAIJA', ' maija', 'maiJa'][attempt] ?? 'maija');
    expect(await limiter.check('198.51.100.7', 'maija')).toMatchObject({ allowed: false });
  });

  it('refuses an address after 20 failures within 15 minutes, whatever names it tried', async () => {
    await fail(19, () => '192.0.2.1', (attempt) => `name${attempt}`);
    expect(await limiter.check('192.0.2.1', 'someone-new')).toEqual({ allowed: true });
    await limiter.recordFailure('192.0.2.1', 'name19');
    expect(await limiter.check('192.0.2.1', 'someone-new')).toMatchObject({ allowed: false, reason: 'too-many-failures' });
    expect(await limiter.check('198.51.100.7', 'someone-new')).toEqual({ allowed: true });
  });

  it('takes its limits from the options', async () => {
    const strict = new LoginLimiter(redis, { prefix, perAddress: { failures: 3, windowSeconds: 60 }, perUsername: { failures: 2, windowSeconds: 120 } });
    await strict.recordFailure('192.0.2.1', 'maija');
    expect(await strict.check('192.0.2.2', 'maija')).toEqual({ allowed: true });
    await strict.recordFailure('192.0.2.2', 'maija');
    const byName = await strict.check('192.0.2.3', 'maija');
    expect(byName).toMatchObject({ allowed: false });
    expect(!byName.allowed && byName.retryAfterSeconds).toBeLessThanOrEqual(120);
    await strict.recordFailure('192.0.2.1', 'pekka');
    await strict.recordFailure('192.0.2.1', 'anna');
    const byAddress = await strict.check('192.0.2.1', 'uusi');
    expect(byAddress).toMatchObject({ allowed: false });
    expect(!byAddress.allowed && byAddress.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(() => new LoginLimiter(redis, { prefix, perUsername: { failures: 0, windowSeconds: 60 } })).toThrow(/perUsername\.failures/);
  });

  it('tells the longer wait when both limits are reached', async () => {
    const both = new LoginLimiter(redis, { prefix, perAddress: { failures: 1, windowSeconds: 60 }, perUsername: { failures: 1, windowSeconds: 600 } });
    await both.recordFailure('192.0.2.1', 'maija');
    const refused = await both.check('192.0.2.1', 'maija');
    expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(590);
  });

  it('lets a name in again once its window has passed', async () => {
    const brief = new LoginLimiter(redis, { prefix, perUsername: { failures: 2, windowSeconds: 1 } });
    await brief.recordFailure('192.0.2.1', 'maija');
    await brief.recordFailure('192.0.2.2', 'maija');
    expect(await brief.check('192.0.2.3', 'maija')).toEqual({ allowed: false, reason: 'too-many-failures', retryAfterSeconds: 1 });
    await sleep(1200);
    expect(await brief.check('192.0.2.3', 'maija')).toEqual({ allowed: true });
  });

  it('clears the name’s failures on a successful login, but not the address’s', async () => {
    limiter = new LoginLimiter(redis, { prefix, perAddress: { failures: 6, windowSeconds: 900 } });
    await fail(4, () => '192.0.2.1', () => 'maija');
    // A login counts its attempt first; its success then gives that point back.
    expect(await limiter.attempt('192.0.2.1', 'Maija')).toEqual({ allowed: true });
    await limiter.recordSuccess('192.0.2.1', 'Maija');
    await fail(4, () => '192.0.2.2', () => 'maija');
    expect(await limiter.check('192.0.2.2', 'maija')).toEqual({ allowed: true });
    // The first address still carries its 4 failures: 2 more and it is refused.
    await fail(2, () => '192.0.2.1', (attempt) => `other${attempt}`);
    expect(await limiter.check('192.0.2.1', 'anna')).toMatchObject({ allowed: false });
  });

  it('keeps neither the typed name nor the address in its keys, all in one Redis Cluster slot', async () => {
    await limiter.recordFailure('192.0.2.1', 'Salasana-vaarassa-kentassa-2026');
    const keys = await keysWithPrefix(redis, prefix);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.toLowerCase()).not.toContain('salasana');
      expect(key).not.toContain('192.0.2.1');
    }
    expect(keys.some((key) => key.endsWith(loginLimitKey('salasana-vaarassa-kentassa-2026')))).toBe(true);
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set(['staff']));
  });

  it('refuses every login while Redis cannot be reached (fails closed)', async () => {
    const down = connectUnreachableRedis();
    try {
      const unreachable = new LoginLimiter(down, { prefix });
      expect(await unreachable.check('192.0.2.1', 'maija')).toEqual({ allowed: false, reason: 'unavailable', retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS });
      await expect(unreachable.recordFailure('192.0.2.1', 'maija')).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
