import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { CorruptRecordError } from '../../services/redis/storedJson';
import { InvalidStaffInputError } from '../../services/staff/accounts';
import { staffKeys } from '../../services/staff/keys';
import { DEFAULT_IDLE_SECONDS, StaffSessions, hashSessionToken } from '../../services/staff/sessions';
import { clusterHashPart, connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = (minutes = 0) => new Date(Date.parse('2026-03-04T10:00:00.000Z') + minutes * 60_000);
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

describe('staff sessions in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let clock: Date;
  let sessions: StaffSessions;

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('sessions');
    clock = at();
    sessions = new StaffSessions(redis, { prefix, now: () => clock });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('creates a session with two different random 32-byte tokens, and finds it by its token', async () => {
    const session = await sessions.create('maija');
    expect(session).toEqual({ token: expect.stringMatching(TOKEN), csrfToken: expect.stringMatching(TOKEN), username: 'maija', createdAt: at().toISOString() });
    expect(Buffer.from(session.token, 'base64url')).toHaveLength(32);
    expect(session.csrfToken).not.toBe(session.token);
    expect(await sessions.get(session.token)).toEqual(session);
    const other = await sessions.create('maija');
    expect(other.token).not.toBe(session.token);
    expect(other.csrfToken).not.toBe(session.csrfToken);
  });

  it('finds nothing for an unknown, malformed or empty token', async () => {
    const session = await sessions.create('maija');
    const unknown = `${session.token.slice(0, -1)}${session.token.endsWith('A') ? 'B' : 'A'}`;
    expect(await sessions.get(unknown)).toBeNull();
    expect(await sessions.get('')).toBeNull();
    expect(await sessions.get(`${session.token}x`)).toBeNull();
    expect(await sessions.get('{staff}*')).toBeNull();
  });

  it('keeps only the SHA-256 of the token in Redis, never the token itself', async () => {
    const session = await sessions.create('maija');
    const expectedHash = createHash('sha256').update(session.token).digest('hex');
    expect(hashSessionToken(session.token)).toBe(expectedHash);
    const keys = staffKeys(prefix);
    expect((await keysWithPrefix(redis, prefix)).sort()).toEqual([keys.session(expectedHash), keys.userSessions('maija')].sort());
    expect(await redis.smembers(keys.userSessions('maija'))).toEqual([expectedHash]);
    const stored = (await redis.get(keys.session(expectedHash))) ?? '';
    expect(JSON.parse(stored)).toEqual({ username: 'maija', csrfToken: session.csrfToken, createdAt: at().toISOString() });
    expect(stored).not.toContain(session.token);
  });

  it('expires after the idle time, 30 minutes unless told otherwise', async () => {
    const session = await sessions.create('maija');
    const ttl = await redis.pttl(staffKeys(prefix).session(hashSessionToken(session.token)));
    expect(ttl).toBeGreaterThan((DEFAULT_IDLE_SECONDS - 5) * 1000);
    expect(ttl).toBeLessThanOrEqual(DEFAULT_IDLE_SECONDS * 1000);
  });

  it('starts the idle time again on every get', async () => {
    const idle = new StaffSessions(redis, { prefix, idleSeconds: 60 });
    const session = await idle.create('maija');
    const key = staffKeys(prefix).session(hashSessionToken(session.token));
    await redis.pexpire(key, 3000);
    expect(await idle.get(session.token)).not.toBeNull();
    expect(await redis.pttl(key)).toBeGreaterThan(55_000);
  });

  it('is gone once it has been idle for idleSeconds, but lives on while used', async () => {
    const short = new StaffSessions(redis, { prefix, idleSeconds: 1 });
    const used = await short.create('maija');
    const unused = await short.create('pekka');
    for (let step = 0; step < 3; step += 1) {
      await sleep(600);
      expect(await short.get(used.token)).not.toBeNull();
    }
    expect(await short.get(unused.token)).toBeNull();
    await sleep(1500);
    expect(await short.get(used.token)).toBeNull();
  });

  it('ends a session at its maximum age however busy it is', async () => {
    const capped = new StaffSessions(redis, { prefix, maxAgeSeconds: 3600, now: () => clock });
    const session = await capped.create('maija');
    clock = at(59);
    expect(await capped.get(session.token)).not.toBeNull();
    clock = at(60);
    expect(await capped.get(session.token)).toBeNull();
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
  });

  it('destroys one session (logout) and only that one', async () => {
    const first = await sessions.create('maija');
    const second = await sessions.create('maija');
    expect(await sessions.destroy(first.token)).toBe(true);
    expect(await sessions.get(first.token)).toBeNull();
    expect(await sessions.destroy(first.token)).toBe(false);
    expect(await sessions.get(second.token)).toEqual(second);
    expect(await redis.smembers(staffKeys(prefix).userSessions('maija'))).toEqual([hashSessionToken(second.token)]);
    expect(await sessions.destroy('not a token')).toBe(false);
  });

  it('destroys every session of one user and no one else’s', async () => {
    const first = await sessions.create('maija');
    const second = await sessions.create('Maija');
    const others = await sessions.create('pekka');
    expect(await sessions.destroyAllFor('MAIJA')).toBe(2);
    expect(await sessions.get(first.token)).toBeNull();
    expect(await sessions.get(second.token)).toBeNull();
    expect(await sessions.get(others.token)).toEqual(others);
    expect(await redis.exists(staffKeys(prefix).userSessions('maija'))).toBe(0);
    expect(await sessions.destroyAllFor('maija')).toBe(0);
  });

  it('does not count sessions that have already expired as ended, and forgets them at the next login', async () => {
    const keys = staffKeys(prefix);
    const expired = await sessions.create('maija');
    await redis.del(keys.session(hashSessionToken(expired.token)));
    const live = await sessions.create('maija');
    expect(await redis.smembers(keys.userSessions('maija'))).toEqual([hashSessionToken(live.token)]);
    await redis.del(keys.session(hashSessionToken(live.token)));
    expect(await sessions.destroyAllFor('maija')).toBe(0);
  });

  it('reports a stored session that is not a session as corrupt, and destroy still removes it', async () => {
    const session = await sessions.create('maija');
    const key = staffKeys(prefix).session(hashSessionToken(session.token));
    await redis.set(key, '{"username":"maija"}', 'KEEPTTL');
    await expect(sessions.get(session.token)).rejects.toBeInstanceOf(CorruptRecordError);
    expect(await sessions.destroy(session.token)).toBe(true);
    expect(await redis.exists(key)).toBe(0);
  });

  it('refuses a bad user name and bad options', async () => {
    await expect(sessions.create('a b')).rejects.toBeInstanceOf(InvalidStaffInputError);
    await expect(sessions.destroyAllFor('')).rejects.toBeInstanceOf(InvalidStaffInputError);
    expect(() => new StaffSessions(redis, { prefix, idleSeconds: 0 })).toThrow(/idleSeconds/);
    expect(() => new StaffSessions(redis, { prefix, maxAgeSeconds: 1.5 })).toThrow(/maxAgeSeconds/);
  });

  it('keeps every key in one Redis Cluster slot', async () => {
    await sessions.create('maija');
    await sessions.create('pekka');
    const keys = await keysWithPrefix(redis, prefix);
    expect(keys).toHaveLength(4);
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set(['staff']));
  });

  it('rejects when Redis cannot be reached', async () => {
    const down = connectUnreachableRedis();
    try {
      const unreachable = new StaffSessions(down, { prefix });
      await expect(unreachable.create('maija')).rejects.toThrow();
      await expect(unreachable.get('A'.repeat(43))).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
