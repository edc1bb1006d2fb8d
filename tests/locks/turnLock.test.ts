import type Redis from 'ioredis';
import { LocalTurnLock, LockTimeoutError, RedisTurnLock, type LockTiming, type TurnLock } from '../../services/locks/turnLock';
import { connectTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../support/testRedis';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Waits until `condition` holds, polling; fails the test if it never does. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

/** Counts how many pieces of work run at once under a lock, and the most that ever did. */
class OverlapProbe {
  active = 0;
  maxActive = 0;
  finished = 0;

  work(holdMs: number): () => Promise<void> {
    return async () => {
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      await sleep(holdMs);
      this.active--;
      this.finished++;
    };
  }
}

/**
 * Two pieces of work that each wait (up to a limit) until the other has started: they can both see each other
 * only if they run at the same time.
 */
function meetingPair(): [() => Promise<boolean>, () => Promise<boolean>] {
  const started = [false, false];
  const side = (me: 0 | 1) => async () => {
    started[me] = true;
    const deadline = Date.now() + 2_000;
    while (!started[1 - me] && Date.now() < deadline) await sleep(5);
    return started[1 - me]!;
  };
  return [side(0), side(1)];
}

describe('RedisTurnLock with two connections (two bot instances)', () => {
  const connections: Redis[] = [];
  const prefixes: string[] = [];
  let redisA: Redis;
  let redisB: Redis;
  let prefix: string;

  /** The lock as bot instance A or B would build it, with the shared prefix of this test. */
  const lockOn = (redis: Redis, timing: Partial<LockTiming> = {}) => new RedisTurnLock(redis, prefix, { ttlMs: 2_000, waitMs: 5_000, ...timing });
  const lockKey = (name: string) => `${prefix}lock:{${name}}`;

  beforeAll(() => {
    redisA = connectTestRedis();
    redisB = connectTestRedis();
    connections.push(redisA, redisB);
  });
  beforeEach(() => {
    prefix = uniquePrefix('lock');
    prefixes.push(prefix);
  });
  afterAll(async () => {
    for (const used of prefixes) await deleteKeysWithPrefix(redisA, used);
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  it('never runs two pieces of work under the same key at once, across both instances', async () => {
    const locks = [lockOn(redisA), lockOn(redisB)];
    const probe = new OverlapProbe();
    // A read-modify-write of a shared counter in Redis: without mutual exclusion, increments would be lost.
    const counterKey = `${prefix}counter`;
    const increment = async () => {
      await probe.work(1)();
      const value = Number((await redisA.get(counterKey)) ?? '0');
      await sleep(10);
      await redisB.set(counterKey, String(value + 1));
    };

    await Promise.all(Array.from({ length: 12 }, (_, index) => locks[index % 2]!.runExclusive('conv-1', increment)));

    expect(probe.maxActive).toBe(1);
    expect(probe.finished).toBe(12);
    expect(await redisA.get(counterKey)).toBe('12');
    expect(await redisA.exists(lockKey('conv-1'))).toBe(0);
  });

  it('runs work under different keys at the same time', async () => {
    const [first, second] = meetingPair();
    const results = await Promise.all([lockOn(redisA).runExclusive('conv-a', first), lockOn(redisB).runExclusive('conv-b', second)]);
    expect(results).toEqual([true, true]);
  });

  it('gives a waiter that cannot get the lock within waitMs a LockTimeoutError, and never runs its work', async () => {
    const holderStarted = deferred();
    const holderMayFinish = deferred();
    const holder = lockOn(redisA).runExclusive('conv-busy', async () => {
      holderStarted.resolve();
      await holderMayFinish.promise;
      return 'holder done';
    });
    await holderStarted.promise;

    const waiterWork = jest.fn(async () => 'waiter done');
    const waiter = lockOn(redisB, { waitMs: 150 }).runExclusive('conv-busy', waiterWork);
    await expect(waiter).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(waiter).rejects.toMatchObject({ name: 'LockTimeoutError' });

    holderMayFinish.resolve();
    await expect(holder).resolves.toBe('holder done');
    // Even after the lock was freed, the timed-out waiter's work did not run late.
    await sleep(50);
    expect(waiterWork).not.toHaveBeenCalled();
  });

  it('respects a lock left by a dead holder until it expires, then takes it over', async () => {
    // A crashed instance: its lock stays in Redis, and nobody will ever release or extend it.
    await redisA.set(lockKey('conv-dead'), 'token-of-a-dead-process', 'PX', 600);

    const tooImpatient = jest.fn(async () => undefined);
    await expect(lockOn(redisB, { waitMs: 150 }).runExclusive('conv-dead', tooImpatient)).rejects.toBeInstanceOf(LockTimeoutError);
    expect(tooImpatient).not.toHaveBeenCalled();

    let heldBy: string | null = null;
    const result = await lockOn(redisB, { waitMs: 5_000 }).runExclusive('conv-dead', async () => {
      heldBy = await redisA.get(lockKey('conv-dead'));
      return 'taken over';
    });
    expect(result).toBe('taken over');
    expect(heldBy).not.toBeNull();
    expect(heldBy).not.toBe('token-of-a-dead-process');
    expect(await redisA.exists(lockKey('conv-dead'))).toBe(0);
  });

  it('keeps extending the lock while slow work runs past ttlMs, so a contender cannot get in meanwhile', async () => {
    const ttlMs = 300;
    const slow = new OverlapProbe();
    const holderStarted = deferred();
    const holder = lockOn(redisA, { ttlMs }).runExclusive('conv-slow', async () => {
      holderStarted.resolve();
      await slow.work(5 * ttlMs)();
      return 'slow work done';
    });
    await holderStarted.promise;

    // The contender waits well past the lock's ttl, but not past the end of the holder's work.
    const contenderWork = jest.fn(async () => {
      expect(slow.active).toBe(0);
    });
    await expect(lockOn(redisB, { ttlMs, waitMs: 3 * ttlMs }).runExclusive('conv-slow', contenderWork)).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    expect(contenderWork).not.toHaveBeenCalled();
    // The lock is still there and still alive while the holder works.
    expect(await redisA.pttl(lockKey('conv-slow'))).toBeGreaterThan(0);

    await expect(holder).resolves.toBe('slow work done');
    // Afterwards the contender gets in at once.
    await lockOn(redisB, { ttlMs, waitMs: 3 * ttlMs }).runExclusive('conv-slow', contenderWork);
    expect(contenderWork).toHaveBeenCalledTimes(1);
  });

  it("never deletes or extends another holder's lock when releasing", async () => {
    const ttlMs = 300;
    const result = await lockOn(redisA, { ttlMs }).runExclusive('conv-stolen', async () => {
      // As if this holder had stalled past its ttl and another instance had taken the lock since.
      await redisB.set(lockKey('conv-stolen'), 'token-of-the-new-holder', 'PX', 10_000);
      await sleep(ttlMs); // long enough for the keep-alive to try an extension
      return 'stale holder done';
    });
    expect(result).toBe('stale holder done');
    expect(await redisA.get(lockKey('conv-stolen'))).toBe('token-of-the-new-holder');
    // Its expiry was not pushed back to ttlMs by the old holder's keep-alive either.
    expect(await redisA.pttl(lockKey('conv-stolen'))).toBeGreaterThan(ttlMs);
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const failure = new Error('the turn failed');
    await expect(
      lockOn(redisA).runExclusive('conv-fail', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await redisA.exists(lockKey('conv-fail'))).toBe(0);

    // The other instance gets the lock at once, long before the failed holder's ttl (2 s) would have run out.
    const next = jest.fn(async () => 'next turn');
    await expect(lockOn(redisB, { waitMs: 150 }).runExclusive('conv-fail', next)).resolves.toBe('next turn');
    expect(next).toHaveBeenCalledTimes(1);
  });

  it('returns the value of the work and leaves no lock key behind', async () => {
    await expect(lockOn(redisA).runExclusive('conv-value', async () => ({ answer: 42 }))).resolves.toEqual({ answer: 42 });
    expect(await redisA.exists(lockKey('conv-value'))).toBe(0);
  });
});

describe('LocalTurnLock (one process, no Redis)', () => {
  it('never runs two pieces of work under the same key at once', async () => {
    const lock: TurnLock = new LocalTurnLock(5_000);
    const probe = new OverlapProbe();
    let shared = 0;
    const increment = async () => {
      await probe.work(1)();
      const value = shared;
      await sleep(5);
      shared = value + 1;
    };
    await Promise.all(Array.from({ length: 10 }, () => lock.runExclusive('conv-1', increment)));
    expect(probe.maxActive).toBe(1);
    expect(shared).toBe(10);
  });

  it('runs work under different keys at the same time', async () => {
    const lock = new LocalTurnLock(5_000);
    const [first, second] = meetingPair();
    expect(await Promise.all([lock.runExclusive('conv-a', first), lock.runExclusive('conv-b', second)])).toEqual([true, true]);
  });

  it('gives a waiter that cannot get the lock within waitMs a LockTimeoutError, and never runs its work', async () => {
    const lock = new LocalTurnLock(100);
    const holderMayFinish = deferred();
    const holder = lock.runExclusive('conv-busy', () => holderMayFinish.promise);
    const waiterWork = jest.fn(async () => undefined);
    await expect(lock.runExclusive('conv-busy', waiterWork)).rejects.toBeInstanceOf(LockTimeoutError);
    holderMayFinish.resolve();
    await holder;
    await sleep(20);
    expect(waiterWork).not.toHaveBeenCalled();
  });

  it('keeps serialising after a waiter timed out: a later turn still waits for the holder', async () => {
    const lock = new LocalTurnLock(100);
    const probe = new OverlapProbe();
    const holder = lock.runExclusive('conv-1', probe.work(400));
    await until(() => probe.active === 1, 'the holder runs');

    // This waiter gives up while the holder still works...
    await expect(lock.runExclusive('conv-1', probe.work(1))).rejects.toBeInstanceOf(LockTimeoutError);
    // ...and must not leave the key looking free: the next turn has to wait for the holder too (and time out).
    const late = jest.fn(probe.work(1));
    await expect(lock.runExclusive('conv-1', late)).rejects.toBeInstanceOf(LockTimeoutError);
    expect(late).not.toHaveBeenCalled();
    expect(probe.maxActive).toBe(1);

    await holder;
    // Once the holder is done, the key is free again.
    await lock.runExclusive('conv-1', late);
    expect(late).toHaveBeenCalledTimes(1);
    expect(probe.maxActive).toBe(1);
    // And nothing is kept for the key once all its turns are over.
    await sleep(0);
    expect((lock as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const lock = new LocalTurnLock(100);
    const failure = new Error('the turn failed');
    await expect(
      lock.runExclusive('conv-fail', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await expect(lock.runExclusive('conv-fail', async () => 'next turn')).resolves.toBe('next turn');
  });
});
