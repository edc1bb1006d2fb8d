import { z } from 'zod';
import { CALLBACK_REF } from '../callbacks/request';
import { maskForLog } from '../privacy/mask';
import type { RedisClient } from '../redis/connection';
import { CorruptRecordError, validInput } from '../redis/storedJson';

/**
 * The staff console's audit trail: who did what, and when. It is an append-only Redis Stream (XADD, never
 * edited, never trimmed) and holds only references – a request's reference or a suggestion's id – never a
 * phone number, a name or a summary, so it needs no retention period of its own and outlives the requests.
 *
 * The stream shares the hash tag {cb} with the callback requests: the scripts that claim, release, close and
 * reopen a request append their entry in the same atomic step, which on Redis Cluster needs one slot.
 */
export function auditKey(prefix: string): string {
  return `${prefix}audit:{cb}:trail`;
}

export const AUDIT_ACTIONS = [
  'login',
  'logout',
  'list',
  'view',
  'claim',
  'release',
  'close',
  'reopen',
  'stale-return',
  'suggestions',
  'suggestion-read',
  'stats',
  'export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who an entry names when nobody did it: a claim returned to the queue after its timeout. */
export const SYSTEM_ACTOR = 'system';

export const AUDIT_DETAIL_MAX_CHARS = 200;

/**
 * A staff user name as the accounts keep it (services/staff/accounts.ts): short, no spaces, so a sentence
 * (or a resident's words) cannot pass for one. Deliberately a little looser than the accounts' own rule.
 */
export const staffNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'expected a staff user name');

/** A callback request's reference or a suggestion's id: what an entry may point at. */
const auditRef = z.union([z.string().regex(CALLBACK_REF), z.uuid()], { error: 'expected a callback reference or a suggestion id' });

const isoInstant = z.iso.datetime({ offset: true });

export const auditEntrySchema = z.strictObject({
  at: isoInstant,
  who: staffNameSchema,
  action: z.enum(AUDIT_ACTIONS),
  ref: auditRef.optional(),
  detail: z.string().min(1).max(AUDIT_DETAIL_MAX_CHARS).optional(),
});

/** One entry as read back: the stream's own id first (unique, in the order the entries were appended). */
export type AuditEntry = { id: string } & z.output<typeof auditEntrySchema>;

export interface AuditInput {
  at: Date;
  who: string;
  action: AuditAction;
  ref?: string;
  /** Short and free of personal data, e.g. "outcome=helped" or "status=new service=kela"; masked like a log line all the same. */
  detail?: string;
}

const auditInputSchema = z.strictObject({
  at: z.date(),
  who: staffNameSchema,
  action: z.enum(AUDIT_ACTIONS),
  ref: auditRef.optional(),
  detail: z.string().min(1).max(AUDIT_DETAIL_MAX_CHARS).optional(),
});

/**
 * The stream fields of one entry, validated: [field, value, field, value, …]. The callback scripts take
 * these as their last arguments and pass them to XADD, so every entry has one shape whoever appends it.
 */
export function auditFields(input: AuditInput): string[] {
  const entry = validInput('audit entry', auditInputSchema, input);
  const fields = ['at', entry.at.toISOString(), 'who', entry.who, 'action', entry.action];
  if (entry.ref !== undefined) fields.push('ref', entry.ref);
  // A detail should never carry personal data; a slip is masked as the logger would mask it.
  if (entry.detail !== undefined) fields.push('detail', maskForLog(entry.detail));
  return fields;
}

const recentOptionsSchema = z.strictObject({ limit: z.int().min(1).max(1000).optional() });

export class AuditTrail {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    options: { prefix: string },
  ) {
    this.key = auditKey(options.prefix);
  }

  /** Appends an entry for what the API does itself (login, logout, list, view, export …); resolves to it once stored. */
  async record(input: AuditInput): Promise<AuditEntry> {
    const fields = auditFields(input);
    const id = await this.redis.xadd(this.key, '*', ...fields);
    if (id === null) throw new Error(`Redis did not append to the audit trail at ${this.key}`);
    return decodeEntry(this.key, id, fields);
  }

  /** The latest entries, newest first (100 unless told otherwise, at most 1000). */
  async recent(options: { limit?: number } = {}): Promise<AuditEntry[]> {
    const { limit = 100 } = validInput('audit options', recentOptionsSchema, options);
    const entries = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', limit);
    return entries.map(([id, fields]) => decodeEntry(this.key, id, fields));
  }
}

function decodeEntry(key: string, id: string, fields: string[]): AuditEntry {
  const value: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) value[fields[index]!] = fields[index + 1]!;
  const parsed = auditEntrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptRecordError(key, `entry ${id}: ${issue ? `${issue.path.join('.') || 'entry'}: ${issue.message}` : 'not an audit entry'}`);
  }
  return { id, ...parsed.data };
}
