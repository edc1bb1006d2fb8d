import type { Result } from 'ioredis';
import { z } from 'zod';
import * as passwords from './passwordHash';
export { STAFF_PASSWORD_HASHING } from './passwordHash';
import { SYSTEM_ACTOR } from '../audit/auditTrail';
import type { RedisClient } from '../redis/connection';
import { CorruptRecordError } from '../redis/storedJson';
import { staffKeys, type StaffKeys } from './keys';

/**
 * The desk's staff accounts in Redis. A password is kept only as an argon2id hash; nothing here ever returns
 * or logs a password or a hash.
 */

/**
 * Argon2id with OWASP's first recommended setting (Password Storage Cheat Sheet): 19 MiB of memory, 2 passes,
 * 1 lane. It costs about 30–40 ms on one core, cheap for a handful of logins a day yet expensive for anyone
 * guessing against a stolen hash. A change here is picked up at each user's next successful login (rehash).
 */

/**
 * The hash of a random password nobody knows, with the same parameters as above. An unknown user name is
 * verified against it, so that a login for a name that does not exist takes as long as a wrong password and
 * the answer's timing does not tell which names exist. tests/storage/staffAccounts.test.ts checks that its
 * parameters still match STAFF_PASSWORD_HASHING.
 */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$Dm66rsQFQ1h9rjhhkzfBIg$/FeQkHjXTVGJZEQRKUVCpqoAI53EiTK5Jqs84QsLz54';

export const STAFF_PASSWORD_MIN_CHARS = 12;
export const STAFF_PASSWORD_MAX_CHARS = 200;

/** Trimmed and lower-cased, so that "Maija" and "maija " are one account. */
export const staffUsernameSchema = z
  .string({ error: 'expected text' })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'expected 2–40 characters of a–z, 0–9, ".", "_" or "-", beginning with a letter or a digit')
  // The audit trail writes "system" for what nobody did by hand (a claim returned to the queue).
  .refine((name) => name !== SYSTEM_ACTOR, `"${SYSTEM_ACTOR}" is reserved`);

const characters = (text: string) => Array.from(text).length;

/**
 * NFKC first (NIST SP 800-63B): "ä" typed as one character on one keyboard and as "a" + a combining mark on
 * another is the same password. Length counts characters, not UTF-16 units. The maximum keeps a hash request
 * cheap; 200 is far above any passphrase a person types.
 */
export const staffPasswordSchema = z
  .string({ error: 'expected text' })
  .transform((password) => password.normalize('NFKC'))
  .refine((password) => characters(password) >= STAFF_PASSWORD_MIN_CHARS, `expected at least ${STAFF_PASSWORD_MIN_CHARS} characters`)
  .refine((password) => characters(password) <= STAFF_PASSWORD_MAX_CHARS, `expected at most ${STAFF_PASSWORD_MAX_CHARS} characters`);

export type StaffInputField = 'username' | 'password';

/** A user name or password that does not meet the rules; the message names the field, never its value. */
export class InvalidStaffInputError extends Error {
  constructor(
    readonly field: StaffInputField,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidStaffInputError';
  }
}

export class StaffAccountExistsError extends Error {
  constructor(readonly username: string) {
    super(`A staff account named "${username}" already exists`);
    this.name = 'StaffAccountExistsError';
  }
}

export class StaffAccountNotFoundError extends Error {
  constructor(readonly username: string) {
    super(`There is no staff account named "${username}"`);
    this.name = 'StaffAccountNotFoundError';
  }
}

/** Parses a user name or password, throwing InvalidStaffInputError that names the field. */
export function validStaffInput(field: StaffInputField, value: unknown): string {
  const parsed = (field === 'username' ? staffUsernameSchema : staffPasswordSchema).safeParse(value);
  if (!parsed.success) throw new InvalidStaffInputError(field, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

export interface StaffAccountSummary {
  username: string;
  createdAt: string;
}

const storedAccountSchema = z.object({
  passwordHash: z.string().startsWith('$argon2id$', 'expected an argon2id hash'),
  createdAt: z.iso.datetime({ offset: true }),
});

const ADD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1], 'createdAt', ARGV[2], 'passwordChangedAt', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 1
`;
// Only an existing account: a password change must never create one.
const SET_PASSWORD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1], 'passwordChangedAt', ARGV[2])
return 1
`;
// Compare-and-set: an upgraded hash never overwrites a password changed in between.
const REHASH = `
if redis.call('HGET', KEYS[1], 'passwordHash') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[2])
return 1
`;
const REMOVE = `
local removed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return removed
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    staffAccountAdd(accountKey: string, indexKey: string, passwordHash: string, createdAt: string, username: string): Result<number, Context>;
    staffAccountSetPassword(accountKey: string, passwordHash: string, changedAt: string): Result<number, Context>;
    staffAccountRehash(accountKey: string, expectedHash: string, newHash: string): Result<number, Context>;
    staffAccountRemove(accountKey: string, indexKey: string, username: string): Result<number, Context>;
  }
}

export interface StaffAccountsOptions {
  /** Key prefix, e.g. `aka:`. */
  prefix: string;
  /** The clock for createdAt; tests pass a fixed one. */
  now?: () => Date;
}

export class StaffAccounts {
  private readonly keys: StaffKeys;
  private readonly now: () => Date;

  constructor(
    private readonly redis: RedisClient,
    options: StaffAccountsOptions,
  ) {
    this.keys = staffKeys(options.prefix);
    this.now = options.now ?? (() => new Date());
    // Defining a command again on a shared connection only replaces it with the same script.
    redis.defineCommand('staffAccountAdd', { numberOfKeys: 2, lua: ADD });
    redis.defineCommand('staffAccountSetPassword', { numberOfKeys: 1, lua: SET_PASSWORD });
    redis.defineCommand('staffAccountRehash', { numberOfKeys: 1, lua: REHASH });
    redis.defineCommand('staffAccountRemove', { numberOfKeys: 2, lua: REMOVE });
  }

  /** Creates an account; throws StaffAccountExistsError if the name is taken. Resolves to the stored name. */
  async add(username: string, password: string): Promise<string> {
    const name = validStaffInput('username', username);
    const passwordHash = await passwords.hashPassword(validStaffInput('password', password));
    const added = await this.redis.staffAccountAdd(this.keys.account(name), this.keys.accountIndex, passwordHash, this.now().toISOString(), name);
    if (added !== 1) throw new StaffAccountExistsError(name);
    return name;
  }

  /** Replaces the password; throws StaffAccountNotFoundError if there is no such account. End the user's sessions after it. */
  async setPassword(username: string, password: string): Promise<void> {
    const name = validStaffInput('username', username);
    const passwordHash = await passwords.hashPassword(validStaffInput('password', password));
    const changed = await this.redis.staffAccountSetPassword(this.keys.account(name), passwordHash, this.now().toISOString());
    if (changed !== 1) throw new StaffAccountNotFoundError(name);
  }

  /** Deletes the account; false if there was none. End the user's sessions after it. */
  async remove(username: string): Promise<boolean> {
    const name = validStaffInput('username', username);
    return (await this.redis.staffAccountRemove(this.keys.account(name), this.keys.accountIndex, name)) === 1;
  }

  /** Every account, by name. */
  async list(): Promise<StaffAccountSummary[]> {
    const names = (await this.redis.smembers(this.keys.accountIndex)).sort();
    if (names.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.hget(this.keys.account(name), 'createdAt');
    const replies = (await pipeline.exec()) ?? [];
    const accounts: StaffAccountSummary[] = [];
    names.forEach((username, index) => {
      const [error, createdAt] = replies[index] ?? [new Error('no reply'), null];
      if (error) throw error;
      // A name left in the index by a hand-deleted account is no account.
      if (createdAt === null) return;
      const parsed = z.iso.datetime({ offset: true }).safeParse(createdAt);
      if (!parsed.success) throw new CorruptRecordError(this.keys.account(username), 'createdAt: expected an ISO date-time');
      accounts.push({ username, createdAt: parsed.data });
    });
    return accounts;
  }

  /**
   * True only for an existing account and its password. Anything else – an unknown or malformed name, a
   * password that breaks the rules – is false after the same argon2 work as a wrong password (never an error),
   * so a login route cannot tell, and cannot let its caller tell, which names exist. Rejects only when Redis
   * cannot answer or the stored record is corrupt.
   */
  async verify(username: string, password: string): Promise<boolean> {
    const name = staffUsernameSchema.safeParse(username);
    const candidate = staffPasswordSchema.safeParse(password);
    const key = name.success ? this.keys.account(name.data) : undefined;
    const stored = key ? await this.redis.hgetall(key) : {};
    if (!key || !candidate.success || Object.keys(stored).length === 0) {
      await passwords.verifyPassword(DUMMY_PASSWORD_HASH, typeof password === 'string' ? password.slice(0, STAFF_PASSWORD_MAX_CHARS) : '');
      return false;
    }
    const account = storedAccountSchema.safeParse(stored);
    if (!account.success) throw new CorruptRecordError(key, account.error.issues[0]?.message ?? 'not a staff account');
    let matches: boolean;
    try {
      matches = await passwords.verifyPassword(account.data.passwordHash, candidate.data);
    } catch {
      throw new CorruptRecordError(key, 'passwordHash: not a readable argon2 hash');
    }
    if (matches && passwords.needsRehash(account.data.passwordHash)) {
      await this.upgradeHash(key, account.data.passwordHash, candidate.data);
    }
    return matches;
  }

  /** Best effort: the login has succeeded either way, and the next one tries again. */
  private async upgradeHash(key: string, oldHash: string, password: string): Promise<void> {
    try {
      await this.redis.staffAccountRehash(key, oldHash, await passwords.hashPassword(password));
    } catch {
      // Nothing to do: the old hash still verifies.
    }
  }
}
