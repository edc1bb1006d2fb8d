import { z } from 'zod';
import { clockTime, isoDate, text } from '../locales/dataFile';
import { addDays, clockToMinutes, helsinkiMoment, isoWeekday } from '../time/helsinki';

const weekday = z.number().int().min(1).max(7);
const openingHoursSchema = z
  .strictObject({ day: weekday, opens: clockTime, closes: clockTime })
  .refine((hours) => clockToMinutes(hours.opens) < clockToMinutes(hours.closes), 'opens must be before closes');
const exceptionSchema = z.union([
  z.strictObject({ date: isoDate, closed: z.literal(true), note: text }),
  z
    .strictObject({ date: isoDate, opens: clockTime, closes: clockTime, note: text })
    .refine((hours) => clockToMinutes(hours.opens) < clockToMinutes(hours.closes), 'opens must be before closes'),
]);

export const livingRoomSchema = z.strictObject({
  name: text,
  address: text,
  openingHours: z.array(openingHoursSchema),
  exceptions: z.array(exceptionSchema),
  weeklyProgram: z.array(z.strictObject({ day: weekday, time: clockTime, title: text, description: text })),
  everydayHelp: z.array(z.strictObject({ title: text, description: text })),
  groups: z.array(z.strictObject({ title: text, when: text, description: text })),
  events: z.array(z.strictObject({ date: isoDate, time: clockTime, title: text, description: text })),
  checked: isoDate,
});

export type LivingRoom = z.output<typeof livingRoomSchema>;
export type LivingRoomEvent = LivingRoom['events'][number];

export type OpeningStatus =
  | { open: true; closes: string }
  | { open: false; next?: { date: string; daysAhead: number; opens: string } };

/** Opening hours on one date: an exception for that date wins over the weekly hours. */
function hoursOn(room: LivingRoom, date: string): { opens: string; closes: string } | undefined {
  const exception = room.exceptions.find((candidate) => candidate.date === date);
  if (exception) return 'closed' in exception ? undefined : exception;
  const weekday = isoWeekday(date);
  return room.openingHours.find((hours) => hours.day === weekday);
}

/** Is the living room open at `now` (Helsinki time), and if not, when does it open next (within two weeks)? */
export function openingStatus(room: LivingRoom, now: Date): OpeningStatus {
  const local = helsinkiMoment(now);
  const today = hoursOn(room, local.date);
  if (today && clockToMinutes(today.opens) <= local.minutes && local.minutes < clockToMinutes(today.closes)) {
    return { open: true, closes: today.closes };
  }
  for (let daysAhead = 0; daysAhead <= 14; daysAhead++) {
    const date = addDays(local.date, daysAhead);
    const hours = hoursOn(room, date);
    if (!hours) continue;
    if (daysAhead === 0 && clockToMinutes(hours.opens) <= local.minutes) continue;
    return { open: false, next: { date, daysAhead, opens: hours.opens } };
  }
  return { open: false };
}

/** Exceptions from today on, in date order. */
export function upcomingExceptions(room: LivingRoom, now: Date): LivingRoom['exceptions'] {
  const today = helsinkiMoment(now).date;
  return room.exceptions.filter((exception) => exception.date >= today).sort((a, b) => a.date.localeCompare(b.date));
}

/** Events that have not started yet, soonest first. */
export function upcomingEvents(room: LivingRoom, now: Date, limit = 5): LivingRoomEvent[] {
  const local = helsinkiMoment(now);
  const clock = `${String(Math.floor(local.minutes / 60)).padStart(2, '0')}:${String(local.minutes % 60).padStart(2, '0')}`;
  const nowKey = `${local.date}T${clock}`;
  return room.events
    .filter((event) => `${event.date}T${event.time}` >= nowKey)
    .sort((a, b) => `${a.date}T${a.time}`.localeCompare(`${b.date}T${b.time}`))
    .slice(0, limit);
}

/** Weekly hours grouped into runs of days with the same hours, e.g. Mon–Wed 9–15, Thu 9–17. */
export function weeklyHourRuns(room: LivingRoom): { firstDay: number; lastDay: number; opens: string; closes: string }[] {
  const runs: { firstDay: number; lastDay: number; opens: string; closes: string }[] = [];
  for (const hours of [...room.openingHours].sort((a, b) => a.day - b.day)) {
    const last = runs[runs.length - 1];
    if (last && last.lastDay === hours.day - 1 && last.opens === hours.opens && last.closes === hours.closes) {
      last.lastDay = hours.day;
    } else {
      runs.push({ firstDay: hours.day, lastDay: hours.day, opens: hours.opens, closes: hours.closes });
    }
  }
  return runs;
}
