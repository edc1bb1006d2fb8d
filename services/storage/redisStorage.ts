import { randomUUID } from 'node:crypto';
import type { Result } from 'ioredis';
import type { RedisClient } from '../redis/connection';
import { taggedKey } from './keys';

/** One stored document, as the bot's state layer sees it (structurally botbuilder's `StoreItem`). */
export type StoreItem = { eTag?: string } & Record<string, unknown>;
export type StoreItems = Record<string, StoreItem>;

export class StorageConflictError extends Error {
  constructor(readonly key: string) {
    // Same wording as botbuilder's MemoryStorage, so callers cannot tell the two stores apart.
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'StorageConflictError';
  }
}

// Compare-and-set in one step inside Redis. A new item, '*' or no eTag always writes; otherwise the stored
// eTag must match. The TTL is refreshed on every write.
const WRITE_IF_MATCH = `
local stored = redis.call('HGET', KEYS[1], 'etag')
local expected = ARGV[1]
if stored and expected ~= '' and expected ~= '*' and stored ~= expected then
  return 0
end
redis.call('HSET', KEYS[1], 'etag', ARGV[2], 'doc', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    storageWriteIfMatch(key: string, expectedETag: string, newETag: string, doc: string, ttlMs: number): Result<number, Context>;
  }
}

export interface RedisStorageOptions {
  /** Key prefix, e.g. `aka:`; state keys become `aka:state:{<storage key>}`. */
  prefix: string;
  /** How long a document lives after its last write. */
  ttlSeconds: number;
}

/**
 * Bot state storage over Redis with the same contract as botbuilder's `MemoryStorage`
 * (read, write with eTag compare-and-set, delete). It has no dependency on botbuilder: it satisfies the
 * `Storage` interface by shape, so the domain code survives a move to another bot SDK.
 */
export class RedisStorage {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisStorageOptions,
  ) {
    // Defining a command again on a shared connection only replaces it with the same script.
    redis.defineCommand('storageWriteIfMatch', { numberOfKeys: 1, lua: WRITE_IF_MATCH });
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    // One GET-like command per key (no MGET): keys of different records may sit in different cluster slots.
    const found = await Promise.all(keys.map((key) => this.redis.hmget(this.redisKey(key), 'etag', 'doc')));
    const items: StoreItems = {};
    found.forEach(([eTag, doc], index) => {
      if (doc === null || doc === undefined) return;
      items[keys[index]!] = { ...(JSON.parse(doc) as StoreItem), eTag: eTag ?? undefined };
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const ttlMs = this.options.ttlSeconds * 1000;
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag: expected, ...document } = item ?? {};
        const written = await this.redis.storageWriteIfMatch(
          this.redisKey(key),
          typeof expected === 'string' ? expected : '',
          randomUUID(),
          JSON.stringify(document),
          ttlMs,
        );
        if (written !== 1) throw new StorageConflictError(key);
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    await Promise.all(keys.map((key) => this.redis.del(this.redisKey(key))));
  }

  private redisKey(key: string): string {
    return taggedKey(this.options.prefix, 'state', key);
  }
}
