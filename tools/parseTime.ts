/**
 * `npm run --silent parse-time -- [--now 2026-11-25T10:30:00+02:00]`: reads messages from stdin, one per line, and
 * prints for each one JSON line: {"text", "kind" ("time" | "asap" | "any" | "none"), "start", "end"} with start and
 * end (only for "time") in Helsinki time, e.g. 2026-11-26T10:00:00+02:00. `--now` defaults to the current time.
 * Staff use it to check how a wording is understood.
 */
import { createInterface } from 'node:readline';
import { defaultLocalesDir } from '../services/locales/locale';
import { FinnishTimeParser, type TimeRequest } from '../services/time/finnishTime';
import { helsinkiIso } from '../services/time/helsinkiInstant';
import { loadTimeVocabulary } from '../services/time/timeVocabulary';

class UsageError extends Error {}

/** --now takes an ISO 8601 date-time with its offset or Z, so that "now" never depends on the machine's zone. */
function readNow(args: string[]): Date {
  const at = args.indexOf('--now');
  const unknown = args.filter((_arg, index) => at === -1 || (index !== at && index !== at + 1));
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]} (usage: parse-time [--now 2026-11-25T10:30:00+02:00])`);
  if (at === -1) return new Date();
  const value = args[at + 1];
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
  const now = new Date(value ?? '');
  if (value === undefined || !iso.test(value) || Number.isNaN(now.getTime()) || !validCalendarDate(value)) {
    throw new UsageError(`--now: expected an ISO date-time with offset, e.g. 2026-11-25T10:30:00+02:00 (got ${JSON.stringify(value ?? '')})`);
  }
  return now;
}

/** new Date() rolls 2026-02-30 over to March; a date that does not exist is refused instead. */
function validCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}

function line(text: string, request: TimeRequest): string {
  if (request.kind !== 'time') return JSON.stringify({ text, kind: request.kind });
  return JSON.stringify({ text, kind: request.kind, start: helsinkiIso(request.start), end: helsinkiIso(request.end) });
}

async function main(): Promise<void> {
  const now = readNow(process.argv.slice(2));
  const parser = new FinnishTimeParser(loadTimeVocabulary(defaultLocalesDir()));
  for await (const text of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    let request: TimeRequest;
    try {
      request = parser.parse(text, now);
    } catch (error) {
      // One odd line must not stop a whole file of them; it is reported and read as no time.
      process.stderr.write(`parse-time: ${error instanceof Error ? error.message : String(error)} (line ${JSON.stringify(text.slice(0, 80))})\n`);
      request = { kind: 'none' };
    }
    process.stdout.write(`${line(text, request)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`parse-time: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
