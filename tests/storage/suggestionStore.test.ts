import type Redis from 'ioredis';
import { MASK } from '../../services/privacy/mask';
import { CorruptRecordError } from '../../services/redis/storedJson';
import { SuggestionStore, suggestionKeys } from '../../services/suggestions/suggestionStore';
import { clusterHashPart, connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const at = (minutes = 0) => new Date(Date.parse('2026-03-04T10:00:00.000Z') + minutes * 60_000);

describe('the suggestion box in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: SuggestionStore;

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('suggestions');
    store = new SuggestionStore(redis, { prefix });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('stores a suggestion, unread, with nothing but its text, time and channel', async () => {
    const added = await store.add({ text: 'Bänditreenit torstaisin olis kivat', channel: 'kiosk', now: at() });
    expect(added).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), createdAt: at().toISOString(), text: 'Bänditreenit torstaisin olis kivat', channel: 'kiosk', read: false });
    expect(await store.list()).toEqual([added]);
    const stored = JSON.parse((await redis.get(suggestionKeys(prefix).item(added.id))) ?? 'null') as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(['channel', 'createdAt', 'id', 'read', 'text']);
  });

  it('masks identity codes, account and card numbers in the text', async () => {
    const added = await store.add({ text: 'hetu 131052-308T, tili FI21 1234 5600 0007 85, kortti 4111 1111 1111 1111', channel: 'webchat', now: at() });
    expect(added.text).toBe(`hetu ${MASK.personalId}, tili ${MASK.iban}, kortti ${MASK.card}`);
    expect((await store.list())[0]?.text).toBe(added.text);
  });

  it('lists the newest first, whatever the order they were added in', async () => {
    const middle = await store.add({ text: 'keskimmäinen', channel: 'webchat', now: at(10) });
    const newest = await store.add({ text: 'uusin', channel: 'webchat', now: at(20) });
    const oldest = await store.add({ text: 'vanhin', channel: 'webchat', now: at(0) });
    expect((await store.list()).map((suggestion) => suggestion.id)).toEqual([newest.id, middle.id, oldest.id]);
    expect((await store.list({ limit: 2 })).map((suggestion) => suggestion.id)).toEqual([newest.id, middle.id]);
  });

  it('lists nothing from an empty box', async () => {
    expect(await store.list()).toEqual([]);
  });

  it('refuses a limit that is not a positive whole number', async () => {
    await expect(store.list({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(store.list({ limit: 1.5 })).rejects.toThrow(/limit/);
  });

  it('marks a suggestion read, and it stays read', async () => {
    const first = await store.add({ text: 'lisää kahvia', channel: 'kiosk', now: at() });
    const second = await store.add({ text: 'lautapeli-ilta', channel: 'kiosk', now: at(1) });
    expect(await store.markRead(first.id)).toEqual({ ...first, read: true });
    expect(await store.markRead(first.id)).toEqual({ ...first, read: true });
    expect(await store.list()).toEqual([second, { ...first, read: true }]);
  });

  it('marking an unknown suggestion read finds nothing', async () => {
    expect(await store.markRead('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await store.markRead('no such id')).toBeUndefined();
  });

  it.each([
    ['empty text', ''],
    ['only spaces', '   '],
    ['over 1000 characters', 'a'.repeat(1001)],
  ])('refuses %s and writes nothing', async (_label, text) => {
    await expect(store.add({ text, channel: 'webchat', now: at() })).rejects.toThrow(/text/);
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
  });

  it('keeps every key in one Redis Cluster slot', async () => {
    const added = await store.add({ text: 'yksi', channel: 'webchat', now: at() });
    await store.add({ text: 'kaksi', channel: 'webchat', now: at(1) });
    await store.markRead(added.id);
    const keys = await keysWithPrefix(redis, prefix);
    expect(keys).toHaveLength(3);
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set(['sg']));
  });

  it('a corrupt stored suggestion is an error naming the key', async () => {
    const added = await store.add({ text: 'yksi', channel: 'webchat', now: at() });
    const key = suggestionKeys(prefix).item(added.id);
    await redis.set(key, JSON.stringify({ ...added, read: 'maybe' }));
    await expect(store.list()).rejects.toBeInstanceOf(CorruptRecordError);
    await expect(store.list()).rejects.toThrow(key);
    await expect(store.markRead(added.id)).rejects.toThrow(key);
  });

  it('rejects when Redis cannot be reached', async () => {
    const unreachable = connectUnreachableRedis();
    try {
      await expect(new SuggestionStore(unreachable, { prefix }).add({ text: 'yksi', channel: 'webchat', now: at() })).rejects.toThrow();
    } finally {
      unreachable.disconnect();
    }
  });
});
