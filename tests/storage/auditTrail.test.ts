import type Redis from 'ioredis';
import { AuditTrail, auditKey } from '../../services/audit/auditTrail';
import { MASK } from '../../services/privacy/mask';
import { CorruptRecordError } from '../../services/redis/storedJson';
import { clusterHashPart, connectTestRedis, connectUnreachableRedis, deleteKeysWithPrefix, keysWithPrefix, uniquePrefix } from '../support/testRedis';

const at = (minutes = 0) => new Date(Date.parse('2026-03-04T10:00:00.000Z') + minutes * 60_000);
const SUGGESTION_ID = '4f0c1a9e-2b7d-4c1e-9a53-0d6f2e8b7c41';

describe('the audit trail in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let trail: AuditTrail;

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('audit');
    trail = new AuditTrail(redis, { prefix });
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('records what the API does itself and reads it back newest first', async () => {
    const login = await trail.record({ at: at(0), who: 'maija', action: 'login' });
    await trail.record({ at: at(1), who: 'maija', action: 'list', detail: 'status=new service=kela' });
    await trail.record({ at: at(2), who: 'maija', action: 'view', ref: 'AKA-2026-000001' });
    await trail.record({ at: at(3), who: 'maija', action: 'suggestion-read', ref: SUGGESTION_ID });
    await trail.record({ at: at(4), who: 'maija', action: 'export', detail: 'stats.csv weeks=12' });
    await trail.record({ at: at(5), who: 'maija', action: 'logout' });
    expect(login).toEqual({ id: expect.stringMatching(/^\d+-\d+$/), at: at(0).toISOString(), who: 'maija', action: 'login' });
    const entries = await trail.recent();
    expect(entries.map(({ id: _id, ...entry }) => entry)).toEqual([
      { at: at(5).toISOString(), who: 'maija', action: 'logout' },
      { at: at(4).toISOString(), who: 'maija', action: 'export', detail: 'stats.csv weeks=12' },
      { at: at(3).toISOString(), who: 'maija', action: 'suggestion-read', ref: SUGGESTION_ID },
      { at: at(2).toISOString(), who: 'maija', action: 'view', ref: 'AKA-2026-000001' },
      { at: at(1).toISOString(), who: 'maija', action: 'list', detail: 'status=new service=kela' },
      { at: at(0).toISOString(), who: 'maija', action: 'login' },
    ]);
    expect(entries[5]?.id).toBe(login.id);
  });

  it('gives only as many as asked for, the newest', async () => {
    for (let minute = 0; minute < 5; minute += 1) await trail.record({ at: at(minute), who: 'maija', action: 'view', ref: `AKA-2026-00000${minute + 1}` });
    expect((await trail.recent({ limit: 2 })).map((entry) => entry.ref)).toEqual(['AKA-2026-000005', 'AKA-2026-000004']);
    await expect(trail.recent({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(trail.recent({ limit: 1001 })).rejects.toThrow(/limit/);
  });

  it('is empty before anything happens', async () => {
    expect(await trail.recent()).toEqual([]);
  });

  it.each([
    ['an unknown action', { action: 'delete' }, /action/],
    ['a reference that is neither a callback reference nor a suggestion id', { action: 'view', ref: '+358401234567' }, /ref/],
    ['a name with spaces (a sentence, not a user name)', { who: 'Maija Meikäläinen' }, /who/],
    ['no one', { who: '' }, /who/],
    ['a detail too long to be a detail', { detail: 'x'.repeat(201) }, /detail/],
    ['a field an entry does not have', { summary: 'Kela ei oo maksanu' }, /summary/],
  ])('refuses %s and appends nothing', async (_label, overrides, reason) => {
    await expect(trail.record({ at: at(), who: 'maija', action: 'login', ...overrides } as never)).rejects.toThrow(reason);
    expect(await redis.exists(auditKey(prefix))).toBe(0);
  });

  it('masks a phone number, e-mail address or identity code slipped into a detail', async () => {
    const entry = await trail.record({ at: at(), who: 'maija', action: 'list', detail: 'haku 040 123 4567 maija@example.fi 131052-308T' });
    expect(entry.detail).toBe(`haku ${MASK.phone} ${MASK.email} ${MASK.personalId}`);
    expect(JSON.stringify(await redis.xrange(auditKey(prefix), '-', '+'))).not.toMatch(/123 4567|example\.fi|131052/);
  });

  it('never expires: retention applies to requests, not to the trail', async () => {
    await trail.record({ at: at(), who: 'maija', action: 'login' });
    expect(await redis.pttl(auditKey(prefix))).toBe(-1);
  });

  it('an entry that is not what was written is an error naming the key and the entry', async () => {
    const id = await redis.xadd(auditKey(prefix), '*', 'at', 'yesterday', 'who', 'maija', 'action', 'login');
    const error = await trail.recent().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as Error).message).toContain(auditKey(prefix));
    expect((error as Error).message).toContain(`entry ${id}: at`);
  });

  it('rejects when Redis cannot be reached', async () => {
    const unreachable = connectUnreachableRedis();
    try {
      await expect(new AuditTrail(unreachable, { prefix }).record({ at: at(), who: 'maija', action: 'login' })).rejects.toThrow();
    } finally {
      unreachable.disconnect();
    }
  });

  it('lives in the callback requests\' Cluster slot, so their scripts can append to it', async () => {
    await trail.record({ at: at(), who: 'maija', action: 'login' });
    expect((await keysWithPrefix(redis, prefix)).map(clusterHashPart)).toEqual(['cb']);
  });
});
