import type { z } from 'zod';

/**
 * A record read back from Redis that is not what was written (hand-edited, truncated, an older format). The
 * message names the key and what is wrong, never the stored value: it may hold a resident's personal data.
 */
export class CorruptRecordError extends Error {
  constructor(readonly key: string, readonly reason: string) {
    super(`Corrupt record at Redis key "${key}": ${reason}`);
    this.name = 'CorruptRecordError';
  }
}

/** Parses and validates one stored JSON document. */
export function decodeStoredJson<S extends z.ZodType>(key: string, stored: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    throw new CorruptRecordError(key, 'not JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRecordError(key, describeIssue(parsed.error));
  return parsed.data;
}

/** Validates what a caller hands to a store; the error names the field, not its value. */
export function validInput<S extends z.ZodType>(what: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TypeError(`Invalid ${what}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match its schema';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
