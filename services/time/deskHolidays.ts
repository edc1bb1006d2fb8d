import Holidays from 'date-holidays';
import { addDays, isoWeekday } from './helsinki';

// date-holidays knows the Finnish public holidays, Easter-based ones included. It marks Midsummer Eve and
// Christmas Eve only as "bank" days, beside New Year's Eve, which is an ordinary working day; so the two eves are
// added by their own rule instead of taking every bank day.
const finnishHolidays = new Holidays('FI');
const closedByYear = new Map<number, ReadonlySet<string>>();

/** Midsummer Eve: the Friday from 19 to 25 June. */
function midsummerEve(year: number): string {
  let date = `${year}-06-19`;
  while (isoWeekday(date) !== 5) date = addDays(date, 1);
  return date;
}

/** Dates (YYYY-MM-DD) of one year on which the desk is closed for a holiday, whatever the weekday. */
export function deskHolidays(year: number): ReadonlySet<string> {
  const known = closedByYear.get(year);
  if (known) return known;
  const dates = new Set(
    finnishHolidays
      .getHolidays(year)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => holiday.date.slice(0, 10)),
  );
  dates.add(midsummerEve(year));
  dates.add(`${year}-12-24`);
  closedByYear.set(year, dates);
  return dates;
}

/** Is `date` (YYYY-MM-DD, Helsinki) a Finnish public holiday, Midsummer Eve or Christmas Eve? */
export function isDeskHoliday(date: string): boolean {
  return deskHolidays(Number(date.slice(0, 4))).has(date);
}
