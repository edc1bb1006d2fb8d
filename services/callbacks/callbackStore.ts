import { z } from 'zod';
import { SERVICE_IDS } from '../directory/directory';
import { auditFields, auditKey, SYSTEM_ACTOR, staffNameSchema, type AuditAction } from '../audit/auditTrail';
import { maskSensitive } from '../privacy/mask';
import type { RedisClient } from '../redis/connection';
import { CorruptRecordError, decodeStoredJson, validInput } from '../redis/storedJson';
import { helsinkiMoment } from '../time/helsinki';
import { helsinkiWeek } from '../time/isoWeek';
import { defineCallbackScripts } from './callbackScripts';
import {
  CALLBACK_OUTCOMES,
  CALLBACK_REF,
  CALLBACK_STATUSES,
  NOTE_MAX_CHARS,
  callbackDraftSchema,
  callbackRequestSchema,
  type CallbackDraft,
  type CallbackOutcome,
  type CallbackRequest,
  type CallbackStatus,
} from './request';
import { minutesBetween, minutesEntry, serviceKey, statsKeys } from './stats';

/**
 * Callback requests in Redis, the system of record. They are the data that must never be lost: `create`
 * answers only after Redis has stored the request, and rejects otherwise, so a resident is never shown a
 * reference for a request that does not exist.
 *
 * Staff then claim, release, close and reopen them (callbackScripts.ts: each change one atomic script that
 * also appends its audit entry and updates the anonymous statistics). A claim not closed within
 * `claimTimeoutMinutes` returns to the queue by itself: every read or change given `now` first returns the
 * claims that have run out, so it needs no timer and works with any number of bot instances.
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
    /** New requests waiting for someone to claim them: urgent ones first, then the oldest. */
    queue: `${base}queue`,
    /** Claimed requests, scored by the time of the claim (oldest first; the stale ones are found by score). */
    claimed: `${base}claimed`,
    /** Closed requests, scored by the time of closing; an entry outlives its request, and is dropped when met. */
    closed: `${base}closed`,
    /** A confirmation already handled → its reference, so a double tap creates one request. */
    submitted: (idempotencyKey: string) => `${base}submitted:${idempotencyKey}`,
  };
}

/** A reference such as AKA-2026-000123: the year in Helsinki and its running number, at least six digits. */
function callbackRef(year: string, number: number): string {
  return `AKA-${year}-${String(number).padStart(6, '0')}`;
}

// How many numbers one filing attempt offers the script (see CREATE in callbackScripts.ts): enough that requests
// filed at the same moment rarely need a second round trip, and a lost sequence is skipped quickly.
const REFERENCE_WINDOW = 16;
// Attempts move on when other requests were filed meanwhile or a whole window was in use (a lost sequence):
// a bound that no real desk reaches, so a broken sequence ends in an error rather than a loop.
const CREATE_ATTEMPTS = 10_000;

// Above every createdAt in milliseconds (1e13 ms is the year 2286): a normal request queues after all urgent ones.
const NOT_URGENT_OFFSET = 1e13;

/** A request's place in the queue, the same whenever it returns there. */
function queueScore(request: Pick<CallbackRequest, 'urgent' | 'createdAt'>): string {
  return String((request.urgent ? 0 : NOT_URGENT_OFFSET) + Date.parse(request.createdAt));
}

export type CallbackAction = 'claim' | 'release' | 'close' | 'reopen';

const ACTION_PAST: Record<CallbackAction, string> = { claim: 'claimed', release: 'released', close: 'closed', reopen: 'reopened' };

/** The statuses from which each change may be made. */
const ALLOWED_FROM: Record<CallbackAction, readonly CallbackStatus[]> = {
  claim: ['new'],
  release: ['claimed'],
  close: ['new', 'claimed'],
  reopen: ['closed'],
};

export interface CallbackStoreOptions {
  /** Key prefix, e.g. `aka:`. */
  prefix: string;
  /** A closed request, with its personal data, is deleted this many days after it was closed. Default 30. */
  retentionDays?: number;
  /** How long a confirmation is remembered, so that tapping it again returns the same request. Default one day. */
  idempotencySeconds?: number;
  /** A claim not closed within this many minutes returns to the queue. Default 60. */
  claimTimeoutMinutes?: number;
  /** Told of open requests found missing from Redis (deleted by hand, or evicted): for the operator's log. */
  reportLost?: (refs: string[], index: string) => void;
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

/** The request is not in a status from which this change can be made (the API answers 409). */
export class CallbackConflictError extends Error {
  constructor(
    readonly ref: string,
    readonly action: CallbackAction,
    readonly status: CallbackStatus,
    /** Who holds the claim, when the request is claimed. */
    readonly claimedBy?: string,
  ) {
    super(`Callback request ${ref} is ${status}${claimedBy === undefined ? '' : ` by ${claimedBy}`}, so it cannot be ${ACTION_PAST[action]}`);
    this.name = 'CallbackConflictError';
  }
}

/** A staff member's user name; "system" is kept for what nobody did by hand. */
const staffMember = staffNameSchema.refine((name) => name !== SYSTEM_ACTOR, `"${SYSTEM_ACTOR}" is reserved for the system`);

const createOptionsSchema = z.strictObject({
  idempotencyKey: z.string().min(1).max(200),
  now: z.date(),
});

const changeOptionsSchema = z.strictObject({ by: staffMember, now: z.date() });

const closeOptionsSchema = z.strictObject({
  by: staffMember,
  outcome: z.enum(CALLBACK_OUTCOMES),
  note: z.string().max(NOTE_MAX_CHARS).optional(),
  now: z.date(),
});

const listOptionsSchema = z.strictObject({
  status: z.enum(CALLBACK_STATUSES),
  service: z.enum([...SERVICE_IDS, 'none']).optional(),
  urgent: z.boolean().optional(),
  now: z.date(),
});

const nowSchema = z.strictObject({ now: z.date() });

export type ListOptions = z.input<typeof listOptionsSchema>;
export interface ChangeOptions {
  /** The staff member's user name. */
  by: string;
  now: Date;
}
export interface CloseOptions extends ChangeOptions {
  outcome: CallbackOutcome;
  /** At most 1000 characters; identity codes, account and card numbers are masked. */
  note?: string;
}

// How many times a change re-reads a request that changed under it before giving up. Only a change made
// between the read and the write causes a retry, and the retry then sees that change.
const CHANGE_ATTEMPTS = 5;

export class CallbackStore {
  private readonly keys: ReturnType<typeof callbackKeys>;
  private readonly stats: ReturnType<typeof statsKeys>;
  private readonly auditKey: string;
  private readonly retentionMs: number;
  private readonly idempotencyMs: number;
  private readonly claimTimeoutMs: number;
  private readonly reportLost: (refs: string[], index: string) => void;

  constructor(
    private readonly redis: RedisClient,
    options: CallbackStoreOptions,
  ) {
    const { retentionDays = 30, idempotencySeconds = 24 * 60 * 60, claimTimeoutMinutes = 60 } = options;
    if (!(retentionDays > 0)) throw new RangeError(`retentionDays must be positive (got ${retentionDays})`);
    if (!(idempotencySeconds > 0)) throw new RangeError(`idempotencySeconds must be positive (got ${idempotencySeconds})`);
    if (!(claimTimeoutMinutes > 0)) throw new RangeError(`claimTimeoutMinutes must be positive (got ${claimTimeoutMinutes})`);
    this.keys = callbackKeys(options.prefix);
    this.stats = statsKeys(options.prefix);
    this.auditKey = auditKey(options.prefix);
    this.retentionMs = Math.round(retentionDays * 24 * 60 * 60 * 1000);
    this.idempotencyMs = Math.round(idempotencySeconds * 1000);
    this.claimTimeoutMs = Math.round(claimTimeoutMinutes * 60 * 1000);
    this.reportLost = options.reportLost ?? (() => undefined);
    defineCallbackScripts(redis);
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
    const year = helsinkiMoment(now).date.slice(0, 4);
    const sequenceKey = this.keys.sequence(year);
    const fixedKeys = [this.keys.submitted(idempotencyKey), sequenceKey, this.keys.queue, this.stats.week(helsinkiWeek(now))];
    const fixedArgs = [JSON.stringify(stored), queueScore(stored), this.idempotencyMs, serviceKey(request.service), request.urgent ? '1' : '0'];
    // Where the series stands now; the script corrects a guess that is out of date (or unreadable).
    const last = Number((await this.redis.get(sequenceKey)) ?? 0);
    let next = Number.isSafeInteger(last) && last >= 0 ? last + 1 : 1;
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt += 1) {
      const refs = Array.from({ length: REFERENCE_WINDOW }, (_, index) => callbackRef(year, next + index));
      const [ref, status, retryFrom] = await this.redis.callbackCreate(
        fixedKeys.length + refs.length,
        ...fixedKeys,
        ...refs.map((candidate) => this.keys.request(candidate)),
        next,
        ...fixedArgs,
        ...refs,
      );
      if (status >= 0) return { ref, created: status === 1 };
      next = Number(retryFrom);
    }
    throw new Error(`no free callback reference: the sequence at ${sequenceKey} keeps meeting requests in use`);
  }

  /**
   * The request, or undefined if there is none with this reference (a malformed one included). Given `now`,
   * a claim that has run out is returned to the queue first, so the request is shown as it really stands.
   */
  async get(ref: string, options?: { now: Date }): Promise<CallbackRequest | undefined> {
    if (options !== undefined) await this.returnStaleClaims(validInput('get options', nowSchema, options).now);
    if (!CALLBACK_REF.test(ref)) return undefined;
    const key = this.keys.request(ref);
    const stored = await this.redis.get(key);
    return stored === null ? undefined : decodeStoredJson(key, stored, callbackRequestSchema);
  }

  /** References of the new requests, in the order staff should call: urgent first, then the oldest. */
  async queue(): Promise<string[]> {
    return this.redis.zrange(this.keys.queue, 0, -1);
  }

  /** The new requests themselves, in queue order (without returning stale claims first: see `list`). */
  async queuedRequests(): Promise<CallbackRequest[]> {
    return this.readIndexed(this.keys.queue, await this.queue(), 'new');
  }

  /**
   * A short mark that changes whenever a request is filed or changes status (stale claims returned first),
   * and not when somebody merely reads: the staff console's live view compares it to tell when to reload.
   */
  async changeMark(now: Date): Promise<string> {
    await this.returnStaleClaims(validInput('change mark options', nowSchema, { now }).now);
    const [queue, claimed, closedCount, lastClosed] = await Promise.all([
      this.queue(),
      this.redis.zrange(this.keys.claimed, 0, -1, 'WITHSCORES'),
      this.redis.zcard(this.keys.closed),
      this.redis.zrevrange(this.keys.closed, 0, 0, 'WITHSCORES'),
    ]);
    return [queue.join(','), claimed.join(','), closedCount, lastClosed.join(',')].join('|');
  }

  /**
   * Requests in one status, after returning stale claims to the queue: new ones in queue order (urgent
   * first, then the oldest), claimed ones oldest claim first, closed ones newest first. `service` is a
   * service id or 'none' (filed without one); `urgent` keeps only urgent or only other requests.
   */
  async list(options: ListOptions): Promise<CallbackRequest[]> {
    const { status, service, urgent, now } = validInput('list options', listOptionsSchema, options);
    await this.returnStaleClaims(now);
    const requests =
      status === 'new'
        ? await this.queuedRequests()
        : status === 'claimed'
          ? await this.readIndexed(this.keys.claimed, await this.redis.zrange(this.keys.claimed, 0, -1), 'claimed')
          : await this.readIndexed(this.keys.closed, await this.redis.zrevrange(this.keys.closed, 0, -1), 'closed');
    return requests.filter(
      (request) => (service === undefined || serviceKey(request.service) === service) && (urgent === undefined || request.urgent === urgent),
    );
  }

  /** new → claimed by `by`. Of several claims at once exactly one wins; the others get CallbackConflictError. */
  async claim(ref: string, options: ChangeOptions): Promise<CallbackRequest> {
    const { by, now } = validInput('claim options', changeOptionsSchema, options);
    await this.returnStaleClaims(now);
    return this.change(ref, 'claim', (request, expected) => {
      const at = now.toISOString();
      const claimed = { ...request, status: 'claimed' as const, claimedBy: by, claimedAt: at, firstClaimedAt: request.firstClaimedAt ?? at };
      // Only the first claim measures how long the resident waited.
      const firstClaim = request.firstClaimedAt === undefined ? minutesEntry(request.service, minutesBetween(request.createdAt, now)) : '';
      return {
        next: claimed,
        write: (replacement) =>
          this.redis.callbackClaim(
            this.keys.request(ref),
            this.keys.queue,
            this.keys.claimed,
            this.auditKey,
            this.stats.claimMinutes(helsinkiWeek(now)),
            expected,
            replacement,
            ref,
            now.getTime(),
            firstClaim,
            ...auditFields({ at: now, who: by, action: 'claim', ref }),
          ),
      };
    });
  }

  /** claimed → new, back at its original place in the queue. Only the one who holds the claim releases it. */
  async release(ref: string, options: ChangeOptions): Promise<CallbackRequest> {
    const { by, now } = validInput('release options', changeOptionsSchema, options);
    await this.returnStaleClaims(now);
    return this.change(
      ref,
      'release',
      (request, expected) => this.returnToQueue(ref, request, expected, { at: now, who: by, action: 'release' }),
      (request) => request.claimedBy === by,
    );
  }

  /**
   * new or claimed → closed with its outcome: off the queue, and deleted with its personal data `retentionDays`
   * after now. Closing a closed request is a conflict: the first outcome stands until the request is reopened.
   * A claimed request is closed only by the one who holds the claim: a colleague whose claim ran out (and
   * went to somebody else) must not close it from a page left open.
   */
  async close(ref: string, options: CloseOptions): Promise<CallbackRequest> {
    const { by, outcome, note, now } = validInput('close options', closeOptionsSchema, options);
    await this.returnStaleClaims(now);
    return this.change(ref, 'close', (request, expected) => {
      const { note: _earlierNote, ...rest } = request;
      const closed: CallbackRequest = {
        ...rest,
        status: 'closed',
        closedBy: by,
        closedAt: now.toISOString(),
        outcome,
        // Masking may lengthen a note ("[personal-id]" is longer than the code): cut it back to the limit.
        ...(note === undefined ? {} : { note: maskSensitive(note).text.slice(0, NOTE_MAX_CHARS) }),
      };
      const week = helsinkiWeek(now);
      return {
        next: closed,
        write: (replacement) =>
          this.redis.callbackClose(
            this.keys.request(ref),
            this.keys.queue,
            this.keys.claimed,
            this.keys.closed,
            this.auditKey,
            this.stats.week(week),
            this.stats.closeMinutes(week),
            expected,
            replacement,
            this.retentionMs,
            ref,
            now.getTime(),
            serviceKey(request.service),
            minutesEntry(request.service, minutesBetween(request.createdAt, now)),
            // The note stays out of the audit: it may name the resident.
            ...auditFields({ at: now, who: by, action: 'close', ref, detail: `outcome=${outcome}` }),
          ),
      };
    }, (request) => request.status !== 'claimed' || request.claimedBy === by);
  }

  /** closed → new: back in the queue at its original place, no longer due for deletion. The note is kept. */
  async reopen(ref: string, options: ChangeOptions): Promise<CallbackRequest> {
    const { by, now } = validInput('reopen options', changeOptionsSchema, options);
    await this.returnStaleClaims(now);
    return this.change(ref, 'reopen', (request, expected) => {
      const { claimedBy: _claimedBy, claimedAt: _claimedAt, closedBy: _closedBy, closedAt, outcome, ...rest } = request;
      // A closed request always has closedAt (the schema checks it); the close is taken back from its week.
      const closedOn = new Date(closedAt ?? request.createdAt);
      const week = helsinkiWeek(closedOn);
      return {
        next: { ...rest, status: 'new' },
        write: (replacement) =>
          this.redis.callbackReopen(
            this.keys.request(ref),
            this.keys.queue,
            this.keys.closed,
            this.auditKey,
            this.stats.week(week),
            this.stats.closeMinutes(week),
            expected,
            replacement,
            ref,
            queueScore(request),
            serviceKey(request.service),
            minutesEntry(request.service, minutesBetween(request.createdAt, closedOn)),
            ...auditFields({ at: now, who: by, action: 'reopen', ref, ...(outcome === undefined ? {} : { detail: `was outcome=${outcome}` }) }),
          ),
      };
    });
  }

  /**
   * Returns to the queue every claim made more than `claimTimeoutMinutes` before `now`, each audited as
   * 'stale-return' by 'system'; resolves to their references. Safe to run from several instances at once:
   * each claim is returned once, by whichever gets there first.
   */
  async returnStaleClaims(now: Date): Promise<string[]> {
    validInput('stale claim options', nowSchema, { now });
    const cutoff = now.getTime() - this.claimTimeoutMs;
    // A claim exactly claimTimeoutMinutes old still stands; one a moment older has run out.
    const stale = await this.redis.zrangebyscore(this.keys.claimed, '-inf', `(${cutoff}`);
    const returned: string[] = [];
    for (const ref of stale) {
      try {
        await this.change(
          ref,
          'release',
          (request, expected) => this.returnToQueue(ref, request, expected, { at: now, who: SYSTEM_ACTOR, action: 'stale-return', detail: `claimedBy=${request.claimedBy ?? ''}` }),
          // Still the claim the index named: one claimed again since then is not stale.
          (request) => request.claimedAt !== undefined && Date.parse(request.claimedAt) < cutoff,
        );
        returned.push(ref);
      } catch (error) {
        // A conflict: claimed again since the index was read, or returned by another instance. A missing or
        // corrupt request must not stop every other change; listing the claimed requests reports it.
        if (!(error instanceof CallbackConflictError || error instanceof CallbackNotFoundError || error instanceof CorruptRecordError)) throw error;
      }
    }
    return returned;
  }

  private returnToQueue(
    ref: string,
    request: CallbackRequest,
    expected: string,
    audit: { at: Date; who: string; action: AuditAction; detail?: string },
  ): { next: CallbackRequest; write: (replacement: string) => Promise<number> } {
    const { claimedBy: _claimedBy, claimedAt: _claimedAt, ...rest } = request;
    return {
      next: { ...rest, status: 'new' },
      write: (replacement) =>
        this.redis.callbackReturnToQueue(
          this.keys.request(ref),
          this.keys.queue,
          this.keys.claimed,
          this.auditKey,
          expected,
          replacement,
          ref,
          queueScore(request),
          ...auditFields({ ...audit, ref }),
        ),
    };
  }

  /**
   * One compare-and-set change: read and validate the request, check that `action` may be made from its
   * status (and `allowed`, if given), and write the next version with the action's script if the stored text
   * is still the one read. A change made in between makes it read again.
   */
  private async change(
    ref: string,
    action: CallbackAction,
    plan: (request: CallbackRequest, expected: string) => { next: CallbackRequest; write: (replacement: string) => Promise<number> },
    allowed: (request: CallbackRequest) => boolean = () => true,
  ): Promise<CallbackRequest> {
    const key = this.keys.request(ref);
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt += 1) {
      const stored = CALLBACK_REF.test(ref) ? await this.redis.get(key) : null;
      if (stored === null) throw new CallbackNotFoundError(ref);
      const request = decodeStoredJson(key, stored, callbackRequestSchema);
      if (!ALLOWED_FROM[action].includes(request.status) || !allowed(request)) {
        throw new CallbackConflictError(ref, action, request.status, request.status === 'claimed' ? request.claimedBy : undefined);
      }
      const { next, write } = plan(request, stored);
      const replacement = JSON.stringify(validInput('callback request', callbackRequestSchema, next));
      if ((await write(replacement)) === 1) return next;
    }
    throw new Error(`Callback request ${ref} kept changing while it was being ${ACTION_PAST[action]}; try again`);
  }

  /**
   * The requests behind an index's references, in its order, that are still in `status` (a change between
   * reading the index and the requests moves one elsewhere). A closed request whose retention period has
   * ended is dropped from the closed index; an open one that is missing means data was lost, and says so.
   */
  private async readIndexed(indexKey: string, refs: string[], status: CallbackStatus): Promise<CallbackRequest[]> {
    if (refs.length === 0) return [];
    // One slot for all keys, so one MGET is fine on Cluster too.
    const keys = refs.map((ref) => this.keys.request(ref));
    const stored = await this.redis.mget(keys);
    const found: CallbackRequest[] = [];
    const expired: number[] = [];
    keys.forEach((key, index) => {
      const value = stored[index];
      if (value === null || value === undefined) {
        expired.push(index);
        return;
      }
      const request = decodeStoredJson(key, value, callbackRequestSchema);
      if (request.status === status) found.push(request);
    });
    if (expired.length > 0) {
      if (status !== 'closed') {
        // An open request has no expiry; only a manual delete or memory eviction (maxmemory-policy) loses one.
        // It is reported by reference and dropped from the index: the rest of the queue must stay workable.
        this.reportLost(expired.map((index) => refs[index]!), indexKey);
      }
      await this.redis.callbackForgetExpired(expired.length + 1, indexKey, ...expired.map((index) => keys[index]!), ...expired.map((index) => refs[index]!));
    }
    return found;
  }
}
