import { addDays, helsinkiMoment, isoWeekday } from './helsinki';

/**
 * ISO 8601 weeks ("2026-W48"), the unit of the desk's reports to funders. A week runs Monday to Sunday and
 * belongs to the year of its Thursday, so 29 Dec 2025 is in 2026-W01 and 1 Jan 2027 in 2026-W53.
 */

export const ISO_WEEK = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;

/** The ISO week of a calendar date (YYYY-MM-DD, no time zone involved). */
export function isoWeekOf(date: string): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = thursday.slice(0, 4);
  const dayOfYear = (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / 86_400_000;
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, '0')}`;
}

/** The Monday (YYYY-MM-DD) that begins the week of a calendar date. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** The week an instant falls in, by the desk's own clock (Helsinki). */
export function helsinkiWeek(instant: Date): string {
  return isoWeekOf(helsinkiMoment(instant).date);
}

/** The week of `instant` and the `count - 1` weeks before it, newest first, each with its Monday. */
export function recentWeeks(instant: Date, count: number): { week: string; starts: string }[] {
  const thisMonday = mondayOf(helsinkiMoment(instant).date);
  return Array.from({ length: count }, (_, index) => {
    const starts = addDays(thisMonday, -7 * index);
    return { week: isoWeekOf(starts), starts };
  });
}
