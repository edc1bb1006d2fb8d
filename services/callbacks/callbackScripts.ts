import type { Result } from 'ioredis';
import type { RedisClient } from '../redis/connection';

/**
 * The Lua scripts behind the callback requests. Each state change is one script, so the request, its indexes,
 * its audit entry and the anonymous statistics change together or not at all, whichever bot instance runs it.
 *
 * A change is a compare-and-set: the store reads and validates the request, works out the next version in
 * TypeScript (one place that writes the JSON), and the script writes it only if the stored text is still what
 * was read – otherwise it returns 0 and the store reads again. Of two staff claiming at once, the second
 * therefore finds the request already claimed.
 *
 * Every key carries the hash tag {cb} (requests, indexes, audit stream, statistics), so one script may touch
 * all of them on Redis Cluster. The audit entry's fields arrive as the script's last arguments.
 */

// The request's key is named after the sequence number drawn inside the script, so it cannot be passed in
// KEYS; it carries the same {cb} hash tag as the declared keys, which keeps it in their Cluster slot.
const CREATE = `
local ref = redis.call('GET', KEYS[1])
if ref then return {ref, 0} end
-- A lost sequence (an old backup restored) must neither overwrite a request nor fail residents: the number
-- is drawn again until a free reference comes up, within a bound that a real desk never reaches.
local requestKey
for _ = 1, 100000 do
  ref = string.format('AKA-%s-%06d', ARGV[2], redis.call('INCR', KEYS[2]))
  requestKey = ARGV[1] .. ref
  if redis.call('EXISTS', requestKey) == 0 then break end
  requestKey = nil
end
if not requestKey then
  return redis.error_reply('no free callback reference: the sequence at ' .. KEYS[2] .. ' keeps meeting requests in use')
end
redis.call('SET', requestKey, '{"ref":"' .. ref .. '",' .. string.sub(ARGV[3], 2))
redis.call('ZADD', KEYS[3], ARGV[4], ref)
redis.call('SET', KEYS[1], ref, 'PX', ARGV[5])
redis.call('HINCRBY', KEYS[4], 'created', 1)
redis.call('HINCRBY', KEYS[4], 'created:' .. ARGV[6], 1)
if ARGV[7] == '1' then
  redis.call('HINCRBY', KEYS[4], 'urgent', 1)
  redis.call('HINCRBY', KEYS[4], 'urgent:' .. ARGV[6], 1)
end
return {ref, 1}
`;

// new → claimed. A plain SET: an open request never expires.
const CLAIM = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
if ARGV[5] ~= '' then redis.call('RPUSH', KEYS[5], ARGV[5]) end
redis.call('XADD', KEYS[4], '*', unpack(ARGV, 6))
return 1
`;

// claimed → new, at its original place in the queue (release, and the return of a stale claim).
const RETURN_TO_QUEUE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('XADD', KEYS[4], '*', unpack(ARGV, 5))
return 1
`;

// new or claimed → closed; the retention period starts now.
const CLOSE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[4])
redis.call('ZREM', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[4])
redis.call('HINCRBY', KEYS[6], 'closed', 1)
redis.call('HINCRBY', KEYS[6], 'closed:' .. ARGV[6], 1)
redis.call('RPUSH', KEYS[7], ARGV[7])
redis.call('XADD', KEYS[5], '*', unpack(ARGV, 8))
return 1
`;

// closed → new. The close is taken back out of the week it was counted in, so a request closed by mistake
// and closed again later counts once, in the week it was really closed.
const REOPEN = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('PERSIST', KEYS[1])
redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
for _, field in ipairs({'closed', 'closed:' .. ARGV[5]}) do
  if tonumber(redis.call('HGET', KEYS[5], field) or '0') > 0 then redis.call('HINCRBY', KEYS[5], field, -1) end
end
redis.call('LREM', KEYS[6], 1, ARGV[6])
redis.call('XADD', KEYS[4], '*', unpack(ARGV, 7))
return 1
`;

// Drops from an index the references whose request has expired (KEYS[2..] are their keys, ARGV the refs).
const FORGET_EXPIRED = `
local forgotten = 0
for index, ref in ipairs(ARGV) do
  if redis.call('EXISTS', KEYS[index + 1]) == 0 then
    forgotten = forgotten + redis.call('ZREM', KEYS[1], ref)
  end
end
return forgotten
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    callbackCreate(
      submittedKey: string,
      sequenceKey: string,
      queueKey: string,
      statsWeekKey: string,
      requestKeyPrefix: string,
      year: string,
      requestWithoutRef: string,
      queueScore: string,
      idempotencyTtlMs: number,
      service: string,
      urgent: '0' | '1',
    ): Result<[string, number], Context>;
    callbackClaim(
      requestKey: string,
      queueKey: string,
      claimedKey: string,
      auditKey: string,
      claimMinutesKey: string,
      expected: string,
      replacement: string,
      ref: string,
      claimedAtMs: number,
      minutesEntry: string,
      ...audit: string[]
    ): Result<number, Context>;
    callbackReturnToQueue(
      requestKey: string,
      queueKey: string,
      claimedKey: string,
      auditKey: string,
      expected: string,
      replacement: string,
      ref: string,
      queueScore: string,
      ...audit: string[]
    ): Result<number, Context>;
    callbackClose(
      requestKey: string,
      queueKey: string,
      claimedKey: string,
      closedKey: string,
      auditKey: string,
      statsWeekKey: string,
      closeMinutesKey: string,
      expected: string,
      replacement: string,
      retentionMs: number,
      ref: string,
      closedAtMs: number,
      service: string,
      minutesEntry: string,
      ...audit: string[]
    ): Result<number, Context>;
    callbackReopen(
      requestKey: string,
      queueKey: string,
      closedKey: string,
      auditKey: string,
      statsWeekKey: string,
      closeMinutesKey: string,
      expected: string,
      replacement: string,
      ref: string,
      queueScore: string,
      service: string,
      minutesEntry: string,
      ...audit: string[]
    ): Result<number, Context>;
    callbackForgetExpired(keyCount: number, indexKey: string, ...requestKeysThenRefs: string[]): Result<number, Context>;
  }
}

/** Defining a command again on a shared connection only replaces it with the same script. */
export function defineCallbackScripts(redis: RedisClient): void {
  redis.defineCommand('callbackCreate', { numberOfKeys: 4, lua: CREATE });
  redis.defineCommand('callbackClaim', { numberOfKeys: 5, lua: CLAIM });
  redis.defineCommand('callbackReturnToQueue', { numberOfKeys: 4, lua: RETURN_TO_QUEUE });
  redis.defineCommand('callbackClose', { numberOfKeys: 7, lua: CLOSE });
  redis.defineCommand('callbackReopen', { numberOfKeys: 6, lua: REOPEN });
  // The number of keys varies with the references met, so the caller gives it.
  redis.defineCommand('callbackForgetExpired', { lua: FORGET_EXPIRED });
}
