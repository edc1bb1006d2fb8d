import type Redis from 'ioredis';
import { ConversationLog, type NewActivity } from '../../services/directLine/conversationLog';
import { conversationKeys } from '../../services/directLine/keys';
import { clusterHashPart, connectTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../support/testRedis';

const at = (index: number): NewActivity => ({ type: 'message', timestamp: new Date(Date.UTC(2026, 10, 25, 10, 0, index)).toISOString(), text: `viesti ${index}` });

describe('the Direct Line conversation log in Redis', () => {
  let redis: Redis;
  const prefix = uniquePrefix('dl-log');
  const conversationId = 'AbCdEfGhIjKlMnOpQrStUvWx';

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('gives ids in order across appends, and pages by watermark', async () => {
    const log = new ConversationLog(redis, { prefix, ttlSeconds: 600, pageSize: 100 });
    expect(await log.start(conversationId, 'dl_user', new Date())).toBe('started');
    expect(await log.start(conversationId, 'dl_user', new Date())).toBe('existing');
    const first = await log.append(conversationId, [at(1), at(2)]);
    expect(first).toEqual({ status: 'appended', ids: [`${conversationId}|0000001`, `${conversationId}|0000002`] });
    await log.append(conversationId, Array.from({ length: 248 }, (_, index) => at(index + 3)));

    const pages = [];
    let watermark = 0;
    for (;;) {
      const page = await log.read(conversationId, watermark);
      if (page.status !== 'active' || page.activities.length === 0) break;
      pages.push(page.activities.length);
      expect(page.activities[0]).toMatchObject({ id: `${conversationId}|${String(watermark + 1).padStart(7, '0')}`, text: `viesti ${watermark + 1}` });
      watermark = page.watermark;
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(watermark).toBe(250);
    expect(await log.read(conversationId, 250)).toEqual({ status: 'active', activities: [], watermark: 250 });
  });

  it('keeps only the latest activities; a watermark older than them starts at the oldest kept', async () => {
    const log = new ConversationLog(redis, { prefix, ttlSeconds: 600, maxActivities: 5 });
    const id = 'KeepsOnlyTheLatestFive000';
    await log.start(id, 'dl_user', new Date());
    await log.append(id, Array.from({ length: 8 }, (_, index) => at(index + 1)));
    const read = await log.read(id, 0);
    expect(read.status === 'active' && read.activities.map((activity) => activity.text)).toEqual(['viesti 4', 'viesti 5', 'viesti 6', 'viesti 7', 'viesti 8']);
    expect(await redis.llen(conversationKeys(prefix, id).activities)).toBe(5);
  });

  it('drops what a watermark says the client has read; the same watermark again gives the same activities', async () => {
    const log = new ConversationLog(redis, { prefix, ttlSeconds: 600 });
    const id = 'DropsWhatWasReadDropsWhat';
    const texts = (read: Awaited<ReturnType<ConversationLog['read']>>) => (read.status === 'active' ? read.activities.map((activity) => activity.text) : read.status);
    await log.start(id, 'dl_user', new Date());
    await log.append(id, [at(1), at(2), at(3)]);
    expect(texts(await log.read(id, 0))).toEqual(['viesti 1', 'viesti 2', 'viesti 3']);
    expect(await redis.llen(conversationKeys(prefix, id).activities)).toBe(3);

    await log.append(id, [at(4)]);
    expect(texts(await log.read(id, 3))).toEqual(['viesti 4']);
    expect(await redis.lrange(conversationKeys(prefix, id).activities, 0, -1)).toEqual([expect.stringContaining('viesti 4')]);
    expect(texts(await log.read(id, 3))).toEqual(['viesti 4']);
    // An older watermark finds only what is still kept; the ids keep counting from where they were.
    expect(texts(await log.read(id, 0))).toEqual(['viesti 4']);
    expect(await log.append(id, [at(5)])).toEqual({ status: 'appended', ids: [`${id}|0000005`] });
    expect(await log.read(id, 5)).toEqual({ status: 'active', activities: [], watermark: 5 });
    expect(await redis.exists(conversationKeys(prefix, id).activities)).toBe(0);
  });

  it('tells a conversation that has not started from one that has ended, and ends it for good', async () => {
    const log = new ConversationLog(redis, { prefix, ttlSeconds: 600 });
    const id = 'EndedForGoodEndedForGood';
    expect(await log.read(id, 0)).toEqual({ status: 'unknown' });
    expect(await log.append(id, [at(1)])).toEqual({ status: 'unknown' });
    expect(await log.keepAlive(id)).toBe('unknown');
    await log.start(id, 'dl_user', new Date());
    await log.append(id, [at(1)]);
    await log.end(id);
    expect(await log.isEnded(id)).toBe(true);
    expect(await log.read(id, 0)).toEqual({ status: 'ended' });
    expect(await log.append(id, [at(2)])).toEqual({ status: 'ended' });
    expect(await log.start(id, 'dl_user', new Date())).toBe('ended');
    expect(await log.keepAlive(id)).toBe('ended');
    const keys = conversationKeys(prefix, id);
    expect(await redis.exists(keys.conversation, keys.activities)).toBe(0);
    // The mark outlives every token of the conversation (600 s) and then goes.
    const markTtl = await redis.pttl(keys.ended);
    expect(markTtl).toBeGreaterThan(600_000);
    expect(markTtl).toBeLessThanOrEqual(660_000);
  });

  it('keeps every key of a conversation in one Redis Cluster slot', () => {
    const keys = Object.values(conversationKeys(prefix, conversationId));
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set([conversationId]));
  });

  it('refuses a conversation id that could not be ours before touching Redis', async () => {
    const log = new ConversationLog(redis, { prefix, ttlSeconds: 600 });
    await expect(log.read('short', 0)).rejects.toThrow(/Invalid conversation id/);
    await expect(log.read('has}brace-and-more-chars-here', 0)).rejects.toThrow(/Invalid conversation id/);
  });
});
