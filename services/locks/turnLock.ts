import { randomUUID } from 'node:crypto';
import type { Result } from 'ioredis';
import type { RedisClient } from '../redis/connection';
import { taggedKey } from '../storage/keys';

/**
 * Serialises the turns of one conversation. Bot state is saved last-writer-wins, so two messages of the
 * same conversation handled at once (two quick messages, or two bot instances) would lose one update.
 */
export interface TurnLock {
  /** Runs `work` while holding the lock named `key`; throws LockTimeoutError if it cannot be had in time. */
  runExclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export class LockTimeoutError extends Error {
  constructor(readonly key: string, readonly waitedMs: number) {
    super(`Lock "${key}" not acquired within ${waitedMs} ms`);
    this.name = 'LockTimeoutError';
  }
}

export interface LockTiming {
  /** The lock expires by itself after this long if its holder dies; a live holder keeps extending it. */
  ttlMs: number;
  /** How long a turn waits for the lock before giving up. */
  waitMs: number;
}

const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const EXTEND_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    lockRelease(key: string, token: string): Result<number, Context>;
    lockExtend(key: string, token: string, ttlMs: number): Result<number, Context>;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A lock in Redis (SET NX PX with an owner token; release and extend check the token in Lua), shared by all
 * bot instances on the same Redis. The holder extends the expiry while its work runs, so a slow turn is not
 * overtaken, yet a crashed process frees the conversation within `ttlMs`.
 */
export class RedisTurnLock implements TurnLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly timing: LockTiming,
  ) {
    // Defining a command again on a shared connection only replaces it with the same script.
    redis.defineCommand('lockRelease', { numberOfKeys: 1, lua: RELEASE_IF_OWNER });
    redis.defineCommand('lockExtend', { numberOfKeys: 1, lua: EXTEND_IF_OWNER });
  }

  async runExclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const key = taggedKey(this.prefix, 'lock', name);
    const token = randomUUID();
    await this.acquire(key, token);
    const keepAlive = setInterval(() => {
      this.redis.lockExtend(key, token, this.timing.ttlMs).catch(() => undefined);
    }, Math.max(50, Math.floor(this.timing.ttlMs / 3)));
    keepAlive.unref();
    try {
      return await work();
    } finally {
      clearInterval(keepAlive);
      // If Redis is unreachable now, the lock simply expires after ttlMs.
      await this.redis.lockRelease(key, token).catch(() => undefined);
    }
  }

  private async acquire(key: string, token: string): Promise<void> {
    const started = Date.now();
    let pause = 5;
    for (;;) {
      const taken = await this.redis.set(key, token, 'PX', this.timing.ttlMs, 'NX');
      if (taken === 'OK') return;
      const waited = Date.now() - started;
      if (waited >= this.timing.waitMs) throw new LockTimeoutError(key, waited);
      // Short, jittered pauses: a chat turn usually takes milliseconds, so the next one should not wait long.
      await sleep(Math.min(pause + Math.random() * pause, this.timing.waitMs - waited));
      pause = Math.min(pause * 2, 100);
    }
  }
}

/** The same guarantee inside one process, for the in-memory quick-try mode that has no Redis. */
export class LocalTurnLock implements TurnLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly waitMs: number) {}

  async runExclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await withTimeout(previous, this.waitMs, () => new LockTimeoutError(key, this.waitMs));
      return await work();
    } finally {
      release();
      // Forget the key only when every turn queued before this one is done too: a waiter that timed out must not
      // make the key look free while an earlier holder still works.
      void tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
