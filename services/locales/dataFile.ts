import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** A data file under locales/ that is missing, is not JSON or does not match its schema. */
export class LocaleDataError extends Error {
  constructor(readonly file: string, readonly at: string, readonly reason: string) {
    super(`Invalid locale data in ${file}${at ? ` at ${at}` : ''}: ${reason}`);
    this.name = 'LocaleDataError';
  }
}

/** Reads and validates one JSON data file; the error names the file, the path inside it and the reason. */
export function readDataFile<S extends z.ZodType>(dir: string, name: string, schema: S): z.output<S> {
  const file = join(dir, name);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LocaleDataError(file, '', error instanceof Error ? error.message : String(error));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LocaleDataError(file, issue.path.join('.'), issue.message);
  }
  return parsed.data;
}

/** A real calendar date as YYYY-MM-DD (2026-02-30 is refused, not rolled over to March). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((date) => {
    const parsed = new Date(`${date}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
  }, 'expected a date that exists in the calendar');
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time as HH:MM');
export const text = z.string().trim().min(1, 'expected non-empty text');
