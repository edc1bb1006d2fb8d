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
 * all of them on Redis Cluster, and every key a script touches is passed in KEYS. The audit entry's fields
 * arrive as the script's last arguments.
 */

// A request's key is named after its number, so the caller passes the keys of a window of numbers from the
// next one it expects (KEYS[5..]), with their references (ARGV[7..]); the script takes the first free number
// of the window that is not behind the sequence. Every key a script touches thus arrives in KEYS (as Redis
// Cluster needs), and the series stays unbroken. Returns {ref, 1} when filed, {ref, 0} when this confirmation
// had already filed one, and {'', -1, next} when the caller should try again with the window starting at next:
// the sequence moved past the window (other requests filed meanwhile), or every number in it was in use.
const CREATE = `
local ref = redis.call('GET', KEYS[1])
if ref then return {ref, 0} end
local first = tonumber(ARGV[1])
local window = #KEYS - 4
local next = tonumber(redis.call('GET', KEYS[2]) or '0') + 1
if next < first or next >= first + window then return {'', -1, next} end
for i = next - first + 1, window do
  -- A lost sequence (an old backup restored) must neither overwrite a request nor fail residents: a number in
  -- use is skipped.
  if redis.call('EXISTS', KEYS[4 + i]) == 0 then
    ref = ARGV[6 + i]
    redis.call('SET', KEYS[2], first + i - 1)
    redis.call('SET', KEYS[4 + i], '{"ref":"' .. ref .. '",' .. string.sub(ARGV[2], 2))
    redis.call('ZADD', KEYS[3], ARGV[3], ref)
    redis.call('SET', KEYS[1], ref, 'PX', ARGV[4])
    redis.call('HINCRBY', KEYS[4], 'created', 1)
    redis.call('HINCRBY', KEYS[4], 'created:' .. ARGV[5], 1)
    if ARGV[6] == '1' then
      redis.call('HINCRBY', KEYS[4], 'urgent', 1)
      redis.call('HINCRBY', KEYS[4], 'urgent:' .. ARGV[5], 1)
    end
    return {ref, 1}
  end
end
redis.call('SET', KEYS[2], first + window - 1)
return {'', -1, first + window}
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
    /** Keys: submitted, sequence, queue, stats week, then the window's request keys; see CREATE for the rest. */
    callbackCreate(keyCount: number, ...keysThenArgs: (string | number)[]): Result<[string, number, number?], Context>;
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
  // The window's size sets the number of keys, so the caller gives it.
  redis.defineCommand('callbackCreate', { lua: CREATE });
  redis.defineCommand('callbackClaim', { numberOfKeys: 5, lua: CLAIM });
  redis.defineCommand('callbackReturnToQueue', { numberOfKeys: 4, lua: RETURN_TO_QUEUE });
  redis.defineCommand('callbackClose', { numberOfKeys: 7, lua: CLOSE });
  redis.defineCommand('callbackReopen', { numberOfKeys: 6, lua: REOPEN });
  // The number of keys varies with the references met, so the caller gives it.
  redis.defineCommand('callbackForgetExpired', { lua: FORGET_EXPIRED });
}
