/**
 * When the desk calls back: the resident's time request fitted to the desk's phone hours, skipping weekends, Finnish
 * public holidays, Midsummer Eve and Christmas Eve.
 * - "heti" and "milloin vain" get a two-hour slot, the first that starts at least 30 minutes from now (on a whole
 *   or half hour) and has at least an hour before closing;
 * - a requested span gets the first part of it, at least 30 minutes long, that falls within one day's phone hours
 *   ("huomenna" → tomorrow 9–15, "ensi viikolla" → next Monday 9–15), never sooner than 30 minutes from now;
 * - a span with no such part (in the evening, at the weekend, already past) gets the first two-hour slot after it.
 * Pure: `now` is always passed in.
 */
import { z } from 'zod';
import { clockTime, isoDate } from '../locales/dataFile';
import { addDays, clockToMinutes, finnishClock, finnishDate, isoWeekday } from './helsinki';
import { helsinkiInstant, helsinkiWallClock } from './helsinkiInstant';
import { isDeskHoliday } from './deskHolidays';
import type { TimeRequest } from './finnishTime';
import type { TimeVocabulary } from './timeVocabulary';

export const officeHoursSchema = z
  .strictObject({
    /** ISO weekdays on which the desk calls: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1, 'expected at least one weekday'),
    opens: clockTime,
    closes: clockTime,
    /** Days the desk is closed besides the holidays (YYYY-MM-DD): a training day, a strike. */
    closedDates: z.array(isoDate).optional(),
  })
  .refine((hours) => clockToMinutes(hours.opens) < clockToMinutes(hours.closes), 'opens must be before closes');

export type OfficeHours = z.output<typeof officeHoursSchema>;

export const DEFAULT_OFFICE_HOURS: Readonly<OfficeHours> = Object.freeze({ days: [1, 2, 3, 4, 5], opens: '09:00', closes: '15:00' });

export interface CallbackWindow {
  start: Date;
  end: Date;
}

const MINUTE = 60_000;
/** Time the desk needs to see a new request before calling. */
const LEAD_MINUTES = 30;
const SLOT_MINUTES = 120;
/** A slot the desk offers on its own is at least this long; a shorter remainder of the day moves it on. */
const SHORTEST_SLOT_MINUTES = 60;
/** A requested span shorter than this after clipping is not worth a call window of its own. */
const SHORTEST_REQUESTED_MINUTES = 30;
/** Searching further than this for an open day means the office hours leave no day open at all. */
const SEARCH_DAYS = 400;

const later = (a: Date, b: Date) => (a > b ? a : b);
const earlier = (a: Date, b: Date) => (a < b ? a : b);
/** Helsinki's offset is a whole number of hours, so half hours in UTC are half hours on the wall clock too. */
const upToHalfHour = (instant: Date) => new Date(Math.ceil(instant.getTime() / (30 * MINUTE)) * 30 * MINUTE);

/** The desk's open hours, day by day, from the Helsinki date of `from` on. */
function* openHours(officeHours: OfficeHours, from: Date): Generator<CallbackWindow> {
  const firstDate = helsinkiWallClock(from).date;
  const opens = clockToMinutes(officeHours.opens);
  const closes = clockToMinutes(officeHours.closes);
  for (let offset = 0; offset < SEARCH_DAYS; offset++) {
    const date = addDays(firstDate, offset);
    if (!officeHours.days.includes(isoWeekday(date)) || isDeskHoliday(date) || officeHours.closedDates?.includes(date)) continue;
    yield { start: helsinkiInstant(date, opens), end: helsinkiInstant(date, closes) };
  }
  throw new Error(`No open day within ${SEARCH_DAYS} days: check the office hours ${JSON.stringify(officeHours)}`);
}

/** The first two-hour slot (shorter if the desk closes sooner) starting at `from` or later. */
function slotFrom(officeHours: OfficeHours, from: Date): CallbackWindow {
  for (const open of openHours(officeHours, from)) {
    const start = later(open.start, upToHalfHour(from));
    const end = earlier(new Date(start.getTime() + SLOT_MINUTES * MINUTE), open.end);
    if (end.getTime() - start.getTime() >= SHORTEST_SLOT_MINUTES * MINUTE) return { start, end };
  }
  throw new Error('unreachable: openHours ends by throwing');
}

/** The callback window for `request` as asked at `now`, within `officeHours` (default Mon–Fri 9–15). */
export function callbackWindow(request: TimeRequest, now: Date, officeHours: OfficeHours = DEFAULT_OFFICE_HOURS): CallbackWindow {
  const soonest = upToHalfHour(new Date(now.getTime() + LEAD_MINUTES * MINUTE));
  if (request.kind !== 'time') return slotFrom(officeHours, soonest);
  const from = later(request.start, soonest);
  if (from < request.end) {
    for (const open of openHours(officeHours, from)) {
      if (open.start >= request.end) break;
      const start = later(open.start, from);
      const end = earlier(open.end, request.end);
      if (end.getTime() - start.getTime() >= SHORTEST_REQUESTED_MINUTES * MINUTE) return { start, end };
    }
  }
  return slotFrom(officeHours, later(request.end, soonest));
}

/** "torstaina 26.11. klo 10–12", "maanantaina 30.11. klo 9.30–11", with the words from locales/fi/time.json. */
export function formatCallbackWindow(window: CallbackWindow, vocabulary: TimeVocabulary): string {
  const start = helsinkiWallClock(window.start);
  const end = helsinkiWallClock(window.end);
  const clock = (minutes: number) => finnishClock(`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
  const weekday = vocabulary.weekdays.find((day) => day.day === isoWeekday(start.date))!.name;
  return vocabulary.callbackWindow
    .replace('{weekday}', weekday)
    .replace('{date}', finnishDate(start.date))
    .replace('{start}', clock(start.minutes))
    .replace('{end}', clock(end.minutes));
}
