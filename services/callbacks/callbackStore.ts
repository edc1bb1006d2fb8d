import type { Result } from 'ioredis';
import { z } from 'zod';
import { maskSensitive } from '../privacy/mask';
import type { RedisClient } from '../redis/connection';
import { decodeStoredJson, validInput } from '../redis/storedJson';
import { helsinkiMoment } from '../time/helsinki';
import {
  CALLBACK_OUTCOMES,
  CALLBACK_REF,
  NOTE_MAX_CHARS,
  callbackDraftSchema,
  callbackRequestSchema,
  type CallbackDraft,
  type CallbackOutcome,
  type CallbackRequest,
} from './request';

/**
 * Callback requests in Redis, the system of record. They are the data that must never be lost: `create`
 * answers only after Redis has stored the request, and rejects otherwise, so a resident is never shown a
 * reference for a request that does not exist.
 *
 * Every key shares the hash tag {cb}, so all of them sit in one Redis Cluster slot and each script may touch
 * several of them. The volume (a desk's callbacks) is far too small for one slot to matter.
 */
export function callbackKeys(prefix: string) {
  const base = `${prefix}callbacks:{cb}:`;
  return {
    request: (ref: string) => `${base}req:${ref}`,
    /** The year's running number behind the references. */
    sequence: (year: string) => `${base}seq:${year}`,
    /** Open requests (new or claimed): urgent ones first, then the oldest. */
    queue: `${base}queue`,
    /** A confirmation already handled → its reference, so a double tap creates one request. */
    submitted: (idempotencyKey: string) => `${base}submitted:${idempotencyKey}`,
  };
}

// Above every createdAt in milliseconds (1e13 ms is the year 2286): a normal request queues after all urgent ones.
const NOT_URGENT_OFFSET = 1e13;

// The request's key is named after the sequence number drawn inside the script, so it cannot be passed in
// KEYS; it carries the same {cb} hash tag as the declared keys, which keeps it in their Cluster slot.
const CREATE = `
local ref = redis.call('GET', KEYS[1])
if ref then return {ref, 0} end
ref = string.format('AKA-%s-%06d', ARGV[2], redis.call('INCR', KEYS[2]))
local requestKey = ARGV[1] .. ref
if redis.call('EXISTS', requestKey) == 1 then
  return redis.error_reply('callback reference ' .. ref .. ' is already in use: the sequence at ' .. KEYS[2] .. ' was reset')
end
redis.call('SET', requestKey, '{"ref":"' .. ref .. '",' .. string.sub(ARGV[3], 2))
redis.call('ZADD', KEYS[3], ARGV[4], ref)
redis.call('SET', KEYS[1], ref, 'PX', ARGV[5])
return {ref, 1}
`;

// Compare-and-set: the request is replaced only if nobody changed it since it was read.
const CLOSE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[4])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    callbackCreate(
      submittedKey: string,
      sequenceKey: string,
      queueKey: string,
      requestKeyPrefix: string,
      year: string,
      requestWithoutRef: string,
      queueScore: string,
      idempotencyTtlMs: number,
    ): Result<[string, number], Context>;
    callbackClose(requestKey: string, queueKey: string, expected: string, closed: string, retentionMs: number, ref: string): Result<number, Context>;
  }
}

export interface CallbackStoreOptions {
  /** Key prefix, e.g. `aka:`. */
  prefix: string;
  /** A closed request, with its personal data, is deleted this many days after it was closed. */
  retentionDays?: number;
  /** How long a confirmation is remembered, so that tapping it again returns the same request. */
  idempotencySeconds?: number;
}

export interface CreatedCallback {
  ref: string;
  /** False when this confirmation had already created the request. */
  created: boolean;
}

export class CallbackNotFoundError extends Error {
  constructor(readonly ref: string) {
    super(`Callback request ${ref} does not exist (never made, or deleted after its retention period)`);
    this.name = 'CallbackNotFoundError';
  }
}

const createOptionsSchema = z.strictObject({
  idempotencyKey: z.string().min(1).max(200),
  now: z.date(),
});

const closeOptionsSchema = z.strictObject({
  outcome: z.enum(CALLBACK_OUTCOMES),
  note: z.string().max(NOTE_MAX_CHARS).optional(),
  now: z.date(),
});

// How many times close() re-reads a request that changed under it before giving up.
const CLOSE_ATTEMPTS = 5;

export class CallbackStore {
  private readonly keys: ReturnType<typeof callbackKeys>;
  private readonly retentionMs: number;
  private readonly idempotencyMs: number;

  constructor(
    private readonly redis: RedisClient,
    options: CallbackStoreOptions,
  ) {
    const { retentionDays = 30, idempotencySeconds = 24 * 60 * 60 } = options;
    if (!(retentionDays > 0)) throw new RangeError(`retentionDays must be positive (got ${retentionDays})`);
    if (!(idempotencySeconds > 0)) throw new RangeError(`idempotencySeconds must be positive (got ${idempotencySeconds})`);
    this.keys = callbackKeys(options.prefix);
    this.retentionMs = Math.round(retentionDays * 24 * 60 * 60 * 1000);
    this.idempotencyMs = Math.round(idempotencySeconds * 1000);
    // Defining a command again on a shared connection only replaces it with the same script.
    redis.defineCommand('callbackCreate', { numberOfKeys: 3, lua: CREATE });
    redis.defineCommand('callbackClose', { numberOfKeys: 2, lua: CLOSE });
  }

  /**
   * Files a request and gives its reference once Redis has stored it. The same idempotency key (one
   * confirmation of one conversation) always gives the same reference, however often it arrives.
   */
  async create(draft: CallbackDraft, options: { idempotencyKey: string; now: Date }): Promise<CreatedCallback> {
    const { idempotencyKey, now } = validInput('callback options', createOptionsSchema, options);
    // The caller masks the summary already; masking again costs little and keeps a slip out of storage.
    const summary = typeof draft.summary === 'string' ? maskSensitive(draft.summary).text : draft.summary;
    const request = validInput('callback request', callbackDraftSchema, { ...draft, summary });
    const createdAt = now.toISOString();
    const stored: Omit<CallbackRequest, 'ref'> = { ...request, createdAt, status: 'new' };
    const score = (request.urgent ? 0 : NOT_URGENT_OFFSET) + now.getTime();
    const year = helsinkiMoment(now).date.slice(0, 4);
    const [ref, created] = await this.redis.callbackCreate(
      this.keys.submitted(idempotencyKey),
      this.keys.sequence(year),
      this.keys.queue,
      this.keys.request(''),
      year,
      JSON.stringify(stored),
      String(score),
      this.idempotencyMs,
    );
    return { ref, created: created === 1 };
  }

  /** The request, or undefined if there is none with this reference (a malformed one included). */
  async get(ref: string): Promise<CallbackRequest | undefined> {
    if (!CALLBACK_REF.test(ref)) return undefined;
    const key = this.keys.request(ref);
    const stored = await this.redis.get(key);
    return stored === null ? undefined : decodeStoredJson(key, stored, callbackRequestSchema);
  }

  /** References of the open requests, in the order staff should call: urgent first, then the oldest. */
  async queue(): Promise<string[]> {
    return this.redis.zrange(this.keys.queue, 0, -1);
  }

  /** The open requests themselves, in queue order. */
  async queuedRequests(): Promise<CallbackRequest[]> {
    const refs = await this.queue();
    if (refs.length === 0) return [];
    // One slot for all keys, so one MGET is fine on Cluster too.
    const keys = refs.map((ref) => this.keys.request(ref));
    const stored = await this.redis.mget(keys);
    return keys.map((key, index) => {
      const value = stored[index];
      if (value === null || value === undefined) {
        // An open request has no expiry; only a manual delete or memory eviction (maxmemory-policy) loses one.
        throw new CallbackNotFoundError(refs[index]!);
      }
      return decodeStoredJson(key, value, callbackRequestSchema);
    });
  }

  /**
   * Records the outcome, takes the request off the queue and starts its retention period: the request and its
   * personal data are deleted `retentionDays` after closing. Closing a closed request changes nothing.
   */
  async close(ref: string, options: { outcome: CallbackOutcome; note?: string; now: Date }): Promise<CallbackRequest> {
    const { outcome, note, now } = validInput('close options', closeOptionsSchema, options);
    const key = this.keys.request(ref);
    for (let attempt = 0; attempt < CLOSE_ATTEMPTS; attempt += 1) {
      const stored = CALLBACK_REF.test(ref) ? await this.redis.get(key) : null;
      if (stored === null) throw new CallbackNotFoundError(ref);
      const request = decodeStoredJson(key, stored, callbackRequestSchema);
      if (request.status === 'closed') return request;
      const closed: CallbackRequest = { ...request, status: 'closed', closedAt: now.toISOString(), outcome, ...(note === undefined ? {} : { note }) };
      const written = await this.redis.callbackClose(key, this.keys.queue, stored, JSON.stringify(closed), this.retentionMs, ref);
      if (written === 1) return closed;
    }
    throw new Error(`Callback request ${ref} kept changing while it was being closed; try again`);
  }
}
