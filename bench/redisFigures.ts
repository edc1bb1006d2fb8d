/**
 * Redis figures for the load benchmark (bench/load.ts): commands by name from `INFO commandstats`, CPU and
 * memory from `INFO`, and a census of the keys a run left behind, by kind, with `MEMORY USAGE` of a sample of
 * each kind.
 */
import type Redis from 'ioredis';

export type CommandStats = Map<string, { calls: number; usec: number }>;

/** Our own monitoring commands during a block, left out of the bot's count (the census runs after the blocks). */
const MONITOR_COMMANDS = new Set(['info', 'config|resetstat', 'config']);

export function parseCommandStats(info: string): CommandStats {
  const stats: CommandStats = new Map();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match && !MONITOR_COMMANDS.has(match[1]!)) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** Adds what happened between `before` and `after` to `total`. */
export function addStats(total: CommandStats, before: CommandStats, after: CommandStats): void {
  for (const [name, { calls, usec }] of after) {
    const earlier = before.get(name) ?? { calls: 0, usec: 0 };
    const sum = total.get(name) ?? { calls: 0, usec: 0 };
    sum.calls += calls - earlier.calls;
    sum.usec += usec - earlier.usec;
    if (sum.calls > 0) total.set(name, sum);
  }
}

export function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

export async function redisCpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  return Math.round((Number(infoField(info, 'used_cpu_user')) + Number(infoField(info, 'used_cpu_sys'))) * 1e6);
}

export async function usedMemory(redis: Redis): Promise<number> {
  return Number(infoField(await redis.info('memory'), 'used_memory'));
}

/** Which conversations a kind of key belongs to: one channel's, or shared by all of the bot's conversations. */
export type KeyOwner = 'api' | 'directline' | 'shared';

export interface KeyKind {
  kind: string;
  owner: KeyOwner;
  /** Kept after the conversation has finished (false: gone within a minute, or deleted at the end of the turn). */
  lasting: boolean;
  /** The kind's TTL, as the product sets it (for the report). */
  lifetime: string;
}

/** The kind of a key by its name after the prefix (names as the product's stores give them). */
export function kindOf(name: string): KeyKind {
  const rules: [RegExp, KeyKind][] = [
    [/^state:\{bench\//, { kind: 'bot state', owner: 'api', lasting: true, lifetime: 'STATE_TTL_SECONDS after the last turn' }],
    [/^state:\{directline\//, { kind: 'bot state', owner: 'directline', lasting: true, lifetime: 'STATE_TTL_SECONDS after the last turn' }],
    [/^directline:\{.*\}:activities$/, { kind: 'Direct Line activity log (list)', owner: 'directline', lasting: true, lifetime: 'DIRECT_LINE_TOKEN_TTL_SECONDS after the last use' }],
    [/^directline:\{.*\}:conversation$/, { kind: 'Direct Line conversation (hash)', owner: 'directline', lasting: true, lifetime: 'DIRECT_LINE_TOKEN_TTL_SECONDS after the last use' }],
    [/^directline:\{.*\}:ended$/, { kind: 'Direct Line ended mark', owner: 'directline', lasting: true, lifetime: 'token TTL + 60 s' }],
    [/^directline-limit:/, { kind: 'Direct Line rate-limit counters', owner: 'directline', lasting: false, lifetime: '60 s' }],
    [/^callbacks:\{cb\}:req:/, { kind: 'callback request (string)', owner: 'shared', lasting: true, lifetime: 'none while open; CALLBACK_RETENTION_DAYS after closing' }],
    [/^callbacks:\{cb\}:queue$/, { kind: 'staff queue (sorted set)', owner: 'shared', lasting: true, lifetime: 'none' }],
    [/^callbacks:\{cb\}:submitted:/, { kind: 'idempotency key (string)', owner: 'shared', lasting: true, lifetime: 'set by the callback store' }],
    [/^callbacks:\{cb\}:seq:/, { kind: 'reference sequence', owner: 'shared', lasting: true, lifetime: 'none' }],
    [/^stats:/, { kind: 'weekly statistics', owner: 'shared', lasting: true, lifetime: 'none' }],
    [/^audit:/, { kind: 'audit stream', owner: 'shared', lasting: true, lifetime: 'none' }],
    [/^lock:/, { kind: 'turn lock', owner: 'shared', lasting: false, lifetime: 'deleted at the end of the turn' }],
  ];
  return rules.find(([pattern]) => pattern.test(name))?.[1] ?? { kind: `other (${name.split(/[:{]/)[0]})`, owner: 'shared', lasting: true, lifetime: '?' };
}

export interface KindCensus extends KeyKind {
  keys: number;
  sampled: number;
  /** MEMORY USAGE (SAMPLES 0) averaged over the sample, times the number of keys. */
  bytes: number;
  /** Members of the kind's one collection (the queue's entries), when it is one key holding many. */
  entries?: number;
  ttlSeconds?: number;
}

/**
 * Every key under `prefix`, counted by kind; `MEMORY USAGE … SAMPLES 0` (every element counted) of up to
 * `samplePerKind` keys of each kind, spread evenly over the kind's keys.
 */
export async function keyCensus(redis: Redis, prefix: string, samplePerKind = 200): Promise<KindCensus[]> {
  const byKind = new Map<string, { kind: KeyKind; names: string[] }>();
  let cursor = '0';
  do {
    const [next, names] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const name of names) {
      const kind = kindOf(name.slice(prefix.length));
      const id = `${kind.kind}|${kind.owner}`;
      const entry = byKind.get(id) ?? { kind, names: [] };
      entry.names.push(name);
      byKind.set(id, entry);
    }
  } while (cursor !== '0');

  const result: KindCensus[] = [];
  for (const { kind, names } of byKind.values()) {
    const step = Math.max(1, Math.floor(names.length / samplePerKind));
    const sample = names.filter((_, index) => index % step === 0).slice(0, samplePerKind);
    const sizes = await Promise.all(sample.map(async (name) => Number((await redis.call('MEMORY', 'USAGE', name, 'SAMPLES', '0')) ?? 0)));
    const mean = sizes.reduce((sum, size) => sum + size, 0) / Math.max(1, sizes.length);
    const ttl = await redis.ttl(sample[0]!);
    const census: KindCensus = { ...kind, keys: names.length, sampled: sample.length, bytes: mean * names.length, ...(ttl > 0 ? { ttlSeconds: ttl } : {}) };
    if (names.length === 1 && kind.kind === 'staff queue (sorted set)') census.entries = await redis.zcard(names[0]!);
    result.push(census);
  }
  return result.sort((a, b) => b.bytes - a.bytes);
}
