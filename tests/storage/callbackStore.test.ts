import type Redis from 'ioredis';
import { CallbackConflictError, CallbackNotFoundError, CallbackStore, callbackKeys } from '../../services/callbacks/callbackStore';
import type { CallbackDraft } from '../../services/callbacks/request';
import { MASK } from '../../services/privacy/mask';
import { CorruptRecordError } from '../../services/redis/storedJson';
import { clusterHashPart, connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const DAY_MS = 24 * 60 * 60 * 1000;

function draft(overrides: Partial<CallbackDraft> = {}): CallbackDraft {
  return {
    service: 'kela',
    summary: 'Kela ei oo maksanu asumistukea',
    phone: '+358401234567',
    preferredTime: { said: 'huomenna aamupäivällä', kind: 'time' },
    window: { start: '2026-03-05T07:00:00.000Z', end: '2026-03-05T10:00:00.000Z' },
    urgent: false,
    language: 'fi',
    channel: 'webchat',
    ...overrides,
  };
}

/** 4 March 2026, 12:00 Helsinki time, plus `minutes`. */
const at = (minutes = 0) => new Date(Date.parse('2026-03-04T10:00:00.000Z') + minutes * 60_000);

describe('callback requests in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: CallbackStore;
  let submission = 0;
  const once = () => ({ idempotencyKey: `conversation-${++submission}`, now: at(submission) });

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('callbacks');
    store = new CallbackStore(redis, { prefix });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  describe('filing a request', () => {
    it('stores the request and reads it back as it was filed, with a reference, the time and status new', async () => {
      const filed = draft({ firstName: 'Maija', urgent: true, service: null, preferredTime: { said: 'heti', kind: 'asap' } });
      const now = at();
      const { ref, created } = await store.create(filed, { idempotencyKey: 'c1', now });
      expect(created).toBe(true);
      expect(ref).toBe('AKA-2026-000001');
      expect(await store.get(ref)).toEqual({ ...filed, ref, createdAt: now.toISOString(), status: 'new' });
    });

    it('gives references in sequence, one series per year in Helsinki time', async () => {
      const first = await store.create(draft(), { idempotencyKey: 'a', now: at() });
      const second = await store.create(draft(), { idempotencyKey: 'b', now: at(1) });
      // 31 Dec 2026 23:30 UTC is already 1 Jan 2027 in Helsinki.
      const newYear = await store.create(draft(), { idempotencyKey: 'c', now: new Date('2026-12-31T23:30:00.000Z') });
      const lastOfOld = await store.create(draft(), { idempotencyKey: 'd', now: new Date('2026-12-31T21:59:00.000Z') });
      expect([first.ref, second.ref, newYear.ref, lastOfOld.ref]).toEqual(['AKA-2026-000001', 'AKA-2026-000002', 'AKA-2027-000001', 'AKA-2026-000003']);
    });

    it('gives 20 requests filed at the same moment 20 different references in one unbroken series', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, index) => store.create(draft(), { idempotencyKey: `k${index}`, now: at() })));
      expect(results.every((result) => result.created)).toBe(true);
      const refs = results.map((result) => result.ref).sort();
      expect(refs).toEqual(Array.from({ length: 20 }, (_, index) => `AKA-2026-${String(index + 1).padStart(6, '0')}`));
      expect(await store.queue()).toHaveLength(20);
      expect((await store.queuedRequests()).map((request) => request.ref).sort()).toEqual(refs);
    });

    it('a double-tapped confirmation files one request, not two', async () => {
      const options = { idempotencyKey: 'conversation-x/confirm-1', now: at() };
      const first = await store.create(draft(), options);
      const again = await store.create(draft({ summary: 'toinen napautus' }), { ...options, now: at(1) });
      expect(first).toEqual({ ref: 'AKA-2026-000001', created: true });
      expect(again).toEqual({ ref: first.ref, created: false });
      expect(await store.queue()).toEqual([first.ref]);
      expect((await store.get(first.ref))?.summary).toBe('Kela ei oo maksanu asumistukea');
      // The repeat drew no number from the sequence.
      expect((await store.create(draft(), { idempotencyKey: 'another', now: at(2) })).ref).toBe('AKA-2026-000002');
    });

    it('taps arriving at the same moment still file one request', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => store.create(draft(), { idempotencyKey: 'same', now: at() })));
      expect(new Set(results.map((result) => result.ref)).size).toBe(1);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(await store.queue()).toHaveLength(1);
    });

    it('remembers a confirmation for a day, and keeps an open request with no expiry', async () => {
      const { ref } = await store.create(draft(), { idempotencyKey: 'remembered', now: at() });
      const keys = callbackKeys(prefix);
      const submittedTtl = await redis.pttl(keys.submitted('remembered'));
      expect(submittedTtl).toBeGreaterThan(DAY_MS - 60_000);
      expect(submittedTtl).toBeLessThanOrEqual(DAY_MS);
      expect(await redis.pttl(keys.request(ref))).toBe(-1);
    });

    it('masks an identity code, account or card number left in the summary', async () => {
      const { ref } = await store.create(draft({ summary: 'hetu 131052-308T ja tili FI21 1234 5600 0007 85' }), once());
      expect((await store.get(ref))?.summary).toBe(`hetu ${MASK.personalId} ja tili ${MASK.iban}`);
    });

    it.each([
      ['a phone number that is not in E.164 form', { phone: '040 123 4567' }, /phone/],
      ['a summary over 500 characters', { summary: 'a'.repeat(501) }, /summary/],
      ['a service outside the directory', { service: 'pankki' as never }, /service/],
      ['a first name over 40 characters', { firstName: 'M'.repeat(41) }, /firstName/],
      ['a call window that ends before it starts', { window: { start: '2026-03-05T10:00:00.000Z', end: '2026-03-05T07:00:00.000Z' } }, /window/],
      ['a field the request does not have', { email: 'a@b.fi' } as Partial<CallbackDraft>, /email/],
    ])('refuses %s and writes nothing', async (_label, overrides, reason) => {
      await expect(store.create(draft(overrides), once())).rejects.toThrow(reason);
      expect(await keysWithPrefix(redis, prefix)).toEqual([]);
    });

    it('refuses an empty idempotency key', async () => {
      await expect(store.create(draft(), { idempotencyKey: '', now: at() })).rejects.toThrow(/idempotencyKey/);
    });

    it('rejects, and gives no reference, when Redis cannot be reached', async () => {
      const unreachable = connectUnreachableRedis();
      try {
        const unreachableStore = new CallbackStore(unreachable, { prefix });
        await expect(unreachableStore.create(draft(), once())).rejects.toThrow();
        await expect(unreachableStore.get('AKA-2026-000001')).rejects.toThrow();
      } finally {
        unreachable.disconnect();
      }
    });

    it('never overwrites a request when the year\'s sequence has been lost, and still files the next one', async () => {
      const first = await store.create(draft({ summary: 'ensimmäinen' }), once());
      const second = await store.create(draft({ summary: 'toinen' }), once());
      await redis.del(callbackKeys(prefix).sequence('2026'));
      // The numbers in use are skipped: the resident is not failed, and nothing is overwritten.
      expect((await store.create(draft({ summary: 'kolmas' }), once())).ref).toBe('AKA-2026-000003');
      expect((await store.get(first.ref))?.summary).toBe('ensimmäinen');
      expect((await store.get(second.ref))?.summary).toBe('toinen');
    });
  });

  describe('the queue', () => {
    it('puts urgent requests first, then the oldest', async () => {
      const filed: Record<string, string> = {};
      for (const [name, urgent, minute] of [
        ['normal, later', false, 20],
        ['urgent, later', true, 30],
        ['normal, earliest', false, 10],
        ['urgent, earlier', true, 25],
        ['normal, latest', false, 40],
      ] as const) {
        filed[name] = (await store.create(draft({ urgent }), { idempotencyKey: name, now: at(minute) })).ref;
      }
      const expected = ['urgent, earlier', 'urgent, later', 'normal, earliest', 'normal, later', 'normal, latest'].map((name) => filed[name]);
      expect(await store.queue()).toEqual(expected);
      expect((await store.queuedRequests()).map((request) => request.ref)).toEqual(expected);
    });

    it('is empty when nothing has been filed', async () => {
      expect(await store.queue()).toEqual([]);
      expect(await store.queuedRequests()).toEqual([]);
    });
  });

  describe('closing a request', () => {
    it('records the outcome, takes it off the queue and deletes it after the retention period', async () => {
      store = new CallbackStore(redis, { prefix, retentionDays: 7 });
      const { ref } = await store.create(draft(), once());
      const other = await store.create(draft(), once());
      const closedAt = at(90);
      const closed = await store.close(ref, { by: 'maija', outcome: 'referred', note: 'ohjattu Kelan palvelunumeroon', now: closedAt });
      expect(closed).toMatchObject({ ref, status: 'closed', outcome: 'referred', note: 'ohjattu Kelan palvelunumeroon', closedAt: closedAt.toISOString() });
      expect(await store.get(ref)).toEqual(closed);
      expect(await store.queue()).toEqual([other.ref]);
      const ttl = await redis.pttl(callbackKeys(prefix).request(ref));
      expect(ttl).toBeGreaterThan(7 * DAY_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(7 * DAY_MS);
      expect(await redis.pttl(callbackKeys(prefix).request(other.ref))).toBe(-1);
    });

    it('keeps a closed request 30 days unless told otherwise', async () => {
      const { ref } = await store.create(draft(), once());
      await store.close(ref, { by: 'maija', outcome: 'helped', now: at(5) });
      const ttl = await redis.pttl(callbackKeys(prefix).request(ref));
      expect(ttl).toBeGreaterThan(30 * DAY_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(30 * DAY_MS);
    });

    it('closing again is a conflict, and the first outcome stands', async () => {
      const { ref } = await store.create(draft(), once());
      const first = await store.close(ref, { by: 'maija', outcome: 'no_answer', now: at(5) });
      await expect(store.close(ref, { by: 'maija', outcome: 'helped', note: 'myöhemmin', now: at(50) })).rejects.toBeInstanceOf(CallbackConflictError);
      expect(await store.get(ref)).toEqual(first);
    });

    it('says so when there is no such request', async () => {
      await expect(store.close('AKA-2026-999999', { by: 'maija', outcome: 'helped', now: at() })).rejects.toBeInstanceOf(CallbackNotFoundError);
      await expect(store.close('not a reference', { by: 'maija', outcome: 'helped', now: at() })).rejects.toBeInstanceOf(CallbackNotFoundError);
    });

    it('refuses an outcome outside the list', async () => {
      const { ref } = await store.create(draft(), once());
      await expect(store.close(ref, { by: 'maija', outcome: 'solved' as never, now: at() })).rejects.toThrow(/outcome/);
      expect((await store.get(ref))?.status).toBe('new');
    });
  });

  describe('reading back', () => {
    it('finds nothing for a reference never given, or one that is not a reference at all', async () => {
      expect(await store.get('AKA-2026-000042')).toBeUndefined();
      expect(await store.get('*')).toBeUndefined();
      expect(await store.get('')).toBeUndefined();
    });

    it.each([
      ['not JSON', '{"ref":"AKA-2026-000001",', /not JSON/],
      ['JSON that is not a request', JSON.stringify({ ref: 'AKA-2026-000001', phone: 12345 }), /phone|service/],
    ])('a stored value that is %s is an error naming the key', async (_label, corrupt, reason) => {
      const { ref } = await store.create(draft(), once());
      const key = callbackKeys(prefix).request(ref);
      await redis.set(key, corrupt);
      const reading = store.get(ref);
      await expect(reading).rejects.toBeInstanceOf(CorruptRecordError);
      await expect(store.get(ref)).rejects.toThrow(key);
      await expect(store.get(ref)).rejects.toThrow(reason);
      await expect(store.queuedRequests()).rejects.toThrow(key);
      await expect(store.close(ref, { by: 'maija', outcome: 'helped', now: at() })).rejects.toThrow(key);
    });

    it('the error about a corrupt request does not repeat the personal data stored in it', async () => {
      const { ref } = await store.create(draft(), once());
      const key = callbackKeys(prefix).request(ref);
      await redis.set(key, JSON.stringify({ ref, phone: '+358401234567', summary: 'Maija Meikäläinen', status: 'lost' }));
      const error = await store.get(ref).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as Error).message).not.toMatch(/358401234567|Meikäläinen/);
    });
  });

  it('keeps every key of the callback data in one Redis Cluster slot', async () => {
    const { ref } = await store.create(draft(), once());
    await store.create(draft({ urgent: true }), once());
    await store.create(draft(), { idempotencyKey: 'ends-in-brace}{x}', now: at(7) });
    await store.close(ref, { by: 'maija', outcome: 'helped', now: at(9) });
    const keys = await keysWithPrefix(redis, prefix);
    // Requests, the year's sequence, the queue and the remembered confirmations are all there …
    expect(keys.filter((key) => key.includes(':req:'))).toHaveLength(3);
    expect(keys.filter((key) => key.includes(':submitted:'))).toHaveLength(3);
    expect(keys).toEqual(expect.arrayContaining([callbackKeys(prefix).queue, callbackKeys(prefix).sequence('2026')]));
    // … and all hash on the same tag.
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set(['cb']));
  });
});
