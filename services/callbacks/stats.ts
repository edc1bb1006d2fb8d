import { z } from 'zod';
import { SERVICE_IDS, type ServiceId } from '../directory/directory';
import type { RedisClient } from '../redis/connection';
import { CorruptRecordError, validInput } from '../redis/storedJson';
import { helsinkiWeek, recentWeeks } from '../time/isoWeek';
import { CRISIS_KINDS } from '../triage/crisis';

/** The kinds a crisis reply is counted by: the patterns' kinds, and 'unspecified' when only the classifier saw one. */
export const COUNTED_CRISIS_KINDS = [...CRISIS_KINDS, 'unspecified'] as const;
export type CountedCrisisKind = (typeof COUNTED_CRISIS_KINDS)[number];

/**
 * Anonymous figures for the desk's reports to funders: per ISO week (Helsinki) and service, how many callback
 * requests were filed, closed and urgent, how long they waited to be claimed and closed, and how many crisis
 * replies the bot showed. They are kept apart from the requests and hold no reference, phone number, name or
 * summary, so they outlive the requests' retention period.
 *
 * The callback scripts (callbackStore.ts) update them in the same atomic step as the state change, so the
 * keys share the requests' hash tag {cb}. Per week:
 * - `week:<week>` hash: `created`, `closed`, `urgent`, the same per service (`created:kela`, `closed:none` …),
 *   and `crisis:<kind>`;
 * - `week:<week>:claim-minutes` and `:close-minutes` lists of "<service>:<minutes>", one per first claim and
 *   per close, so that medians can be taken over any grouping.
 */
export function statsKeys(prefix: string) {
  const base = `${prefix}stats:{cb}:week:`;
  return {
    week: (week: string) => `${base}${week}`,
    claimMinutes: (week: string) => `${base}${week}:claim-minutes`,
    closeMinutes: (week: string) => `${base}${week}:close-minutes`,
  };
}

/** A service id, or "none" for a request filed without one. */
export type ServiceKey = ServiceId | 'none';
export const SERVICE_KEYS: readonly ServiceKey[] = [...SERVICE_IDS, 'none'];

export function serviceKey(service: ServiceId | null): ServiceKey {
  return service ?? 'none';
}

/** Whole minutes from one instant to a later one; a clock that went backwards between instances counts 0. */
export function minutesBetween(from: string | Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - new Date(from).getTime()) / 60_000));
}

/** One element of a minutes list. */
export function minutesEntry(service: ServiceId | null, minutes: number): string {
  return `${serviceKey(service)}:${minutes}`;
}

export interface ServiceFigures {
  created: number;
  closed: number;
  urgent: number;
  medianMinutesToClaim: number | null;
  medianMinutesToClose: number | null;
}

export interface WeekFigures {
  /** ISO week, e.g. "2026-W48". */
  week: string;
  /** Its Monday, YYYY-MM-DD. */
  starts: string;
  created: number;
  closed: number;
  urgent: number;
  /** Requests filed per service. */
  byService: Record<ServiceKey, number>;
  /** Every figure per service. */
  services: Record<ServiceKey, ServiceFigures>;
  /** Minutes from filing to the first claim, over the requests first claimed this week; null when none was. */
  medianMinutesToClaim: number | null;
  /** Minutes from filing to closing, over the requests closed this week; null when none was. */
  medianMinutesToClose: number | null;
  crisisReplies: number;
  crisisRepliesByKind: Record<CountedCrisisKind, number>;
}

export interface StatsReport {
  /** Newest week first. */
  weeks: WeekFigures[];
}

export const DEFAULT_REPORT_WEEKS = 12;
// Ten years: more than any funding period, and still one quick pipeline.
const MAX_REPORT_WEEKS = 520;

const reportOptionsSchema = z.strictObject({ weeks: z.int().min(1).max(MAX_REPORT_WEEKS).optional(), now: z.date() });
const crisisReplySchema = z.strictObject({ kind: z.enum(COUNTED_CRISIS_KINDS), now: z.date() });

const COUNT_FIELD = /^(created|closed|urgent)(?::(.+))?$/;
const CRISIS_FIELD = /^crisis:(.+)$/;
const MINUTES_ENTRY = /^([a-z]+):(\d+)$/;
const isServiceKey = (value: string): value is ServiceKey => (SERVICE_KEYS as readonly string[]).includes(value);
const isCrisisKind = (value: string): value is CountedCrisisKind => (COUNTED_CRISIS_KINDS as readonly string[]).includes(value);

export class CallbackStats {
  private readonly keys: ReturnType<typeof statsKeys>;

  constructor(
    private readonly redis: RedisClient,
    options: { prefix: string },
  ) {
    this.keys = statsKeys(options.prefix);
  }

  /** Counts one crisis reply shown to a resident; only the kind and the week are kept. */
  async recordCrisisReply(kind: CountedCrisisKind, now: Date): Promise<void> {
    validInput('crisis reply', crisisReplySchema, { kind, now });
    await this.redis.hincrby(this.keys.week(helsinkiWeek(now)), `crisis:${kind}`, 1);
  }

  /** The figures of the week of `now` and the weeks before it (12 unless told otherwise), newest first. */
  async report(options: { weeks?: number; now: Date }): Promise<StatsReport> {
    const { weeks = DEFAULT_REPORT_WEEKS, now } = validInput('report options', reportOptionsSchema, options);
    const wanted = recentWeeks(now, weeks);
    // One slot for every key, so one pipeline is fine on Cluster too.
    const pipeline = this.redis.pipeline();
    for (const { week } of wanted) {
      pipeline.hgetall(this.keys.week(week));
      pipeline.lrange(this.keys.claimMinutes(week), 0, -1);
      pipeline.lrange(this.keys.closeMinutes(week), 0, -1);
    }
    const replies = (await pipeline.exec()) ?? [];
    const reply = (index: number): unknown => {
      const [error, value] = replies[index] ?? [new Error('Redis gave no reply to a statistics read'), null];
      if (error) throw error;
      return value;
    };
    return {
      weeks: wanted.map(({ week, starts }, index) =>
        weekFigures(
          week,
          starts,
          { key: this.keys.week(week), value: reply(index * 3) as Record<string, string> },
          { key: this.keys.claimMinutes(week), value: reply(index * 3 + 1) as string[] },
          { key: this.keys.closeMinutes(week), value: reply(index * 3 + 2) as string[] },
        ),
      ),
    };
  }
}

interface Stored<T> {
  key: string;
  value: T;
}

function weekFigures(week: string, starts: string, counts: Stored<Record<string, string>>, claims: Stored<string[]>, closes: Stored<string[]>): WeekFigures {
  const total = { created: 0, closed: 0, urgent: 0 };
  const perService = Object.fromEntries(SERVICE_KEYS.map((service) => [service, { created: 0, closed: 0, urgent: 0 }])) as Record<
    ServiceKey,
    { created: number; closed: number; urgent: number }
  >;
  const crisisRepliesByKind = Object.fromEntries(COUNTED_CRISIS_KINDS.map((kind) => [kind, 0])) as Record<CountedCrisisKind, number>;
  for (const [field, stored] of Object.entries(counts.value)) {
    if (!/^\d+$/.test(stored)) throw new CorruptRecordError(counts.key, `${field}: expected a whole number that is not negative`);
    const count = Number(stored);
    const countField = COUNT_FIELD.exec(field);
    const crisisField = CRISIS_FIELD.exec(field);
    if (countField) {
      const measure = countField[1] as 'created' | 'closed' | 'urgent';
      const service = countField[2];
      if (service === undefined) total[measure] = count;
      else if (isServiceKey(service)) perService[service][measure] = count;
      else throw new CorruptRecordError(counts.key, `${field}: unknown service "${service}"`);
    } else if (crisisField?.[1] !== undefined && isCrisisKind(crisisField[1])) {
      crisisRepliesByKind[crisisField[1]] = count;
    } else {
      throw new CorruptRecordError(counts.key, `unknown field "${field}"`);
    }
  }
  const claimMinutes = minutesByService(claims);
  const closeMinutes = minutesByService(closes);
  const services = Object.fromEntries(
    SERVICE_KEYS.map((service) => [
      service,
      { ...perService[service], medianMinutesToClaim: median(claimMinutes.get(service) ?? []), medianMinutesToClose: median(closeMinutes.get(service) ?? []) },
    ]),
  ) as Record<ServiceKey, ServiceFigures>;
  return {
    week,
    starts,
    ...total,
    byService: Object.fromEntries(SERVICE_KEYS.map((service) => [service, perService[service].created])) as Record<ServiceKey, number>,
    services,
    medianMinutesToClaim: median([...claimMinutes.values()].flat()),
    medianMinutesToClose: median([...closeMinutes.values()].flat()),
    crisisReplies: COUNTED_CRISIS_KINDS.reduce((sum, kind) => sum + crisisRepliesByKind[kind], 0),
    crisisRepliesByKind,
  };
}

function minutesByService(list: Stored<string[]>): Map<ServiceKey, number[]> {
  const byService = new Map<ServiceKey, number[]>();
  for (const entry of list.value) {
    const match = MINUTES_ENTRY.exec(entry);
    const service = match?.[1];
    if (!match || service === undefined || !isServiceKey(service)) {
      throw new CorruptRecordError(list.key, `expected entries such as "kela:42" (got one of ${entry.length} characters)`);
    }
    byService.set(service, [...(byService.get(service) ?? []), Number(match[2])]);
  }
  return byService;
}

/** The middle value, or the mean of the two middle values; null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const CSV_HEADER = [
  'week',
  'week_starts',
  'service',
  'created',
  'urgent',
  'closed',
  'median_minutes_to_claim',
  'median_minutes_to_close',
  'crisis_replies',
] as const;

/**
 * The report as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a quote
 * or a line break), one row per week and service, newest week first. Each week starts with a row whose
 * service is "all" (the week's totals, its medians and its crisis replies), followed by one row for every
 * service id in directory order and "none" (a request filed without a service), zeros included, so that a
 * spreadsheet gets the same grid every week. Crisis replies are not tied to a service: the service rows leave
 * that column empty, as they leave a median empty when there was nothing to measure. Only counts and minutes:
 * no reference, phone number, name or summary can appear.
 */
export function toCsv(report: StatsReport): string {
  const rows: (string | number | null)[][] = [[...CSV_HEADER]];
  for (const week of report.weeks) {
    rows.push([week.week, week.starts, 'all', week.created, week.urgent, week.closed, week.medianMinutesToClaim, week.medianMinutesToClose, week.crisisReplies]);
    for (const service of SERVICE_KEYS) {
      const figures = week.services[service];
      rows.push([week.week, week.starts, service, figures.created, figures.urgent, figures.closed, figures.medianMinutesToClaim, figures.medianMinutesToClose, null]);
    }
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
