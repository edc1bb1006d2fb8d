import { hash } from '@node-rs/argon2';
import * as passwordHash from '../../services/staff/passwordHash';
import type Redis from 'ioredis';
import { CorruptRecordError } from '../../services/redis/storedJson';
import {
  DUMMY_PASSWORD_HASH,
  InvalidStaffInputError,
  STAFF_PASSWORD_HASHING,
  StaffAccountExistsError,
  StaffAccountNotFoundError,
  StaffAccounts,
} from '../../services/staff/accounts';
import { staffKeys } from '../../services/staff/keys';
import { clusterHashPart, connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const PASSWORD = 'kahvi ja pulla 2026';
const at = (minutes = 0) => new Date(Date.parse('2026-03-04T10:00:00.000Z') + minutes * 60_000);

describe('staff accounts in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let clock: Date;
  let accounts: StaffAccounts;

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('staff');
    clock = at();
    accounts = new StaffAccounts(redis, { prefix, now: () => clock });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await deleteKeysWithPrefix(redis, prefix);
  });

  /** Every value stored under the test's prefix, whatever its type. */
  async function everythingStored(): Promise<string[]> {
    const values: string[] = [];
    for (const key of await keysWithPrefix(redis, prefix)) {
      values.push(key);
      const type = await redis.type(key);
      if (type === 'hash') values.push(...Object.values(await redis.hgetall(key)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else values.push((await redis.get(key)) ?? '');
    }
    return values;
  }

  it('adds an account whose password verifies, and a wrong password does not', async () => {
    expect(await accounts.add('maija', PASSWORD)).toBe('maija');
    expect(await accounts.verify('maija', PASSWORD)).toBe(true);
    expect(await accounts.verify('maija', `${PASSWORD}!`)).toBe(false);
    expect(await accounts.verify('maija', PASSWORD.toUpperCase())).toBe(false);
  });

  it('stores the password only as an argon2id hash with the documented parameters', async () => {
    await accounts.add('maija', PASSWORD);
    const stored = await redis.hgetall(staffKeys(prefix).account('maija'));
    expect(Object.keys(stored).sort()).toEqual(['createdAt', 'passwordChangedAt', 'passwordHash']);
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(passwordHash.needsRehash(stored.passwordHash ?? '')).toBe(false);
    for (const value of await everythingStored()) expect(value).not.toContain(PASSWORD);
  });

  it('salts each hash: the same password gives two different hashes', async () => {
    await accounts.add('maija', PASSWORD);
    await accounts.add('pekka', PASSWORD);
    const keys = staffKeys(prefix);
    expect(await redis.hget(keys.account('maija'), 'passwordHash')).not.toBe(await redis.hget(keys.account('pekka'), 'passwordHash'));
  });

  it('says no for an unknown user after checking the dummy hash, as long as for a wrong password', async () => {
    const verify = jest.spyOn(passwordHash, 'verifyPassword');
    expect(await accounts.verify('nobody', PASSWORD)).toBe(false);
    expect(await accounts.verify('X', PASSWORD)).toBe(false);
    expect(await accounts.verify('maija', 'short')).toBe(false);
    expect(verify).toHaveBeenCalledTimes(3);
    for (const [hash] of verify.mock.calls) expect(hash).toBe(DUMMY_PASSWORD_HASH);
  });

  it('keeps its dummy hash in step with the hashing parameters', async () => {
    expect(DUMMY_PASSWORD_HASH.startsWith('$argon2id$')).toBe(true);
    expect(passwordHash.needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    // A readable hash: verifying against it does real work and simply says no.
    await expect(passwordHash.verifyPassword(DUMMY_PASSWORD_HASH, PASSWORD)).resolves.toBe(false);
  });

  it('folds user names to lower case and trims them', async () => {
    expect(await accounts.add(' Maija.Meikalainen ', PASSWORD)).toBe('maija.meikalainen');
    expect(await accounts.verify('MAIJA.meikalainen', PASSWORD)).toBe(true);
    await expect(accounts.add('maija.meikalainen', PASSWORD)).rejects.toBeInstanceOf(StaffAccountExistsError);
  });

  it('treats a password typed with a combining mark the same as with a ready-made ä (NFKC)', async () => {
    await accounts.add('maija', 'pääsy sisään 2026');
    expect(await accounts.verify('maija', 'pa\u0308a\u0308sy sisa\u0308a\u0308n 2026')).toBe(true);
  });

  it('refuses a duplicate and leaves the first password in place', async () => {
    await accounts.add('maija', PASSWORD);
    const error = await accounts.add('maija', 'toinen salasana 2026').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StaffAccountExistsError);
    expect((error as StaffAccountExistsError).username).toBe('maija');
    expect(await accounts.verify('maija', PASSWORD)).toBe(true);
    expect(await accounts.verify('maija', 'toinen salasana 2026')).toBe(false);
  });

  it('refuses bad names and passwords, naming the field and never the password', async () => {
    for (const username of ['', 'a', '-maija', 'maija meikäläinen', 'maija{x}', 'm'.repeat(41), 'system', 'SYSTEM']) {
      const error = await accounts.add(username, PASSWORD).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidStaffInputError);
      expect((error as InvalidStaffInputError).field).toBe('username');
    }
    for (const password of ['lyhyt', '12345678901', 'x'.repeat(201)]) {
      const error = await accounts.add('maija', password).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidStaffInputError);
      expect((error as InvalidStaffInputError).field).toBe('password');
      expect((error as Error).message).toMatch(/^password: expected at (least 12|most 200) characters$/);
    }
    expect(await accounts.list()).toEqual([]);
    // 12 and 200 characters are both fine.
    await accounts.add('lyhyt', '123456789012');
    await accounts.add('pitka', 'y'.repeat(200));
  });

  it('lists every account by name with its creation time, and nothing from an empty store', async () => {
    expect(await accounts.list()).toEqual([]);
    await accounts.add('pekka', PASSWORD);
    clock = at(5);
    await accounts.add('anna', PASSWORD);
    expect(await accounts.list()).toEqual([
      { username: 'anna', createdAt: at(5).toISOString() },
      { username: 'pekka', createdAt: at().toISOString() },
    ]);
  });

  it('changes a password: the old one stops working, the new one works', async () => {
    await accounts.add('maija', PASSWORD);
    clock = at(60);
    await accounts.setPassword('maija', 'uusi salasana 2026');
    expect(await accounts.verify('maija', PASSWORD)).toBe(false);
    expect(await accounts.verify('maija', 'uusi salasana 2026')).toBe(true);
    const stored = await redis.hgetall(staffKeys(prefix).account('maija'));
    expect(stored).toMatchObject({ createdAt: at().toISOString(), passwordChangedAt: at(60).toISOString() });
  });

  it('refuses to set the password of an account that does not exist, and creates none', async () => {
    await expect(accounts.setPassword('nobody', PASSWORD)).rejects.toBeInstanceOf(StaffAccountNotFoundError);
    expect(await accounts.list()).toEqual([]);
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
  });

  it('removes an account: its password stops working and it leaves the list', async () => {
    await accounts.add('maija', PASSWORD);
    await accounts.add('pekka', PASSWORD);
    expect(await accounts.remove('Maija')).toBe(true);
    expect(await accounts.remove('maija')).toBe(false);
    expect(await accounts.verify('maija', PASSWORD)).toBe(false);
    expect((await accounts.list()).map((account) => account.username)).toEqual(['pekka']);
    await accounts.add('maija', 'uusi salasana 2026');
    expect(await accounts.verify('maija', PASSWORD)).toBe(false);
  });

  it('upgrades a hash made with older parameters at the next successful login', async () => {
    await accounts.add('maija', PASSWORD);
    const key = staffKeys(prefix).account('maija');
    const weaker = await hash(PASSWORD, { ...STAFF_PASSWORD_HASHING, timeCost: 1 });
    await redis.hset(key, 'passwordHash', weaker);
    expect(await accounts.verify('maija', 'wrong password here')).toBe(false);
    expect(await redis.hget(key, 'passwordHash')).toBe(weaker);
    expect(await accounts.verify('maija', PASSWORD)).toBe(true);
    const upgraded = (await redis.hget(key, 'passwordHash')) ?? '';
    expect(upgraded).not.toBe(weaker);
    expect(passwordHash.needsRehash(upgraded)).toBe(false);
    expect(await accounts.verify('maija', PASSWORD)).toBe(true);
  });

  it('reports a stored account that is not an argon2id hash as corrupt, naming the key', async () => {
    const key = staffKeys(prefix).account('maija');
    await redis.hset(key, 'passwordHash', PASSWORD, 'createdAt', at().toISOString());
    const error = await accounts.verify('maija', PASSWORD).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as Error).message).toContain(key);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('keeps every key in one Redis Cluster slot', async () => {
    await accounts.add('maija', PASSWORD);
    await accounts.add('pekka', PASSWORD);
    const keys = await keysWithPrefix(redis, prefix);
    expect(keys).toHaveLength(3);
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set(['staff']));
  });

  it('rejects when Redis cannot be reached', async () => {
    const down = connectUnreachableRedis();
    try {
      const unreachable = new StaffAccounts(down, { prefix });
      await expect(unreachable.add('maija', PASSWORD)).rejects.toThrow();
      await expect(unreachable.verify('maija', PASSWORD)).rejects.toThrow();
      await expect(unreachable.list()).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
