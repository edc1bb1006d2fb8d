import type Redis from 'ioredis';
import { AuditTrail, auditKey } from '../../services/audit/auditTrail';
import { CallbackConflictError, CallbackNotFoundError, CallbackStore, callbackKeys } from '../../services/callbacks/callbackStore';
import type { CallbackDraft, CallbackRequest } from '../../services/callbacks/request';
import { MASK } from '../../services/privacy/mask';
import { CorruptRecordError } from '../../services/redis/storedJson';
import { clusterHashPart, connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const DAY_MS = 24 * 60 * 60 * 1000;
const PHONE = '+358401234567';
const FIRST_NAME = 'Maija';
const SUMMARY = 'Kela ei oo maksanu asumistukea';

function draft(overrides: Partial<CallbackDraft> = {}): CallbackDraft {
  return {
    service: 'kela',
    summary: SUMMARY,
    phone: PHONE,
    preferredTime: { said: 'huomenna aamupäivällä', kind: 'time' },
    window: { start: '2026-03-05T07:00:00.000Z', end: '2026-03-05T10:00:00.000Z' },
    urgent: false,
    firstName: FIRST_NAME,
    language: 'fi',
    channel: 'webchat',
    ...overrides,
  };
}

/** Wednesday 4 March 2026, 12:00 Helsinki time, plus `minutes`. */
const at = (minutes = 0) => new Date(Date.parse('2026-03-04T10:00:00.000Z') + minutes * 60_000);

const refsOf = (requests: CallbackRequest[]) => requests.map((request) => request.ref);

describe('the request workflow: claim, release, close, reopen', () => {
  let redis: Redis;
  let prefix: string;
  let store: CallbackStore;
  let audit: AuditTrail;
  let filed = 0;

  /** Files a request `minutes` after the start. */
  const file = async (minutes: number, overrides: Partial<CallbackDraft> = {}) =>
    (await store.create(draft(overrides), { idempotencyKey: `conversation-${++filed}`, now: at(minutes) })).ref;

  /** What the audit holds, oldest first, without the stream ids. */
  const auditLog = async () => (await audit.recent({ limit: 1000 })).reverse().map(({ id: _id, ...entry }) => entry);

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('workflow');
    store = new CallbackStore(redis, { prefix, retentionDays: 7 });
    audit = new AuditTrail(redis, { prefix });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('has a change mark that moves when a request is filed or changes status, and not when it is only read', async () => {
    const marks = [await store.changeMark(at(0))];
    const ref = await file(1);
    marks.push(await store.changeMark(at(2)));
    await store.list({ status: 'new', now: at(3) });
    await store.get(ref, { now: at(3) });
    marks.push(await store.changeMark(at(4)));
    await store.claim(ref, { by: 'pekka', now: at(5) });
    marks.push(await store.changeMark(at(6)));
    await store.close(ref, { by: 'pekka', outcome: 'helped', now: at(7) });
    marks.push(await store.changeMark(at(8)));
    expect(marks[1]).not.toBe(marks[0]);
    expect(marks[2]).toBe(marks[1]);
    expect(new Set(marks.slice(2)).size).toBe(3);
  });

  describe('claiming', () => {
    it('gives the request to one staff member: claimed, off the queue, in the claimed list, audited', async () => {
      const ref = await file(0);
      const other = await file(1);
      const claimed = await store.claim(ref, { by: 'maija', now: at(10) });
      expect(claimed).toMatchObject({ ref, status: 'claimed', claimedBy: 'maija', claimedAt: at(10).toISOString(), firstClaimedAt: at(10).toISOString() });
      expect(await store.get(ref)).toEqual(claimed);
      expect(await store.queue()).toEqual([other]);
      expect(refsOf(await store.list({ status: 'claimed', now: at(10) }))).toEqual([ref]);
      expect(refsOf(await store.list({ status: 'new', now: at(10) }))).toEqual([other]);
      expect(await auditLog()).toEqual([{ at: at(10).toISOString(), who: 'maija', action: 'claim', ref }]);
    });

    it('of 10 staff claiming one request at once, from 10 connections, exactly one wins and 9 get a conflict', async () => {
      const ref = await file(0);
      const connections = Array.from({ length: 10 }, () => connectTestRedis());
      try {
        const stores = connections.map((connection) => new CallbackStore(connection, { prefix }));
        const results = await Promise.allSettled(stores.map((instance, index) => instance.claim(ref, { by: `staff${index}`, now: at(5) })));
        const won = results.filter((result): result is PromiseFulfilledResult<CallbackRequest> => result.status === 'fulfilled');
        const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(9);
        for (const { reason } of lost) {
          expect(reason).toBeInstanceOf(CallbackConflictError);
          expect(reason).toMatchObject({ ref, action: 'claim', status: 'claimed', claimedBy: won[0]!.value.claimedBy });
        }
        expect((await store.get(ref))?.claimedBy).toBe(won[0]!.value.claimedBy);
        expect((await auditLog()).filter((entry) => entry.action === 'claim')).toHaveLength(1);
      } finally {
        await Promise.all(connections.map((connection) => connection.quit()));
      }
    });

    it('a claimed request cannot be claimed again, not even by the one who holds it; the error names the holder', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(1) });
      const error = await store.claim(ref, { by: 'pekka', now: at(2) }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CallbackConflictError);
      expect((error as Error).message).toBe(`Callback request ${ref} is claimed by maija, so it cannot be claimed`);
      await expect(store.claim(ref, { by: 'maija', now: at(2) })).rejects.toBeInstanceOf(CallbackConflictError);
      expect(await store.get(ref)).toMatchObject({ claimedBy: 'maija', claimedAt: at(1).toISOString() });
    });

    it('a closed request cannot be claimed', async () => {
      const ref = await file(0);
      await store.close(ref, { by: 'maija', outcome: 'helped', now: at(1) });
      await expect(store.claim(ref, { by: 'pekka', now: at(2) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'closed', action: 'claim' });
      expect((await store.get(ref))?.status).toBe('closed');
    });

    it.each([['AKA-2026-999999'], ['not a reference'], ['']])('claiming %p, which does not exist, is not found', async (ref) => {
      await expect(store.claim(ref, { by: 'maija', now: at() })).rejects.toBeInstanceOf(CallbackNotFoundError);
      expect(await auditLog()).toEqual([]);
    });

    it.each([
      ['no name', ''],
      ['the name the system uses for itself', 'system'],
      ['a sentence', 'Maija Meikäläinen'],
    ])('refuses a claim by %s and changes nothing', async (_label, by) => {
      const ref = await file(0);
      await expect(store.claim(ref, { by, now: at(1) })).rejects.toThrow(/by/);
      expect((await store.get(ref))?.status).toBe('new');
      expect(await auditLog()).toEqual([]);
    });
  });

  describe('releasing', () => {
    it('puts the request back in its original place, urgent first then oldest, with the claim cleared', async () => {
      const earliest = await file(0);
      const middle = await file(10);
      const urgent = await file(20, { urgent: true });
      const latest = await file(30);
      await store.claim(middle, { by: 'maija', now: at(40) });
      await store.claim(urgent, { by: 'pekka', now: at(41) });
      expect(await store.queue()).toEqual([earliest, latest]);
      const released = await store.release(middle, { by: 'maija', now: at(45) });
      await store.release(urgent, { by: 'pekka', now: at(46) });
      expect(released.status).toBe('new');
      expect(released).not.toHaveProperty('claimedBy');
      expect(released).not.toHaveProperty('claimedAt');
      expect(released.firstClaimedAt).toBe(at(40).toISOString());
      expect(await store.get(middle)).toEqual(released);
      expect(await store.queue()).toEqual([urgent, earliest, middle, latest]);
      expect(refsOf(await store.list({ status: 'new', now: at(46) }))).toEqual([urgent, earliest, middle, latest]);
      expect(await store.list({ status: 'claimed', now: at(46) })).toEqual([]);
    });

    it('only the one who holds a claim may release or close it: a colleague gets a conflict naming the holder', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(1) });
      await expect(store.release(ref, { by: 'pekka', now: at(2) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'claimed', claimedBy: 'maija' });
      await expect(store.close(ref, { by: 'pekka', outcome: 'helped', now: at(2) })).rejects.toMatchObject({ name: 'CallbackConflictError', claimedBy: 'maija' });
      await store.release(ref, { by: 'maija', now: at(3) });
      expect((await auditLog()).map(({ who, action }) => `${who} ${action}`)).toEqual(['maija claim', 'maija release']);
    });

    it('a claim that ran out and went to a colleague cannot be closed from the first one\'s page', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(1) });
      await store.claim(ref, { by: 'pekka', now: at(62) });
      await expect(store.close(ref, { by: 'maija', outcome: 'helped', now: at(63) })).rejects.toMatchObject({ claimedBy: 'pekka' });
      expect(await store.get(ref)).toMatchObject({ status: 'claimed', claimedBy: 'pekka' });
    });

    it('a new or closed request cannot be released', async () => {
      const waiting = await file(0);
      const done = await file(1);
      await store.close(done, { by: 'maija', outcome: 'helped', now: at(2) });
      await expect(store.release(waiting, { by: 'maija', now: at(3) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'new' });
      await expect(store.release(done, { by: 'maija', now: at(3) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'closed' });
      await expect(store.release('AKA-2026-999999', { by: 'maija', now: at(3) })).rejects.toBeInstanceOf(CallbackNotFoundError);
      expect(await store.queue()).toEqual([waiting]);
    });
  });

  describe('closing', () => {
    it('closes a claimed request: outcome, who and when recorded, out of every open list, deleted after the retention period', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(5) });
      const closed = await store.close(ref, { by: 'maija', outcome: 'referred', note: 'ohjattu Kelaan', now: at(20) });
      expect(closed).toMatchObject({
        status: 'closed',
        outcome: 'referred',
        note: 'ohjattu Kelaan',
        closedBy: 'maija',
        closedAt: at(20).toISOString(),
        claimedBy: 'maija',
      });
      expect(await store.get(ref)).toEqual(closed);
      expect(await store.list({ status: 'claimed', now: at(20) })).toEqual([]);
      expect(await store.list({ status: 'new', now: at(20) })).toEqual([]);
      expect(await store.list({ status: 'closed', now: at(20) })).toEqual([closed]);
      const ttl = await redis.pttl(callbackKeys(prefix).request(ref));
      expect(ttl).toBeGreaterThan(7 * DAY_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(7 * DAY_MS);
    });

    it('closes a request straight from the queue (e.g. the resident called the desk themselves)', async () => {
      const ref = await file(0);
      const closed = await store.close(ref, { by: 'pekka', outcome: 'other', now: at(3) });
      expect(closed).toMatchObject({ status: 'closed', outcome: 'other', closedBy: 'pekka' });
      expect(closed).not.toHaveProperty('claimedBy');
      expect(await store.queue()).toEqual([]);
    });

    it('closing a closed request is a conflict and changes nothing, the retention clock included', async () => {
      const ref = await file(0);
      const first = await store.close(ref, { by: 'maija', outcome: 'no_answer', now: at(3) });
      await redis.pexpire(callbackKeys(prefix).request(ref), 1000 * 60 * 60);
      await expect(store.close(ref, { by: 'pekka', outcome: 'helped', now: at(4) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'closed', action: 'close' });
      expect(await store.get(ref)).toEqual(first);
      expect(await redis.pttl(callbackKeys(prefix).request(ref))).toBeLessThanOrEqual(1000 * 60 * 60);
      expect((await auditLog()).filter((entry) => entry.action === 'close')).toHaveLength(1);
    });

    it('refuses a note over 1000 characters and an unknown outcome, and changes nothing', async () => {
      const ref = await file(0);
      await expect(store.close(ref, { by: 'maija', outcome: 'helped', note: 'x'.repeat(1001), now: at(1) })).rejects.toThrow(/note/);
      await expect(store.close(ref, { by: 'maija', outcome: 'solved' as never, now: at(1) })).rejects.toThrow(/outcome/);
      expect((await store.get(ref))?.status).toBe('new');
      expect(await store.close(ref, { by: 'maija', outcome: 'helped', note: 'x'.repeat(1000), now: at(1) })).toMatchObject({ status: 'closed' });
    });

    it('masks an identity code left in the note', async () => {
      const ref = await file(0);
      const closed = await store.close(ref, { by: 'maija', outcome: 'helped', note: 'hetu 131052-308T kirjattu', now: at(1) });
      expect(closed.note).toBe(`hetu ${MASK.personalId} kirjattu`);
    });

    it('a note given on closing again replaces the earlier one; none given removes it', async () => {
      const ref = await file(0);
      await store.close(ref, { by: 'maija', outcome: 'no_answer', note: 'ei vastannut', now: at(1) });
      await store.reopen(ref, { by: 'maija', now: at(2) });
      expect((await store.close(ref, { by: 'maija', outcome: 'helped', now: at(3) })).note).toBeUndefined();
    });
  });

  describe('reopening', () => {
    it('puts a closed request back in the queue at its original place, with no expiry, keeping the note', async () => {
      const earlier = await file(0);
      const ref = await file(5);
      const later = await file(10);
      await store.claim(ref, { by: 'maija', now: at(15) });
      await store.close(ref, { by: 'maija', outcome: 'no_answer', note: 'ei vastannut, yritä huomenna', now: at(20) });
      const reopened = await store.reopen(ref, { by: 'pekka', now: at(30) });
      expect(reopened).toMatchObject({ status: 'new', note: 'ei vastannut, yritä huomenna', firstClaimedAt: at(15).toISOString() });
      for (const gone of ['claimedBy', 'claimedAt', 'closedBy', 'closedAt', 'outcome']) expect(reopened).not.toHaveProperty(gone);
      expect(await store.get(ref)).toEqual(reopened);
      expect(await redis.pttl(callbackKeys(prefix).request(ref))).toBe(-1);
      expect(await store.queue()).toEqual([earlier, ref, later]);
      expect(await store.list({ status: 'closed', now: at(30) })).toEqual([]);
      // Open again in every sense: it can be claimed and closed once more.
      await store.claim(ref, { by: 'pekka', now: at(31) });
      expect(await store.close(ref, { by: 'pekka', outcome: 'helped', now: at(32) })).toMatchObject({ status: 'closed', closedBy: 'pekka' });
    });

    it('a new or claimed request cannot be reopened', async () => {
      const waiting = await file(0);
      const taken = await file(1);
      await store.claim(taken, { by: 'maija', now: at(2) });
      await expect(store.reopen(waiting, { by: 'maija', now: at(3) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'new', action: 'reopen' });
      await expect(store.reopen(taken, { by: 'maija', now: at(3) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'claimed' });
      await expect(store.reopen('AKA-2026-999999', { by: 'maija', now: at(3) })).rejects.toBeInstanceOf(CallbackNotFoundError);
    });

    it('a request deleted after its retention period cannot be reopened', async () => {
      const ref = await file(0);
      await store.close(ref, { by: 'maija', outcome: 'helped', now: at(1) });
      await redis.pexpire(callbackKeys(prefix).request(ref), 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await expect(store.reopen(ref, { by: 'maija', now: at(2) })).rejects.toBeInstanceOf(CallbackNotFoundError);
    });
  });

  describe('a claim that is not closed in time returns to the queue', () => {
    it('stays claimed up to the timeout, and is back in its place after it, audited as done by the system', async () => {
      store = new CallbackStore(redis, { prefix, claimTimeoutMinutes: 30 });
      const first = await file(0);
      const ref = await file(1);
      await store.claim(ref, { by: 'maija', now: at(10) });
      expect(refsOf(await store.list({ status: 'claimed', now: at(40) }))).toEqual([ref]);
      expect(await store.queue()).toEqual([first]);
      const listed = await store.list({ status: 'new', now: new Date(at(40).getTime() + 1) });
      expect(refsOf(listed)).toEqual([first, ref]);
      expect(listed[1]).not.toHaveProperty('claimedBy');
      expect(await store.list({ status: 'claimed', now: at(41) })).toEqual([]);
      expect((await auditLog()).slice(-1)).toEqual([{ at: new Date(at(40).getTime() + 1).toISOString(), who: 'system', action: 'stale-return', ref, detail: 'claimedBy=maija' }]);
    });

    it('is 60 minutes unless told otherwise', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(0) });
      expect(await store.returnStaleClaims(at(60))).toEqual([]);
      expect(await store.returnStaleClaims(at(61))).toEqual([ref]);
      expect((await store.get(ref))?.status).toBe('new');
    });

    it('reading one request given the time shows it returned; without the time nothing changes', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(0) });
      expect((await store.get(ref))?.status).toBe('claimed');
      expect((await store.get(ref, { now: at(90) }))?.status).toBe('new');
    });

    it('the holder can no longer release or close it as claimed; a colleague can claim it', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(0) });
      await expect(store.release(ref, { by: 'maija', now: at(90) })).rejects.toMatchObject({ name: 'CallbackConflictError', status: 'new' });
      expect(await store.claim(ref, { by: 'pekka', now: at(91) })).toMatchObject({ status: 'claimed', claimedBy: 'pekka', firstClaimedAt: at(0).toISOString() });
      // The fresh claim is not stale, though the first one would have been.
      expect(await store.returnStaleClaims(at(100))).toEqual([]);
    });

    it('several instances returning stale claims at once return each one once', async () => {
      const refs = [await file(0), await file(1), await file(2)];
      for (const ref of refs) await store.claim(ref, { by: 'maija', now: at(5) });
      const connections = Array.from({ length: 5 }, () => connectTestRedis());
      try {
        const stores = connections.map((connection) => new CallbackStore(connection, { prefix }));
        const returned = await Promise.all(stores.map((instance) => instance.returnStaleClaims(at(120))));
        expect(returned.flat().sort()).toEqual([...refs].sort());
        expect((await auditLog()).filter((entry) => entry.action === 'stale-return')).toHaveLength(3);
        expect(await store.queue()).toEqual(refs);
      } finally {
        await Promise.all(connections.map((connection) => connection.quit()));
      }
    });
  });

  describe('listing', () => {
    it('claimed ones oldest claim first, closed ones newest first', async () => {
      const [a, b, c] = [await file(0), await file(1), await file(2)];
      await store.claim(b, { by: 'maija', now: at(10) });
      await store.claim(a, { by: 'pekka', now: at(11) });
      await store.claim(c, { by: 'maija', now: at(12) });
      expect(refsOf(await store.list({ status: 'claimed', now: at(13) }))).toEqual([b, a, c]);
      await store.close(c, { by: 'maija', outcome: 'helped', now: at(20) });
      await store.close(a, { by: 'pekka', outcome: 'helped', now: at(21) });
      await store.close(b, { by: 'maija', outcome: 'helped', now: at(22) });
      expect(refsOf(await store.list({ status: 'closed', now: at(23) }))).toEqual([b, a, c]);
    });

    it('filters by service (or none) and by urgency', async () => {
      const kela = await file(0, { service: 'kela' });
      const kelaUrgent = await file(1, { service: 'kela', urgent: true });
      const none = await file(2, { service: null });
      const noneUrgent = await file(3, { service: null, urgent: true });
      const housing = await file(4, { service: 'asuminen' });
      const now = at(5);
      expect(refsOf(await store.list({ status: 'new', now }))).toEqual([kelaUrgent, noneUrgent, kela, none, housing]);
      expect(refsOf(await store.list({ status: 'new', service: 'kela', now }))).toEqual([kelaUrgent, kela]);
      expect(refsOf(await store.list({ status: 'new', service: 'none', now }))).toEqual([noneUrgent, none]);
      expect(refsOf(await store.list({ status: 'new', urgent: true, now }))).toEqual([kelaUrgent, noneUrgent]);
      expect(refsOf(await store.list({ status: 'new', urgent: false, now }))).toEqual([kela, none, housing]);
      expect(refsOf(await store.list({ status: 'new', service: 'none', urgent: false, now }))).toEqual([none]);
      expect(await store.list({ status: 'new', service: 'talous', now })).toEqual([]);
      await store.close(housing, { by: 'maija', outcome: 'helped', now });
      expect(refsOf(await store.list({ status: 'closed', service: 'asuminen', now }))).toEqual([housing]);
      expect(await store.list({ status: 'closed', service: 'kela', now })).toEqual([]);
    });

    it.each([
      ['an unknown status', { status: 'waiting' }, /status/],
      ['an unknown service', { status: 'new', service: 'pankki' }, /service/],
      ['urgent as text', { status: 'new', urgent: 'true' }, /urgent/],
    ])('refuses %s', async (_label, options, reason) => {
      await expect(store.list({ ...options, now: at() } as never)).rejects.toThrow(reason);
    });

    it('drops a closed request whose retention period has ended from the closed list, and from its index', async () => {
      const kept = await file(0);
      const gone = await file(1);
      await store.close(gone, { by: 'maija', outcome: 'helped', now: at(2) });
      await store.close(kept, { by: 'maija', outcome: 'helped', now: at(3) });
      await redis.pexpire(callbackKeys(prefix).request(gone), 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(refsOf(await store.list({ status: 'closed', now: at(4) }))).toEqual([kept]);
      expect(await redis.zrange(callbackKeys(prefix).closed, 0, -1)).toEqual([kept]);
    });

    it('reports an open request that went missing by its reference, and keeps the rest of the queue workable', async () => {
      const lost: string[][] = [];
      store = new CallbackStore(redis, { prefix, reportLost: (refs, index) => lost.push([index, ...refs]) });
      const gone = await file(0);
      const kept = await file(1);
      await redis.del(callbackKeys(prefix).request(gone));
      expect(refsOf(await store.list({ status: 'new', now: at(2) }))).toEqual([kept]);
      expect(lost).toEqual([[callbackKeys(prefix).queue, gone]]);
      expect(await store.queue()).toEqual([kept]);
    });
  });

  describe('the audit trail of the changes', () => {
    it('has one entry per change, in order, with who, when and the reference only', async () => {
      const ref = await file(0);
      await store.claim(ref, { by: 'maija', now: at(1) });
      await store.release(ref, { by: 'maija', now: at(2) });
      await store.claim(ref, { by: 'pekka', now: at(3) });
      await store.close(ref, { by: 'pekka', outcome: 'referred', note: `soitettu ${FIRST_NAME}lle numeroon ${PHONE}`, now: at(4) });
      await store.reopen(ref, { by: 'maija', now: at(5) });
      await store.claim(ref, { by: 'maija', now: at(6) });
      await store.returnStaleClaims(at(200));
      expect(await auditLog()).toEqual([
        { at: at(1).toISOString(), who: 'maija', action: 'claim', ref },
        { at: at(2).toISOString(), who: 'maija', action: 'release', ref },
        { at: at(3).toISOString(), who: 'pekka', action: 'claim', ref },
        { at: at(4).toISOString(), who: 'pekka', action: 'close', ref, detail: 'outcome=referred' },
        { at: at(5).toISOString(), who: 'maija', action: 'reopen', ref, detail: 'was outcome=referred' },
        { at: at(6).toISOString(), who: 'maija', action: 'claim', ref },
        { at: at(200).toISOString(), who: 'system', action: 'stale-return', ref, detail: 'claimedBy=maija' },
      ]);
      // Nothing the resident told, nor the staff's note, is in the stream itself.
      const raw = JSON.stringify(await redis.xrange(auditKey(prefix), '-', '+'));
      for (const personal of [PHONE, PHONE.slice(1), FIRST_NAME, 'asumistukea', 'soitettu']) expect(raw).not.toContain(personal);
    });

    it('a refused change leaves no entry', async () => {
      const ref = await file(0);
      await expect(store.release(ref, { by: 'maija', now: at(1) })).rejects.toBeInstanceOf(CallbackConflictError);
      await expect(store.reopen(ref, { by: 'maija', now: at(1) })).rejects.toBeInstanceOf(CallbackConflictError);
      expect(await auditLog()).toEqual([]);
    });
  });

  describe('stored values that are not what was written', () => {
    it.each([
      ['not JSON', '{"ref":'],
      ['a claimed request with no claim', JSON.stringify({ ...draft(), ref: 'AKA-2026-000001', createdAt: at().toISOString(), status: 'claimed' })],
      ['a new request with an outcome', JSON.stringify({ ...draft(), ref: 'AKA-2026-000001', createdAt: at().toISOString(), status: 'new', outcome: 'helped' })],
    ])('%s is an error naming the key, for every change and list, and nothing is changed', async (_label, corrupt) => {
      const ref = await file(0);
      const key = callbackKeys(prefix).request(ref);
      await redis.set(key, corrupt);
      for (const attempt of [
        () => store.claim(ref, { by: 'maija', now: at(1) }),
        () => store.release(ref, { by: 'maija', now: at(1) }),
        () => store.close(ref, { by: 'maija', outcome: 'helped', now: at(1) }),
        () => store.reopen(ref, { by: 'maija', now: at(1) }),
        () => store.list({ status: 'new', now: at(1) }),
      ]) {
        const error = await attempt().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CorruptRecordError);
        expect((error as Error).message).toContain(key);
        expect((error as Error).message).not.toContain(PHONE);
      }
      expect(await redis.get(key)).toBe(corrupt);
      expect(await auditLog()).toEqual([]);
    });

    it('a corrupt claimed request does not stop the rest of the desk working', async () => {
      const broken = await file(0);
      const fine = await file(1);
      await store.claim(broken, { by: 'maija', now: at(2) });
      await redis.set(callbackKeys(prefix).request(broken), '{"ref":');
      expect(await store.claim(fine, { by: 'pekka', now: at(200) })).toMatchObject({ status: 'claimed' });
      await expect(store.list({ status: 'claimed', now: at(200) })).rejects.toThrow(callbackKeys(prefix).request(broken));
    });
  });

  it('rejects every change when Redis cannot be reached', async () => {
    const unreachable = connectUnreachableRedis();
    try {
      const offline = new CallbackStore(unreachable, { prefix });
      await expect(offline.claim('AKA-2026-000001', { by: 'maija', now: at() })).rejects.toThrow();
      await expect(offline.list({ status: 'new', now: at() })).rejects.toThrow();
    } finally {
      unreachable.disconnect();
    }
  });

  it('keeps requests, indexes, audit and statistics in one Redis Cluster slot', async () => {
    const [a, b, c] = [await file(0), await file(1, { urgent: true }), await file(2, { service: null })];
    await file(3);
    await store.claim(a, { by: 'maija', now: at(3) });
    await store.claim(b, { by: 'maija', now: at(3) });
    await store.close(b, { by: 'maija', outcome: 'helped', now: at(4) });
    await store.close(c, { by: 'maija', outcome: 'no_answer', now: at(4) });
    await store.reopen(c, { by: 'maija', now: at(5) });
    await store.close(c, { by: 'maija', outcome: 'helped', now: at(6) });
    await audit.record({ at: at(7), who: 'maija', action: 'export' });
    const keys = await keysWithPrefix(redis, prefix);
    const { queue, claimed, closed } = callbackKeys(prefix);
    expect(keys).toEqual(expect.arrayContaining([queue, claimed, closed, auditKey(prefix)]));
    expect(keys.some((key) => key.includes('stats:'))).toBe(true);
    expect(new Set(keys.map(clusterHashPart))).toEqual(new Set(['cb']));
  });
});
