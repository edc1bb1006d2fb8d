import { MemoryStorage, type Storage, type StoreItems } from 'botbuilder';
import type Redis from 'ioredis';
import { RedisStorage } from '../../services/storage/redisStorage';
import { commandCalls, connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

/**
 * One contract for bot state storage, taken from botbuilder's MemoryStorage: our RedisStorage must behave the
 * same way, so that the bot cannot tell the two apart.
 */

const conflictMessage = (key: string) => `Storage: error writing "${key}" due to eTag conflict.`;

/** Deliberately wrong arguments, as a JavaScript caller could pass them. */
const missing = undefined as unknown as string[];
const missingChanges = undefined as unknown as StoreItems;

interface StorageUnderTest {
  storage: Storage;
  /** Removes whatever the test left behind. */
  cleanup(): Promise<void>;
}

async function eTagOf(storage: Storage, key: string): Promise<string> {
  const { [key]: item } = await storage.read([key]);
  const eTag = (item as { eTag?: unknown } | undefined)?.eTag;
  if (typeof eTag !== 'string') throw new Error(`no eTag read back for "${key}"`);
  return eTag;
}

function describeStorageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  describe(`storage contract: ${name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ storage, cleanup } = await makeStorage());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('reading keys that were never written returns no entry for them', async () => {
      const items = await storage.read(['nobody/here', 'nor/here']);
      expect(items).toEqual({});
    });

    it('reading no keys returns an empty result', async () => {
      expect(await storage.read([])).toEqual({});
    });

    it.each([
      ['no eTag', undefined],
      ["eTag '*'", '*'],
      ['an eTag the store never issued', 'made-up-etag'],
    ])('writes a new item with %s', async (_label, eTag) => {
      await storage.write({ fresh: { value: 1, ...(eTag === undefined ? {} : { eTag }) } });
      const { fresh } = await storage.read(['fresh']);
      expect(fresh).toMatchObject({ value: 1 });
    });

    it('gives every written item an eTag when it is read back', async () => {
      await storage.write({ item: { value: 'a' } });
      const { item } = await storage.read(['item']);
      expect(typeof item?.eTag).toBe('string');
      expect(item?.eTag).not.toBe('');
      expect(item?.eTag).not.toBe('*');
    });

    it('issues a fresh eTag on each write', async () => {
      await storage.write({ item: { value: 1 } });
      const first = await eTagOf(storage, 'item');
      await storage.write({ item: { value: 2, eTag: first } });
      const second = await eTagOf(storage, 'item');
      await storage.write({ item: { value: 3 } });
      const third = await eTagOf(storage, 'item');
      await storage.write({ other: { value: 4 } });
      const fourth = await eTagOf(storage, 'other');
      expect(new Set([first, second, third, fourth]).size).toBe(4);
    });

    it("overwrites whatever is stored when the eTag is '*'", async () => {
      await storage.write({ item: { value: 'old' } });
      await storage.write({ item: { value: 'new', eTag: '*' } });
      const { item } = await storage.read(['item']);
      expect(item).toMatchObject({ value: 'new' });
    });

    it('overwrites whatever is stored when the item has no eTag', async () => {
      await storage.write({ item: { value: 'old' } });
      await storage.write({ item: { value: 'new' } });
      const { item } = await storage.read(['item']);
      expect(item).toMatchObject({ value: 'new' });
    });

    it('writes when the eTag is the current one', async () => {
      await storage.write({ item: { value: 'old' } });
      const current = await eTagOf(storage, 'item');
      await storage.write({ item: { value: 'new', eTag: current } });
      const { item } = await storage.read(['item']);
      expect(item).toMatchObject({ value: 'new' });
      expect(item?.eTag).not.toBe(current);
    });

    it('refuses a write with a stale eTag, with the same message as MemoryStorage, and keeps the stored item', async () => {
      await storage.write({ 'conv/1': { value: 'first' } });
      const stale = await eTagOf(storage, 'conv/1');
      await storage.write({ 'conv/1': { value: 'second', eTag: stale } });
      const current = await eTagOf(storage, 'conv/1');

      const attempt = storage.write({ 'conv/1': { value: 'lost', eTag: stale } });
      await expect(attempt).rejects.toThrow(conflictMessage('conv/1'));
      await expect(attempt).rejects.toHaveProperty('message', conflictMessage('conv/1'));

      const { 'conv/1': item } = await storage.read(['conv/1']);
      expect(item).toMatchObject({ value: 'second', eTag: current });
    });

    it('refuses a write with an eTag that does not match an existing item', async () => {
      await storage.write({ item: { value: 'kept' } });
      await expect(storage.write({ item: { value: 'lost', eTag: 'not-the-current-etag' } })).rejects.toHaveProperty(
        'message',
        conflictMessage('item'),
      );
      const { item } = await storage.read(['item']);
      expect(item).toMatchObject({ value: 'kept' });
    });

    it('deletes an item', async () => {
      await storage.write({ gone: { value: 1 }, kept: { value: 2 } });
      await storage.delete(['gone']);
      const items = await storage.read(['gone', 'kept']);
      expect(Object.keys(items)).toEqual(['kept']);
    });

    it('deletes several items at once', async () => {
      await storage.write({ a: { value: 1 }, b: { value: 2 }, c: { value: 3 } });
      await storage.delete(['a', 'c']);
      const items = await storage.read(['a', 'b', 'c']);
      expect(Object.keys(items)).toEqual(['b']);
    });

    it('deleting a key that does not exist succeeds', async () => {
      await expect(storage.delete(['never/written'])).resolves.toBeUndefined();
      expect(await storage.read(['never/written'])).toEqual({});
    });

    it('a deleted item can be written again as a new item, even with its old eTag', async () => {
      await storage.write({ item: { value: 1 } });
      const old = await eTagOf(storage, 'item');
      await storage.delete(['item']);
      await storage.write({ item: { value: 2, eTag: old } });
      expect((await storage.read(['item'])).item).toMatchObject({ value: 2 });
    });

    it('reads and writes several keys in one call, leaving out the missing ones', async () => {
      await storage.write({ one: { n: 1 }, two: { n: 2 }, three: { n: 3 } });
      const items = await storage.read(['one', 'missing', 'three', 'two']);
      expect(Object.keys(items).sort()).toEqual(['one', 'three', 'two']);
      expect(items.one).toMatchObject({ n: 1 });
      expect(items.two).toMatchObject({ n: 2 });
      expect(items.three).toMatchObject({ n: 3 });
      expect(new Set([items.one.eTag, items.two.eTag, items.three.eTag]).size).toBe(3);
    });

    it('round-trips nested objects, arrays, nulls and non-ASCII text unchanged', async () => {
      const document = {
        dialogStack: [{ id: 'main', state: { options: { again: true }, values: { instanceId: 'x' }, stepIndex: 2 } }],
        profile: { name: 'Äänislinnan Öljy-Åke 😀', tags: ['a', 'b'], age: 42, ratio: 0.5, nothing: null, flag: false },
        deep: { a: { b: { c: { d: [1, [2, [3]], { e: 'f' }] } } } },
        empty: { object: {}, array: [] as unknown[], text: '' },
      };
      await storage.write({ 'test/conversations/nested/': { ...document } });
      const { 'test/conversations/nested/': item } = await storage.read(['test/conversations/nested/']);
      const { eTag, ...rest } = item as { eTag?: string } & Record<string, unknown>;
      expect(typeof eTag).toBe('string');
      expect(rest).toEqual(document);
    });

    it('returns copies: changing an object after writing or reading it does not change what is stored', async () => {
      const written = { nested: { value: 'stored' } };
      await storage.write({ item: written });
      written.nested.value = 'changed after write';
      const first = await storage.read(['item']);
      (first.item as { nested: { value: string } }).nested.value = 'changed after read';
      const second = await storage.read(['item']);
      expect(second.item).toMatchObject({ nested: { value: 'stored' } });
    });

    it('read without keys rejects with a ReferenceError', async () => {
      await expect(storage.read(missing)).rejects.toBeInstanceOf(ReferenceError);
    });

    it('write without changes rejects with a ReferenceError', async () => {
      await expect(storage.write(missingChanges)).rejects.toBeInstanceOf(ReferenceError);
    });

    it('delete without keys rejects', async () => {
      // MemoryStorage fails here with a TypeError from `keys.forEach`; RedisStorage, by design, with a
      // ReferenceError like read and write (checked in the RedisStorage suite below).
      await expect(storage.delete(missing)).rejects.toBeInstanceOf(Error);
    });
  });
}

describeStorageContract('botbuilder MemoryStorage', async () => ({
  storage: new MemoryStorage(),
  cleanup: async () => undefined,
}));

/** One connection for all Redis tests in this file; each storage gets a key prefix of its own. */
let redis: Redis | undefined;
function sharedRedis(): Redis {
  redis ??= connectTestRedis();
  return redis;
}
const prefixesUsed: string[] = [];

function redisStorage(ttlSeconds = 3600): { storage: RedisStorage; prefix: string } {
  const prefix = uniquePrefix('storage');
  prefixesUsed.push(prefix);
  return { storage: new RedisStorage(sharedRedis(), { prefix, ttlSeconds }), prefix };
}

afterAll(async () => {
  if (!redis) return;
  // Nothing must be left behind, not even by a test that failed half way.
  for (const prefix of prefixesUsed) await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describeStorageContract('RedisStorage (real Redis)', async () => {
  const { storage, prefix } = redisStorage();
  return {
    storage,
    cleanup: async () => {
      await deleteKeysWithPrefix(sharedRedis(), prefix);
      expect(await keysWithPrefix(sharedRedis(), prefix)).toEqual([]);
    },
  };
});

describe('RedisStorage on real Redis', () => {
  let client: Redis;
  let storage: RedisStorage;
  let prefix: string;

  beforeEach(() => {
    client = sharedRedis();
    ({ storage, prefix } = redisStorage(600));
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(client, prefix);
  });

  it('delete without keys rejects with a ReferenceError, like read and write', async () => {
    await expect(storage.delete(missing)).rejects.toBeInstanceOf(ReferenceError);
  });

  it('compare-and-set is atomic: of 20 concurrent writes with the same current eTag exactly one wins', async () => {
    // Two connections, as two bot instances would have.
    const second = connectTestRedis();
    try {
      const storages = [storage, new RedisStorage(second, { prefix, ttlSeconds: 600 })];
      await storage.write({ 'conv/race': { value: -1 } });
      const current = await eTagOf(storage, 'conv/race');

      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) => storages[index % 2]!.write({ 'conv/race': { value: index, eTag: current } })),
      );

      const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []));
      const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      for (const loser of losers) expect((loser.reason as Error).message).toBe(conflictMessage('conv/race'));

      const { 'conv/race': stored } = await storage.read(['conv/race']);
      expect(stored).toMatchObject({ value: winners[0] });
      expect(stored?.eTag).not.toBe(current);
    } finally {
      await second.quit();
    }
  });

  it('sets the expiry from ttlSeconds and refreshes it on every write', async () => {
    const redisKey = `${prefix}state:{conv/ttl}`;
    await storage.write({ 'conv/ttl': { value: 1 } });
    const afterFirstWrite = await client.pttl(redisKey);
    expect(afterFirstWrite).toBeGreaterThan(590_000);
    expect(afterFirstWrite).toBeLessThanOrEqual(600_000);

    // Pretend most of the lifetime has passed, then write again.
    await client.pexpire(redisKey, 2_000);
    expect(await client.pttl(redisKey)).toBeLessThanOrEqual(2_000);
    const current = await eTagOf(storage, 'conv/ttl');
    await storage.write({ 'conv/ttl': { value: 2, eTag: current } });
    expect(await client.pttl(redisKey)).toBeGreaterThan(590_000);

    // A write without an eTag refreshes it too.
    await client.pexpire(redisKey, 2_000);
    await storage.write({ 'conv/ttl': { value: 3 } });
    expect(await client.pttl(redisKey)).toBeGreaterThan(590_000);
  });

  it('a refused write neither changes the item nor its expiry', async () => {
    const redisKey = `${prefix}state:{conv/refused}`;
    await storage.write({ 'conv/refused': { value: 'kept' } });
    await client.pexpire(redisKey, 50_000);
    await expect(storage.write({ 'conv/refused': { value: 'lost', eTag: 'stale' } })).rejects.toThrow(conflictMessage('conv/refused'));
    expect(await client.pttl(redisKey)).toBeLessThanOrEqual(50_000);
    expect((await storage.read(['conv/refused']))['conv/refused']).toMatchObject({ value: 'kept' });
  });

  it('stores each item under the prefix with the storage key as a hash tag: <prefix>state:{<key>}', async () => {
    await storage.write({ 'msteams/conversations/a:1/': { value: 1 }, 'test/users/u-2/': { value: 2 } });
    const keys = (await keysWithPrefix(client, prefix)).sort();
    expect(keys).toEqual([`${prefix}state:{msteams/conversations/a:1/}`, `${prefix}state:{test/users/u-2/}`]);
    expect(await client.type(keys[0]!)).toBe('hash');
  });

  it('keys containing { or } work, keep the whole key in one hash tag, and do not collide with similar keys', async () => {
    const tricky = ['a{b}c', 'a_b_c', '}start', '{end', '{}', '__', 'x%7By', 'x{y'];
    await storage.write(Object.fromEntries(tricky.map((key) => [key, { original: key }])));

    const items = await storage.read(tricky);
    for (const key of tricky) expect(items[key]).toMatchObject({ original: key });

    const stored = await keysWithPrefix(client, prefix);
    expect(stored).toHaveLength(tricky.length);
    for (const redisKey of stored) {
      // Exactly one '{' and one '}' after the prefix, so the hash tag is the whole storage key.
      expect(redisKey.slice(prefix.length)).toMatch(/^state:\{[^{}]*\}$/);
    }

    // Compare-and-set and delete work on such keys too.
    const current = items['a{b}c']?.eTag as string;
    await expect(storage.write({ 'a{b}c': { original: 'stale', eTag: 'stale' } })).rejects.toThrow(conflictMessage('a{b}c'));
    await storage.write({ 'a{b}c': { original: 'updated', eTag: current } });
    await storage.delete(['a{b}c']);
    const after = await storage.read(tricky);
    expect(after['a{b}c']).toBeUndefined();
    expect(after['a_b_c']).toMatchObject({ original: 'a_b_c' });
  });

  it('never uses the KEYS command', async () => {
    const keysBefore = await commandCalls(client, 'keys');
    const hmgetBefore = await commandCalls(client, 'hmget');

    const keys = Array.from({ length: 10 }, (_, index) => `test/conversations/c${index}/`);
    await storage.write(Object.fromEntries(keys.map((key) => [key, { n: 1 }])));
    const read = await storage.read([...keys, 'missing']);
    await storage.write(Object.fromEntries(keys.map((key) => [key, { n: 2, eTag: read[key]?.eTag as string }])));
    await storage.write({ [keys[0]!]: { n: 3, eTag: '*' } });
    await expect(storage.write({ [keys[1]!]: { n: 3, eTag: 'stale' } })).rejects.toThrow();
    await storage.delete([...keys, 'missing']);
    expect(await storage.read(keys)).toEqual({});

    // The probe sees the commands that did run (so it would see KEYS too)...
    expect((await commandCalls(client, 'hmget')) - hmgetBefore).toBeGreaterThanOrEqual(keys.length * 2 + 1);
    // ...and KEYS was not among them.
    expect(await commandCalls(client, 'keys')).toBe(keysBefore);
  });
});
