import { createHash } from 'node:crypto';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { RedisClient } from '../redis/connection';
import { validInput } from '../redis/storedJson';
import { staffKeys } from './keys';

/**
 * Limits failed staff logins per address and per user name, counted in Redis (rate-limiter-flexible's
 * RateLimiterRedis) so that every bot instance sees the same counts. Each counter is a fixed window that opens
 * at its first failure: after `failures` failures within `windowSeconds`, logins are refused until the window
 * ends. A name counts whether or not an account has it, so the answer never tells which names exist.
 *
 * The user name limit is the strict one: it stops guessing one account's password from many addresses. The
 * address limit stops one address from trying many names. The price is that anyone can hold a staff member's
 * logins off for a window by failing on purpose; an administrator can still work from the command line.
 *
 * When Redis cannot answer, logins are refused ("fail closed"): a limiter that let everything through
 * whenever Redis is down would invite guessing exactly then, and a login could not create its session in
 * Redis anyway.
 */

export interface LoginLimit {
  failures: number;
  windowSeconds: number;
}

export interface LoginLimiterOptions {
  /** Key prefix, e.g. `aka:`. */
  prefix: string;
  /** Default 20 failures in 15 minutes. */
  perAddress?: LoginLimit;
  /** Default 5 failures in 15 minutes. */
  perUsername?: LoginLimit;
}

export type LoginCheck =
  | { allowed: true }
  | {
      allowed: false;
      /** For a Retry-After header. */
      retryAfterSeconds: number;
      /** `too-many-failures` → 429; `unavailable` (Redis did not answer) → 503. */
      reason: 'too-many-failures' | 'unavailable';
    };

export const DEFAULT_ADDRESS_LIMIT: LoginLimit = { failures: 20, windowSeconds: 15 * 60 };
export const DEFAULT_USERNAME_LIMIT: LoginLimit = { failures: 5, windowSeconds: 15 * 60 };
/** What a caller is told to wait when Redis does not answer. */
export const UNAVAILABLE_RETRY_SECONDS = 30;

const limitSchema = z.strictObject({ failures: z.int().min(1).max(10_000), windowSeconds: z.int().min(1).max(7 * 24 * 60 * 60) });
const optionsSchema = z.strictObject({
  prefix: z.string(),
  perAddress: limitSchema.default(DEFAULT_ADDRESS_LIMIT),
  perUsername: limitSchema.default(DEFAULT_USERNAME_LIMIT),
});

/**
 * The counter's name for an address or a typed user name: a digest, because what is typed into the name field
 * is unbounded, untrusted and sometimes a password typed in the wrong field, none of which belongs in a key.
 * Names are folded as accounts fold them, so "Maija" and "maija " share one counter.
 */
export function loginLimitKey(value: string): string {
  return createHash('sha256').update(value.normalize('NFKC').trim().toLowerCase()).digest('hex').slice(0, 32);
}

export class LoginLimiter {
  private readonly byAddress: RateLimiterRedis;
  private readonly byUsername: RateLimiterRedis;

  constructor(redis: RedisClient, options: LoginLimiterOptions) {
    const { prefix, perAddress, perUsername } = validInput('login limiter options', optionsSchema, options);
    const keys = staffKeys(prefix);
    // storeClient takes the ioredis client as it is (useRedisPackage is for node-redis). No
    // rejectIfRedisNotReady: a login during a brief reconnect waits like every other command on this client,
    // and fails (closed) only when the client gives up on the command.
    const limiter = (limit: LoginLimit, keyPrefix: string) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix, points: limit.failures, duration: limit.windowSeconds });
    this.byAddress = limiter(perAddress, keys.loginLimit('address'));
    this.byUsername = limiter(perUsername, keys.loginLimit('user'));
  }

  /** Whether a login attempt may be tried now; counts nothing. */
  async check(address: string, username: string): Promise<LoginCheck> {
    let counts: [RateLimiterRes | null, RateLimiterRes | null];
    try {
      counts = await Promise.all([this.byAddress.get(loginLimitKey(address)), this.byUsername.get(loginLimitKey(username))]);
    } catch {
      return { allowed: false, retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS, reason: 'unavailable' };
    }
    const [addressCount, usernameCount] = counts;
    const waits = [
      waitSeconds(addressCount, this.byAddress.points),
      waitSeconds(usernameCount, this.byUsername.points),
    ].filter((wait): wait is number => wait !== undefined);
    if (waits.length === 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(...waits), reason: 'too-many-failures' };
  }

  /**
   * Counts a login attempt before its password is checked, against both the address and the name, and says
   * whether it may go on. Counting first is what holds the limit against many attempts sent at once: each of
   * them takes its point before any is verified. A successful login gives its points back (`recordSuccess`).
   */
  async attempt(address: string, username: string): Promise<LoginCheck> {
    let counts: [RateLimiterRes, RateLimiterRes];
    try {
      counts = await Promise.all([this.byAddress.penalty(loginLimitKey(address)), this.byUsername.penalty(loginLimitKey(username))]);
    } catch {
      return { allowed: false, retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS, reason: 'unavailable' };
    }
    const [addressCount, usernameCount] = counts;
    const waits = [overLimit(addressCount, this.byAddress.points), overLimit(usernameCount, this.byUsername.points)].filter(
      (wait): wait is number => wait !== undefined,
    );
    if (waits.length === 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(...waits), reason: 'too-many-failures' };
  }

  /** Counts a failed login against both the address and the name. Rejects if Redis cannot count it. */
  async recordFailure(address: string, username: string): Promise<void> {
    // penalty() adds a point without refusing anything (consume() would reject once over the limit).
    await Promise.all([this.byAddress.penalty(loginLimitKey(address)), this.byUsername.penalty(loginLimitKey(username))]);
  }

  /**
   * A successful login clears the name's failures, and gives back the point its own attempt took from the
   * address. The address keeps its earlier failures: one valid account must not let an address wipe out its
   * failed guesses at other names.
   */
  async recordSuccess(address: string, username: string): Promise<void> {
    await Promise.all([this.byUsername.delete(loginLimitKey(username)), this.byAddress.reward(loginLimitKey(address), 1)]);
  }
}

/** Seconds until the window ends if this attempt went past the limit, else undefined. */
function overLimit(count: RateLimiterRes, limit: number): number | undefined {
  if (count.consumedPoints <= limit) return undefined;
  return Math.max(1, Math.ceil(count.msBeforeNext / 1000));
}

/** Seconds until the window ends if its limit is reached, else undefined. */
function waitSeconds(count: RateLimiterRes | null, limit: number): number | undefined {
  if (!count || count.consumedPoints < limit) return undefined;
  return Math.max(1, Math.ceil(count.msBeforeNext / 1000));
}
