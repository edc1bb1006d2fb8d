import type Redis from 'ioredis';
import { CallbackStore, callbackKeys } from '../../services/callbacks/callbackStore';
import type { CallbackDraft } from '../../services/callbacks/request';
import { CallbackStats, CSV_HEADER, statsKeys, toCsv, type WeekFigures } from '../../services/callbacks/stats';
import { CorruptRecordError } from '../../services/redis/storedJson';
import { clusterHashPart, connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const PHONE = '+358401234567';
const FIRST_NAME = 'Maija';
const SUMMARY = 'Vuokranantaja uhkaa häädöllä';

function draft(overrides: Partial<CallbackDraft> = {}): CallbackDraft {
  return {
    service: 'kela',
    summary: SUMMARY,
    phone: PHONE,
    preferredTime: { said: 'milloin vain', kind: 'any' },
    window: { start: '2026-03-05T07:00:00.000Z', end: '2026-03-05T10:00:00.000Z' },
    urgent: false,
    firstName: FIRST_NAME,
    language: 'fi',
    channel: 'webchat',
    ...overrides,
  };
}

const WEEK_MINUTES = 7 * 24 * 60;
/** Wednesday 4 March 2026, 12:00 Helsinki time (week 2026-W10), plus `minutes`. */
const at = (minutes = 0) => new Date(Date.parse('2026-03-04T10:00:00.000Z') + minutes * 60_000);

const figuresOf = (weeks: WeekFigures[], week: string) => {
  const found = weeks.find((figures) => figures.week === week);
  if (!found) throw new Error(`no figures for ${week}`);
  return found;
};

describe('anonymous statistics', () => {
  let redis: Redis;
  let prefix: string;
  let store: CallbackStore;
  let stats: CallbackStats;
  let filed = 0;

  const isStatsKey = (key: string) => key.startsWith(`${prefix}stats:`);

  const file = async (minutes: number, overrides: Partial<CallbackDraft> = {}) =>
    (await store.create(draft(overrides), { idempotencyKey: `conversation-${++filed}`, now: at(minutes) })).ref;

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('statistics');
    store = new CallbackStore(redis, { prefix, claimTimeoutMinutes: 24 * 60 });
    stats = new CallbackStats(redis, { prefix });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  /**
   * Week 10: three requests (two for Kela, one urgent; one with no service), claimed after 30, 5 and 60
   * minutes, two closed after 130 and 15 minutes; the third is closed and reopened (so it does not count),
   * and closed for good in week 11, where a housing request is also filed. Four crisis replies.
   */
  async function aFortnight() {
    const kela = await file(0);
    const urgent = await file(10, { urgent: true });
    const none = await file(20, { service: null });
    await store.claim(kela, { by: 'maija', now: at(30) });
    await store.release(kela, { by: 'maija', now: at(35) });
    // A second claim measures nothing: the resident's wait ended at the first one.
    await store.claim(kela, { by: 'pekka', now: at(100) });
    await store.claim(urgent, { by: 'maija', now: at(15) });
    await store.claim(none, { by: 'pekka', now: at(80) });
    await store.close(urgent, { by: 'maija', outcome: 'helped', now: at(25) });
    await store.close(kela, { by: 'pekka', outcome: 'referred', now: at(130) });
    await store.close(none, { by: 'pekka', outcome: 'no_answer', now: at(200) });
    await store.reopen(none, { by: 'pekka', now: at(210) });
    await file(WEEK_MINUTES, { service: 'asuminen' });
    await store.close(none, { by: 'pekka', outcome: 'helped', now: at(WEEK_MINUTES + 60) });
    await stats.recordCrisisReply('selfHarm', at(1));
    await stats.recordCrisisReply('selfHarm', at(2));
    await stats.recordCrisisReply('poisoning', at(3));
    await stats.recordCrisisReply('unspecified', at(4));
    await stats.recordCrisisReply('violence', at(WEEK_MINUTES));
    return { kela, urgent, none };
  }

  it('counts per week what was filed, urgent and closed, by service, with median minutes to claim and to close', async () => {
    await aFortnight();
    const { weeks } = await stats.report({ weeks: 3, now: at(WEEK_MINUTES + 100) });
    expect(weeks.map((figures) => [figures.week, figures.starts])).toEqual([
      ['2026-W11', '2026-03-09'],
      ['2026-W10', '2026-03-02'],
      ['2026-W09', '2026-02-23'],
    ]);
    const w10 = figuresOf(weeks, '2026-W10');
    expect(w10).toMatchObject({
      created: 3,
      urgent: 1,
      closed: 2,
      medianMinutesToClaim: 30,
      medianMinutesToClose: 72.5,
      crisisReplies: 4,
      crisisRepliesByKind: { selfHarm: 2, poisoning: 1, violence: 0, medical: 0, unspecified: 1 },
    });
    expect(w10.byService).toEqual({
      kela: 2,
      tyollisyys: 0,
      talous: 0,
      sosiaalityo: 0,
      mielenterveys: 0,
      paihteet: 0,
      asuminen: 0,
      terveys: 0,
      digituki: 0,
      olohuone: 0,
      koulutus: 0,
      none: 1,
    });
    expect(w10.services.kela).toEqual({ created: 2, urgent: 1, closed: 2, medianMinutesToClaim: 17.5, medianMinutesToClose: 72.5 });
    expect(w10.services.none).toEqual({ created: 1, urgent: 0, closed: 0, medianMinutesToClaim: 60, medianMinutesToClose: null });
    expect(w10.services.talous).toEqual({ created: 0, urgent: 0, closed: 0, medianMinutesToClaim: null, medianMinutesToClose: null });

    const w11 = figuresOf(weeks, '2026-W11');
    expect(w11).toMatchObject({ created: 1, urgent: 0, closed: 1, medianMinutesToClaim: null, crisisReplies: 1 });
    // Closed for good a week and 40 minutes after it was filed.
    expect(w11.medianMinutesToClose).toBe(WEEK_MINUTES + 40);
    expect(w11.byService.asuminen).toBe(1);
    expect(w11.services.none.closed).toBe(1);

    expect(figuresOf(weeks, '2026-W09')).toMatchObject({ created: 0, closed: 0, urgent: 0, medianMinutesToClaim: null, medianMinutesToClose: null, crisisReplies: 0 });
  });

  it('gives 12 weeks unless told otherwise, the week of now first', async () => {
    const { weeks } = await stats.report({ now: at() });
    expect(weeks).toHaveLength(12);
    expect(weeks[0]?.week).toBe('2026-W10');
    expect(weeks[11]?.week).toBe('2025-W51');
  });

  it('counts a week by the desk\'s clock: Sunday 23:59 in Helsinki is the old week, midnight the new one', async () => {
    await store.create(draft(), { idempotencyKey: 'sunday', now: new Date('2026-03-08T21:59:00.000Z') });
    await store.create(draft(), { idempotencyKey: 'monday', now: new Date('2026-03-08T22:00:00.000Z') });
    const { weeks } = await stats.report({ weeks: 2, now: new Date('2026-03-09T10:00:00.000Z') });
    expect(weeks.map(({ week, created }) => [week, created])).toEqual([
      ['2026-W11', 1],
      ['2026-W10', 1],
    ]);
  });

  it('counts every one of 20 requests filed at the same moment, and a double tap once', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, index) => store.create(draft(), { idempotencyKey: `k${index}`, now: at() })));
    await store.create(draft(), { idempotencyKey: 'k0', now: at(1) });
    expect(figuresOf((await stats.report({ weeks: 1, now: at() })).weeks, '2026-W10').created).toBe(20);
  });

  it('a refused change counts nothing', async () => {
    const ref = await file(0);
    await store.close(ref, { by: 'maija', outcome: 'helped', now: at(10) });
    await expect(store.close(ref, { by: 'maija', outcome: 'helped', now: at(20) })).rejects.toThrow();
    await expect(store.claim(ref, { by: 'maija', now: at(20) })).rejects.toThrow();
    expect(figuresOf((await stats.report({ weeks: 1, now: at() })).weeks, '2026-W10')).toMatchObject({ closed: 1, medianMinutesToClose: 10, medianMinutesToClaim: null });
  });

  it('outlive the requests: the figures stay when the requests are deleted after retention', async () => {
    const { kela, urgent } = await aFortnight();
    const before = await stats.report({ weeks: 2, now: at(WEEK_MINUTES) });
    for (const ref of [kela, urgent]) await redis.del(callbackKeys(prefix).request(ref));
    expect(await stats.report({ weeks: 2, now: at(WEEK_MINUTES) })).toEqual(before);
    const statsKeyNames = (await keysWithPrefix(redis, prefix)).filter(isStatsKey);
    expect(statsKeyNames.length).toBeGreaterThan(0);
    for (const key of statsKeyNames) expect(await redis.pttl(key)).toBe(-1);
  });

  it('hold no reference, phone number, name or summary, in Redis or in the CSV', async () => {
    const { kela } = await aFortnight();
    const stored: unknown[] = [];
    for (const key of (await keysWithPrefix(redis, prefix)).filter(isStatsKey)) {
      stored.push(key, (await redis.type(key)) === 'hash' ? await redis.hgetall(key) : await redis.lrange(key, 0, -1));
    }
    const csv = toCsv(await stats.report({ weeks: 2, now: at(WEEK_MINUTES) }));
    for (const text of [JSON.stringify(stored), csv]) {
      for (const personal of [PHONE, PHONE.slice(4), FIRST_NAME, 'häädöllä', kela, 'AKA-', 'maija', 'pekka']) expect(text).not.toContain(personal);
    }
  });

  it('writes a CSV with a header and, per week, a row of totals and one per service', async () => {
    await aFortnight();
    const csv = toCsv(await stats.report({ weeks: 2, now: at(WEEK_MINUTES) }));
    const lines = csv.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines[0]).toBe('week,week_starts,service,created,urgent,closed,median_minutes_to_claim,median_minutes_to_close,crisis_replies');
    expect(lines).toHaveLength(1 + 2 * 13);
    expect(lines[1]).toBe('2026-W11,2026-03-09,all,1,0,1,,10120,1');
    expect(lines).toContain('2026-W10,2026-03-02,all,3,1,2,30,72.5,4');
    expect(lines).toContain('2026-W10,2026-03-02,kela,2,1,2,17.5,72.5,');
    expect(lines).toContain('2026-W10,2026-03-02,none,1,0,0,60,,');
    expect(lines).toContain('2026-W10,2026-03-02,talous,0,0,0,,,');
    expect(lines.filter((line) => line.startsWith('2026-W10,')).map((line) => line.split(',')[2])).toEqual([
      'all',
      'kela',
      'tyollisyys',
      'talous',
      'sosiaalityo',
      'mielenterveys',
      'paihteet',
      'asuminen',
      'terveys',
      'digituki',
      'olohuone',
      'koulutus',
      'none',
    ]);
  });

  it('refuses a crisis kind it does not know, and a report of no weeks', async () => {
    await expect(stats.recordCrisisReply('sadness' as never, at())).rejects.toThrow(/kind/);
    await expect(stats.report({ weeks: 0, now: at() })).rejects.toThrow(/weeks/);
    await expect(stats.report({ weeks: 1.5, now: at() })).rejects.toThrow(/weeks/);
  });

  it.each([
    ['a count that is not a number', (key: ReturnType<typeof statsKeys>) => redis.hset(key.week('2026-W10'), 'created', 'many'), 'week:2026-W10', /created/],
    ['a count of a service that does not exist', (key: ReturnType<typeof statsKeys>) => redis.hset(key.week('2026-W10'), 'created:pankki', '1'), 'week:2026-W10', /pankki/],
    ['a field nobody writes', (key: ReturnType<typeof statsKeys>) => redis.hset(key.week('2026-W10'), 'phone', '1'), 'week:2026-W10', /phone/],
    ['a minutes entry that is not one', (key: ReturnType<typeof statsKeys>) => redis.rpush(key.claimMinutes('2026-W10'), 'kela'), 'claim-minutes', /kela:42/],
  ])('%s is an error naming the key', async (_label, corrupt, keyPart, reason) => {
    await corrupt(statsKeys(prefix));
    const error = await stats.report({ weeks: 1, now: at() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as Error).message).toContain(keyPart);
    expect((error as Error).message).toMatch(reason);
  });

  it('keep their keys in the callback requests\' Cluster slot, apart from the requests', async () => {
    await aFortnight();
    const keys = (await keysWithPrefix(redis, prefix)).filter(isStatsKey);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => !key.includes(':callbacks:'))).toBe(true);
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set(['cb']));
  });
});
