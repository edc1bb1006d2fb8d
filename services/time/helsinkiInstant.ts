import { DESK_TIME_ZONE } from './helsinki';

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: DESK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

// Helsinki changes its offset only on whole UTC hours, so one answer per UTC hour is exact; Intl is the slow part.
const offsetByUtcHour = new Map<number, number>();

/** Minutes Helsinki is ahead of UTC at `instant`: 120 in winter, 180 in summer. */
export function helsinkiOffsetMinutes(instant: Date): number {
  const utcHour = Math.floor(instant.getTime() / 3_600_000);
  const known = offsetByUtcHour.get(utcHour);
  if (known !== undefined) return known;
  const byType = Object.fromEntries(wallClock.formatToParts(instant).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(Number(byType.year), Number(byType.month) - 1, Number(byType.day), Number(byType.hour), Number(byType.minute), Number(byType.second));
  const offset = Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  if (offsetByUtcHour.size > 10_000) offsetByUtcHour.clear();
  offsetByUtcHour.set(utcHour, offset);
  return offset;
}

/**
 * The instant at `minutes` past midnight of the Helsinki calendar date `date` (YYYY-MM-DD). Minutes may run past
 * 24 h into the next days. A wall-clock time skipped in spring (03:00–04:00) lands an hour later; one repeated
 * in autumn takes its first, summer-time occurrence.
 */
export function helsinkiInstant(date: string, minutes: number): Date {
  const [year, month, day] = date.split('-').map(Number);
  const asUtc = Date.UTC(year!, month! - 1, day!, 0, minutes);
  const earlierOffset = helsinkiOffsetMinutes(new Date(asUtc - 12 * 3_600_000));
  const laterOffset = helsinkiOffsetMinutes(new Date(asUtc + 12 * 3_600_000));
  const fits = [earlierOffset, laterOffset]
    .map((offset) => asUtc - offset * 60_000)
    .filter((candidate) => (asUtc - candidate) / 60_000 === helsinkiOffsetMinutes(new Date(candidate)));
  // No candidate fits only in the spring gap: reading the time with the offset before the change moves it forward.
  return new Date(fits.length > 0 ? Math.min(...fits) : asUtc - earlierOffset * 60_000);
}

const pad = (value: number) => String(value).padStart(2, '0');

/** ISO 8601 with Helsinki's own offset, e.g. 2026-11-26T10:00:00+02:00 (the form the CLI and logs show). */
export function helsinkiIso(instant: Date): string {
  const offset = helsinkiOffsetMinutes(instant);
  const local = new Date(instant.getTime() + offset * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const sign = offset < 0 ? '-' : '+';
  return `${date}T${time}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** Helsinki calendar date and minutes since its midnight, without the minute cache of helsinkiMoment. */
export function helsinkiWallClock(instant: Date): { date: string; minutes: number } {
  const local = new Date(instant.getTime() + helsinkiOffsetMinutes(instant) * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  return { date, minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}
