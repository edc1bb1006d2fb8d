/** The desk works in Finnish local time whatever the server's own time zone is. */
export const DESK_TIME_ZONE = 'Europe/Helsinki';

export interface LocalMoment {
  /** YYYY-MM-DD in Helsinki. */
  date: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: DESK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

// Intl's time-zone formatting is slow enough to show in a turn's profile, and a turn asks for "now" several
// times: the last minute computed is remembered.
let lastMinute: { minute: number; moment: Readonly<LocalMoment> } | undefined;

export function helsinkiMoment(instant: Date): Readonly<LocalMoment> {
  const minute = Math.floor(instant.getTime() / 60_000);
  if (lastMinute?.minute === minute) return lastMinute.moment;
  const byType = Object.fromEntries(parts.formatToParts(instant).map((part) => [part.type, part.value]));
  const date = `${byType.year}-${byType.month}-${byType.day}`;
  const moment = Object.freeze({ date, weekday: isoWeekday(date), minutes: Number(byType.hour) * 60 + Number(byType.minute) });
  lastMinute = { minute, moment };
  return moment;
}

/** ISO weekday of a calendar date (no time zone involved). */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T12:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  const next = new Date(`${date}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

/** "09:30" → 570. */
export function clockToMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Finnish way of writing a time of day: "09:00" → "9", "09:30" → "9.30". */
export function finnishClock(clock: string): string {
  const [hours, minutes] = clock.split(':');
  const hour = String(Number(hours));
  return minutes === '00' ? hour : `${hour}.${minutes}`;
}

/** Finnish way of writing a date without the year: "2026-12-06" → "6.12.". */
export function finnishDate(date: string): string {
  const [, month, day] = date.split('-');
  return `${Number(day)}.${Number(month)}.`;
}
