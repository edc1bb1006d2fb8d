import type { Result } from 'ioredis';
import { z } from 'zod';
import type { RedisClient } from '../redis/connection';
import { decodeStoredJson, validInput } from '../redis/storedJson';
import { activityId, CONVERSATION_ID } from './ids';
import { conversationKeys, type ConversationKeys } from './keys';

/**
 * The activity log of each Direct Line conversation, in Redis: the resident's activities and the bot's
 * replies, in order, each with the id and the timestamp the server gave it. Any bot instance serves the next
 * poll, and a restart loses nothing. A conversation lives `ttlSeconds` after its last use (post, poll or token
 * refresh), which is at least as long as the token that used it; only the latest `maxActivities` are kept.
 *
 * An activity is kept only until the client has read it: a poll with watermark N tells that it has everything
 * up to N, which is then dropped. So what a resident typed (a phone number, say) does not stay in Redis for
 * the conversation's lifetime, and a finished conversation's transcript takes next to no memory. A client
 * that lost a poll's answer asks again with the watermark it had, and gets the same activities again.
 *
 * Ending a conversation deletes its log at once and leaves a mark that outlives its tokens, so that none of
 * them can start it again, post to it or refresh.
 */

/** An activity as stored and as clients receive it. */
export type StoredActivity = { id: string; type: string; timestamp: string } & Record<string, unknown>;
/** An activity to append; the log gives it its id. */
export type NewActivity = { type: string; timestamp: string } & Record<string, unknown>;

export type ConversationStatus = 'active' | 'unknown' | 'ended';
export type StartResult = 'started' | 'existing' | 'ended';
export type AppendResult = { status: 'appended'; ids: string[] } | { status: 'unknown' | 'ended' };
export type ReadResult = { status: 'active'; activities: StoredActivity[]; watermark: number } | { status: 'unknown' | 'ended' };

export interface ConversationLogOptions {
  /** Key prefix, e.g. `aka:`. */
  prefix: string;
  /** How long a conversation lives after its last use; also the lifetime of its tokens. */
  ttlSeconds: number;
  /** How many of the latest activities are kept (older ones can no longer be fetched). Default 500. */
  maxActivities?: number;
  /** The most activities one poll returns; the client fetches the rest with the next watermark. Default 100. */
  pageSize?: number;
}

const optionsSchema = z.strictObject({
  prefix: z.string(),
  ttlSeconds: z.int().positive(),
  maxActivities: z.int().min(1).max(100_000).default(500),
  pageSize: z.int().min(1).max(1000).default(100),
});

const storedActivitySchema = z.looseObject({ id: z.string(), type: z.string(), timestamp: z.string() });

// Tokens are checked on several instances whose clocks may differ a little: the mark outlives them by this.
const ENDED_MARK_EXTRA_MS = 60_000;

// Every script gets KEYS conversation, activities, ended (one hash tag). -2 = ended, -1 = not started (or expired).
const START = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
if redis.call('HSETNX', KEYS[1], 'user', ARGV[1]) == 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return 0
end
redis.call('HSET', KEYS[1], 'seq', 0, 'createdAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;
const TOUCH = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then return -1 end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
`;
// Each activity comes as JSON without an id; the id (conversation|seq, seq in 7 digits) is written first, so
// that ids are given out in the same step as the sequence numbers and stay in order across instances.
const APPEND = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local count = #ARGV - 3
local last = redis.call('HINCRBY', KEYS[1], 'seq', count)
for i = 1, count do
  local id = ARGV[3] .. '|' .. string.format('%07d', last - count + i)
  redis.call('RPUSH', KEYS[2], '{"id":"' .. id .. '",' .. string.sub(ARGV[3 + i], 2))
end
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return last
`;
// Returns {1, watermark, activities...}: those after the watermark (at most a page), and the sequence number
// of the last one returned (or of the last one there is, when nothing is new). What the watermark says the
// client already has is dropped first: nobody asks for it again (a reload starts a new conversation).
const READ = `
if redis.call('EXISTS', KEYS[3]) == 1 then return {-2} end
local seq = redis.call('HGET', KEYS[1], 'seq')
if not seq then return {-1} end
seq = tonumber(seq)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local kept = redis.call('LLEN', KEYS[2])
local firstKept = seq - kept + 1
local read = math.min(tonumber(ARGV[1]) - firstKept + 1, kept)
if read > 0 then
  redis.call('LTRIM', KEYS[2], read, -1)
  kept = kept - read
  firstKept = firstKept + read
end
local from = math.max(tonumber(ARGV[1]) + 1, firstKept)
if from > seq then return {1, seq} end
local first = from - firstKept
local last = math.min(first + tonumber(ARGV[2]), kept) - 1
local result = {1, firstKept + last}
for _, activity in ipairs(redis.call('LRANGE', KEYS[2], first, last)) do table.insert(result, activity) end
return result
`;
const END = `
redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])
return redis.call('DEL', KEYS[1], KEYS[2])
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    directLineStart(conversation: string, activities: string, ended: string, userId: string, createdAt: string, ttlMs: number): Result<number, Context>;
    directLineTouch(conversation: string, activities: string, ended: string, ttlMs: number): Result<number, Context>;
    directLineAppend(conversation: string, activities: string, ended: string, ttlMs: number, maxActivities: number, conversationId: string, ...json: string[]): Result<number, Context>;
    directLineRead(conversation: string, activities: string, ended: string, watermark: number, pageSize: number, ttlMs: number): Result<Array<number | string>, Context>;
    directLineEnd(conversation: string, activities: string, ended: string, markTtlMs: number): Result<number, Context>;
  }
}

const statusOf = (code: number): 'unknown' | 'ended' => (code === -2 ? 'ended' : 'unknown');

export class ConversationLog {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly maxActivities: number;
  private readonly pageSize: number;

  constructor(
    private readonly redis: RedisClient,
    options: ConversationLogOptions,
  ) {
    const valid = validInput('conversation log options', optionsSchema, options);
    this.prefix = valid.prefix;
    this.ttlMs = valid.ttlSeconds * 1000;
    this.maxActivities = valid.maxActivities;
    this.pageSize = valid.pageSize;
    // Defining a command again on a shared connection only replaces it with the same script.
    redis.defineCommand('directLineStart', { numberOfKeys: 3, lua: START });
    redis.defineCommand('directLineTouch', { numberOfKeys: 3, lua: TOUCH });
    redis.defineCommand('directLineAppend', { numberOfKeys: 3, lua: APPEND });
    redis.defineCommand('directLineRead', { numberOfKeys: 3, lua: READ });
    redis.defineCommand('directLineEnd', { numberOfKeys: 3, lua: END });
  }

  /** Starts a conversation for its user; only the first of several calls gets 'started'. */
  async start(conversationId: string, userId: string, at: Date): Promise<StartResult> {
    const code = await this.redis.directLineStart(...this.keyList(conversationId), userId, at.toISOString(), this.ttlMs);
    return code === 1 ? 'started' : code === 0 ? 'existing' : 'ended';
  }

  /** Whether the conversation can be used, and if so its lifetime starts again. */
  async keepAlive(conversationId: string): Promise<ConversationStatus> {
    const code = await this.redis.directLineTouch(...this.keyList(conversationId), this.ttlMs);
    return code === 1 ? 'active' : statusOf(code);
  }

  /** Appends activities in the order given and returns the ids they were given. */
  async append(conversationId: string, activities: NewActivity[]): Promise<AppendResult> {
    if (activities.length === 0) {
      const status = await this.keepAlive(conversationId);
      return status === 'active' ? { status: 'appended', ids: [] } : { status };
    }
    const json = activities.map(({ id: _given, ...activity }) => JSON.stringify(activity));
    const last = await this.redis.directLineAppend(...this.keyList(conversationId), this.ttlMs, this.maxActivities, conversationId, ...json);
    if (last < 0) return { status: statusOf(last) };
    return { status: 'appended', ids: activities.map((_, index) => activityId(conversationId, last - activities.length + 1 + index)) };
  }

  /** The activities after `watermark` (a page at most) and the watermark to ask with next. */
  async read(conversationId: string, watermark: number): Promise<ReadResult> {
    const key = this.keys(conversationId).activities;
    const [code, next, ...items] = await this.redis.directLineRead(...this.keyList(conversationId), watermark, this.pageSize, this.ttlMs);
    if (typeof code !== 'number' || code < 0) return { status: statusOf(Number(code)) };
    const activities = items.map((item) => decodeStoredJson(key, String(item), storedActivitySchema) as StoredActivity);
    return { status: 'active', activities, watermark: Number(next) };
  }

  async isEnded(conversationId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(conversationId).ended)) === 1;
  }

  /** Ends the conversation: its log is deleted and its tokens stop working. Safe to repeat. */
  async end(conversationId: string): Promise<void> {
    await this.redis.directLineEnd(...this.keyList(conversationId), this.ttlMs + ENDED_MARK_EXTRA_MS);
  }

  private keys(conversationId: string): ConversationKeys {
    if (!CONVERSATION_ID.test(conversationId)) throw new TypeError('Invalid conversation id');
    return conversationKeys(this.prefix, conversationId);
  }

  private keyList(conversationId: string): [string, string, string] {
    const { conversation, activities, ended } = this.keys(conversationId);
    return [conversation, activities, ended];
  }
}
