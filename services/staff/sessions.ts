import { createHash, randomBytes } from 'node:crypto';
import type { Result } from 'ioredis';
import { z } from 'zod';
import type { RedisClient } from '../redis/connection';
import { decodeStoredJson, validInput } from '../redis/storedJson';
import { validStaffInput } from './accounts';
import { staffKeys, type StaffKeys } from './keys';

/**
 * Staff login sessions in Redis. The session token (the cookie) and the CSRF token are 32 random bytes each.
 * Redis holds only the SHA-256 of the session token as the key, so a dump or a replica does not hand out live
 * sessions; SHA-256 without salt is enough for 256 random bits, which nobody can guess or look up.
 */

export interface StaffSession {
  /** The secret the browser presents (in the HttpOnly cookie). */
  token: string;
  /** Sent back by the page in `x-csrf-token` on every state-changing request. */
  csrfToken: string;
  username: string;
  createdAt: string;
}

export interface StaffSessionsOptions {
  /** Key prefix, e.g. `aka:`. */
  prefix: string;
  /** A session unused this long ends by itself; every `get` starts the count again. Default 30 minutes. */
  idleSeconds?: number;
  /** A session ends this long after login however busy it is, so a stolen cookie does not live for ever. Default 12 hours. */
  maxAgeSeconds?: number;
  /** The clock for createdAt and the maximum age; tests pass their own. */
  now?: () => Date;
}

export const DEFAULT_IDLE_SECONDS = 30 * 60;
export const DEFAULT_MAX_AGE_SECONDS = 12 * 60 * 60;

const TOKEN_BYTES = 32;
// 32 bytes in base64url without padding.
const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const optionsSchema = z.strictObject({
  prefix: z.string(),
  idleSeconds: z.int().positive().default(DEFAULT_IDLE_SECONDS),
  maxAgeSeconds: z.int().positive().default(DEFAULT_MAX_AGE_SECONDS),
  now: z.custom<() => Date>((value) => typeof value === 'function', 'expected a function').optional(),
});

const storedSessionSchema = z.strictObject({
  username: z.string().min(1),
  csrfToken: tokenSchema,
  createdAt: z.iso.datetime({ offset: true }),
});

/** The key's name for a token: hex SHA-256. Exported so that tests can check what is (and is not) stored. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const newToken = () => randomBytes(TOKEN_BYTES).toString('base64url');

// The user's other sessions are passed in KEYS (read from the set just before; ARGV[4..] are their hashes), as
// Redis Cluster needs every key in KEYS; all carry the {staff} hash tag. Creating drops the hashes of those
// that have expired, so the set never outgrows the live sessions for long; one added in between is checked
// at the next login.
const CREATE = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
for i = 3, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then redis.call('SREM', KEYS[2], ARGV[i + 1]) end
end
return 1
`;
const DESTROY = `
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
return 1
`;
// KEYS[2..] are the sessions the caller read from the set KEYS[1] (ARGV their hashes). If the set has changed
// since (a login in between), nothing is ended and -1 tells the caller to read it again: every session must go.
const DESTROY_ALL = `
if redis.call('SCARD', KEYS[1]) ~= #ARGV then return -1 end
for _, hash in ipairs(ARGV) do
  if redis.call('SISMEMBER', KEYS[1], hash) == 0 then return -1 end
end
local ended = 0
for i = 2, #KEYS do
  ended = ended + redis.call('DEL', KEYS[i])
end
redis.call('DEL', KEYS[1])
return ended
`;

// How often ending every session re-reads a set that keeps changing (logins at that very moment) before giving up.
const DESTROY_ALL_ATTEMPTS = 5;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Keys: the session, the user's set, the user's other sessions; args: session, idleSeconds, tokenHash, the others' hashes. */
    staffSessionCreate(keyCount: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
    staffSessionDestroy(sessionKey: string, userSessionsKey: string, tokenHash: string): Result<number, Context>;
    /** Keys: the user's set, then the sessions read from it; args: their hashes. */
    staffSessionDestroyAll(keyCount: number, ...keysThenArgs: string[]): Result<number, Context>;
  }
}

export class StaffSessions {
  private readonly keys: StaffKeys;
  private readonly idleSeconds: number;
  private readonly maxAgeMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly redis: RedisClient,
    options: StaffSessionsOptions,
  ) {
    const valid = validInput('session options', optionsSchema, options);
    this.keys = staffKeys(valid.prefix);
    this.idleSeconds = valid.idleSeconds;
    this.maxAgeMs = valid.maxAgeSeconds * 1000;
    this.now = valid.now ?? (() => new Date());
    // Defining a command again on a shared connection only replaces it with the same script.
    // The number of keys of create and destroy-all varies with the user's sessions, so the caller gives it.
    redis.defineCommand('staffSessionCreate', { lua: CREATE });
    redis.defineCommand('staffSessionDestroy', { numberOfKeys: 2, lua: DESTROY });
    redis.defineCommand('staffSessionDestroyAll', { lua: DESTROY_ALL });
  }

  /** Starts a session for a user whose password has just been verified; resolves once Redis holds it. */
  async create(username: string): Promise<StaffSession> {
    const name = validStaffInput('username', username);
    const token = newToken();
    const tokenHash = hashSessionToken(token);
    const stored = { username: name, csrfToken: newToken(), createdAt: this.now().toISOString() };
    const userSessions = this.keys.userSessions(name);
    const others = await this.redis.smembers(userSessions);
    await this.redis.staffSessionCreate(
      2 + others.length,
      this.keys.session(tokenHash),
      userSessions,
      ...others.map((hash) => this.keys.session(hash)),
      JSON.stringify(stored),
      this.idleSeconds,
      tokenHash,
      ...others,
    );
    return { token, ...stored };
  }

  /**
   * The live session for a token, with its idle time started again (GETEX: one round trip), or null when the
   * token is unknown, expired, past the maximum age or not even shaped like a token.
   */
  async get(token: string): Promise<StaffSession | null> {
    if (!tokenSchema.safeParse(token).success) return null;
    const key = this.keys.session(hashSessionToken(token));
    const stored = await this.redis.getex(key, 'EX', this.idleSeconds);
    if (stored === null) return null;
    const session = decodeStoredJson(key, stored, storedSessionSchema);
    if (this.now().getTime() - Date.parse(session.createdAt) >= this.maxAgeMs) {
      await this.destroy(token);
      return null;
    }
    return { token, ...session };
  }

  /**
   * Whether the session still exists, without counting as use: a page's open event stream must end with
   * the session, not keep it alive.
   */
  async isLive(token: string): Promise<boolean> {
    if (!tokenSchema.safeParse(token).success) return false;
    return (await this.redis.exists(this.keys.session(hashSessionToken(token)))) === 1;
  }

  /** Ends one session (logout); false if it had already ended. */
  async destroy(token: string): Promise<boolean> {
    if (!tokenSchema.safeParse(token).success) return false;
    const tokenHash = hashSessionToken(token);
    const key = this.keys.session(tokenHash);
    // The user's set is found from the stored session; a session that is gone has nothing left to remove.
    const stored = await this.redis.get(key);
    if (stored === null) return false;
    let username: string;
    try {
      ({ username } = decodeStoredJson(key, stored, storedSessionSchema));
    } catch {
      // A corrupt session is no session: it goes, and the user's set is pruned at the next login.
      return (await this.redis.del(key)) === 1;
    }
    return (await this.redis.staffSessionDestroy(key, this.keys.userSessions(username), tokenHash)) === 1;
  }

  /** Ends every session of a user (account removed, password changed); resolves to how many were live. */
  async destroyAllFor(username: string): Promise<number> {
    const name = validStaffInput('username', username);
    const userSessions = this.keys.userSessions(name);
    for (let attempt = 0; attempt < DESTROY_ALL_ATTEMPTS; attempt += 1) {
      const hashes = await this.redis.smembers(userSessions);
      const ended = await this.redis.staffSessionDestroyAll(1 + hashes.length, userSessions, ...hashes.map((hash) => this.keys.session(hash)), ...hashes);
      if (ended >= 0) return ended;
    }
    throw new Error(`The sessions of ${name} kept changing while they were being ended; try again`);
  }
}
