import { randomUUID } from 'node:crypto';
import type { Result } from 'ioredis';
import { z } from 'zod';
import { maskSensitive } from '../privacy/mask';
import type { RedisClient } from '../redis/connection';
import { decodeStoredJson, validInput } from '../redis/storedJson';

/**
 * The living room's suggestion box (aloitelaatikko): residents' anonymous ideas for its activities. A
 * suggestion holds no phone number and no name; a resident who wants an answer asks for a callback instead.
 */

export const SUGGESTION_MAX_CHARS = 1000;

const suggestionId = z.uuid();

export const suggestionSchema = z.strictObject({
  id: suggestionId,
  createdAt: z.iso.datetime({ offset: true }),
  text: z.string().trim().min(1, 'expected a suggestion, not empty text').max(SUGGESTION_MAX_CHARS),
  channel: z.string().min(1).max(100),
  read: z.boolean(),
});

export type Suggestion = z.output<typeof suggestionSchema>;

const newSuggestionSchema = z.strictObject({ text: z.string(), channel: z.string(), now: z.date() });
const listOptionsSchema = z.strictObject({ limit: z.int().positive().optional() });

/** All keys share the hash tag {sg}: one Redis Cluster slot, so a script may write an item and the index together. */
export function suggestionKeys(prefix: string) {
  const base = `${prefix}suggestions:{sg}:`;
  return {
    item: (id: string) => `${base}item:${id}`,
    /** Every suggestion's id, scored by its time in milliseconds. */
    index: `${base}index`,
  };
}

const ADD = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
`;

// Compare-and-set, so that marking read never overwrites a change made in between.
const REPLACE_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    suggestionAdd(itemKey: string, indexKey: string, suggestion: string, score: number, id: string): Result<number, Context>;
    suggestionReplace(itemKey: string, expected: string, replacement: string): Result<number, Context>;
  }
}

const MARK_READ_ATTEMPTS = 5;

export class SuggestionStore {
  private readonly keys: ReturnType<typeof suggestionKeys>;

  constructor(
    private readonly redis: RedisClient,
    options: { prefix: string },
  ) {
    this.keys = suggestionKeys(options.prefix);
    // Defining a command again on a shared connection only replaces it with the same script.
    redis.defineCommand('suggestionAdd', { numberOfKeys: 2, lua: ADD });
    redis.defineCommand('suggestionReplace', { numberOfKeys: 1, lua: REPLACE_IF_UNCHANGED });
  }

  /** Stores a suggestion with any identity code, account or card number masked; resolves once Redis has it. */
  async add(input: { text: string; channel: string; now: Date }): Promise<Suggestion> {
    const { text, channel, now } = validInput('suggestion', newSuggestionSchema, input);
    const suggestion = validInput('suggestion', suggestionSchema, {
      id: randomUUID(),
      createdAt: now.toISOString(),
      text: maskSensitive(text).text,
      channel,
      read: false,
    });
    const added = await this.redis.suggestionAdd(this.keys.item(suggestion.id), this.keys.index, JSON.stringify(suggestion), now.getTime(), suggestion.id);
    if (added !== 1) throw new Error(`Suggestion id ${suggestion.id} is already in use`);
    return suggestion;
  }

  /** Newest first; `limit` keeps a long history from being read all at once. */
  async list(options: { limit?: number } = {}): Promise<Suggestion[]> {
    const { limit } = validInput('list options', listOptionsSchema, options);
    const ids = await this.redis.zrevrange(this.keys.index, 0, limit === undefined ? -1 : limit - 1);
    if (ids.length === 0) return [];
    const keys = ids.map((id) => this.keys.item(id));
    const stored = await this.redis.mget(keys);
    return keys.flatMap((key, index) => {
      const value = stored[index];
      // Indexed but gone: only a manual delete or memory eviction does that; there is nothing left to show.
      return value === null || value === undefined ? [] : [decodeStoredJson(key, value, suggestionSchema)];
    });
  }

  /** Marks a suggestion read; undefined if there is no such suggestion. */
  async markRead(id: string): Promise<Suggestion | undefined> {
    if (!suggestionId.safeParse(id).success) return undefined;
    const key = this.keys.item(id);
    for (let attempt = 0; attempt < MARK_READ_ATTEMPTS; attempt += 1) {
      const stored = await this.redis.get(key);
      if (stored === null) return undefined;
      const suggestion = decodeStoredJson(key, stored, suggestionSchema);
      if (suggestion.read) return suggestion;
      const read: Suggestion = { ...suggestion, read: true };
      if ((await this.redis.suggestionReplace(key, stored, JSON.stringify(read))) === 1) return read;
    }
    throw new Error(`Suggestion ${id} kept changing while it was being marked read; try again`);
  }
}
