/**
 * When does a resident want to be called? Reads a Finnish message ("voisitteko soittaa huomenna iltapäivällä
 * kiitos") into a time request: a span of time, "as soon as possible", "any time", or nothing understood.
 *
 * chrono-node's Finnish locale with the desk's parsers (finnishTimeParsers.ts) finds the pieces; this file puts
 * them together by the desk's conventions:
 * - parts of the day as in locales/fi/time.json: aamu 08–10, aamupäivä 09–12, päivä 10–14, iltapäivä 12–16,
 *   ilta 16–20;
 * - a day said without a time of day (a weekday, a date, "huomenna", "ensi viikolla") means 08–16 of it;
 * - a clock time is a 30-minute slot; an hour 1–7 said without a part of day is in the afternoon ("kahdelta" = 14,
 *   "klo 7" = 19; "klo 07" with its zero stays 07); "aamulla"/"aamupäivällä" keep it in the morning;
 * - a range is as said; "kahden jälkeen" runs to 16 (to 20 from 15 on: "kuuden jälkeen" = 18–20); "ennen
 *   neljää" starts at 08 (or an hour before, if that is earlier) and, said of today, not before now;
 * - with no day said, a time of day is today if it is still ahead (a span: at least 30 minutes of it), otherwise
 *   tomorrow; a day said is kept as said, only its start moves to now when it is already going on;
 * - a weekday name is its next occurrence after today (today's name means a week later), "ensi tiistaina" too;
 *   "ensi viikon tiistaina" is the Tuesday of next week; a date without a year is the next such date from today on;
 *   a day already gone ("eilen", "3 päivää sitten") does not count;
 * - what a negation covers does not count ("ei maanantaina", "en pääse maanantaina", "maanantai ei käy"), and
 *   "ei ennen kahta" means after two;
 * - a time said wins over "heti" or "milloin vain" in the same message; an impossible clock or date ("klo 25",
 *   "31.2.") makes the whole answer none, so the dialog asks again rather than guesses.
 * Pure: `now` is always passed in, and nothing is read from the clock of the machine.
 */
import type { Chrono, ParsedComponents, ParsedResult } from 'chrono-node';
import { isDeskHoliday } from './deskHolidays';
import { addDays, clockToMinutes, isoWeekday } from './helsinki';
import { helsinkiInstant, helsinkiOffsetMinutes, helsinkiWallClock } from './helsinkiInstant';
import { TAG, createFinnishChrono, tagValue, type SaidClock } from './finnishTimeParsers';
import { TimeTextNormalizer, type PartOfDay, type TimeVocabulary } from './timeVocabulary';
import { anyOf } from './wordPatterns';

export type TimeRequest =
  | { kind: 'time'; start: Date; end: Date }
  | { kind: 'asap' }
  | { kind: 'any' }
  | { kind: 'none' };

/** Only the start of a long message is read: a time is said early, and a pasted 10 000 characters must stay fast. */
export const MAX_READ_CHARS = 2000;
const WORKING_DAY = { from: 8 * 60, to: 16 * 60 };
const EVENING_END = 20 * 60;
const SLOT_MINUTES = 30;
/** A span with less than this left today is taken tomorrow instead. */
const SHORTEST_SPAN_LEFT = 30;

const NONE: TimeRequest = { kind: 'none' };

type Piece = { negated: boolean; at: { index: number; end: number } } & (
  | { role: 'impossible' }
  | { role: 'date'; year?: number; month: number; day: number }
  | { role: 'weekday'; weekday: number; weeksAhead?: number }
  | { role: 'relativeDays'; days: number }
  | { role: 'nextWorkday' }
  | { role: 'week'; weeksAhead: number }
  | { role: 'moment'; date: string; minutes: number }
  | { role: 'clock'; clock: SaidClock }
  | { role: 'bareHour'; clock: SaidClock }
  | { role: 'after'; clock: SaidClock }
  | { role: 'before'; clock: SaidClock }
  | { role: 'range'; from: SaidClock; to: SaidClock }
  | { role: 'partOfDay'; part: PartOfDay }
);
type PieceOf<R extends Piece['role']> = Extract<Piece, { role: R }>;

interface TimeOfDay {
  from: number;
  to: number;
  /** A slot is a moment said ("kahdelta"); a span may be joined while it is going on ("iltapäivällä"). */
  shape: 'slot' | 'span';
}

const pad = (value: number) => String(value).padStart(2, '0');
const isoDate = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;

export class FinnishTimeParser {
  private readonly chrono: Chrono;
  private readonly normalizer: TimeTextNormalizer;
  private readonly asap: RegExp;
  private readonly anyTime: RegExp;
  private readonly weekWords: { pattern: RegExp; weeksAhead: number }[];
  private readonly partSpans: ReadonlyMap<PartOfDay, { from: number; to: number }>;

  constructor(vocabulary: TimeVocabulary) {
    this.chrono = createFinnishChrono(vocabulary);
    this.normalizer = new TimeTextNormalizer(vocabulary);
    const phrases = (list: readonly string[]) => new RegExp(`(?:^|[^\\p{L}\\p{N}])(?:${anyOf(list)})(?![\\p{L}\\p{N}])`, 'u');
    this.asap = phrases(vocabulary.asap);
    this.anyTime = phrases(vocabulary.anyTime);
    this.weekWords = vocabulary.weeks.map((week) => ({ pattern: phrases(week.forms), weeksAhead: week.weeksAhead }));
    this.partSpans = new Map(vocabulary.partsOfDay.map((part) => [part.part, { from: clockToMinutes(part.from), to: clockToMinutes(part.to) }]));
  }

  /** The time request in `text`, as understood at `now`. Never throws on any text. */
  parse(text: string, now: Date): TimeRequest {
    const normalized = this.normalizer.normalize(text.slice(0, MAX_READ_CHARS));
    if (!/[\p{L}\p{N}]/u.test(normalized)) return NONE;
    const results = this.chrono.parse(normalized, { instant: now, timezone: helsinkiOffsetMinutes(now) }, { forwardDate: true });
    const pieces = results.flatMap((result) => this.piecesOf(result));
    if (pieces.some((piece) => piece.role === 'impossible')) return NONE;
    const time = this.compose(this.keptPieces(pieces, normalized), now);
    if (time) return time;
    if (this.asap.test(normalized)) return { kind: 'asap' };
    if (this.anyTime.test(normalized)) return { kind: 'any' };
    return NONE;
  }

  private piecesOf(result: ParsedResult): Piece[] {
    const { start, end } = result;
    const tags = start.tags();
    const base = { negated: tags.has(TAG.negated), at: { index: result.index, end: result.index + result.text.length } };
    if (tags.has(TAG.impossible)) return [{ ...base, role: 'impossible' }];
    const part = tagValue(tags, TAG.partOfDay);
    if (part) return [{ ...base, role: 'partOfDay', part: part as PartOfDay }];
    const days = tagValue(tags, TAG.relativeDays);
    if (days) return [{ ...base, role: 'relativeDays', days: Number(days) }];
    const weeksAhead = tagValue(tags, TAG.weeksAhead);
    if (weeksAhead) return [{ ...base, role: 'week', weeksAhead: Number(weeksAhead) }];
    if (tags.has(TAG.nextWorkday)) return [{ ...base, role: 'nextWorkday' }];

    const certain = (component: 'day' | 'month' | 'year' | 'hour' | 'weekday') => start.isCertain(component);
    if (certain('hour') && certain('day')) {
      // "kahden tunnin päästä" or an ISO date-time: one moment, its day included.
      const date = isoDate(start.get('year')!, start.get('month')!, start.get('day')!);
      return [{ ...base, role: 'moment', date, minutes: start.get('hour')! * 60 + start.get('minute')! }];
    }
    if (certain('hour')) {
      const clock = saidClock(start);
      if (end?.isCertain('hour')) return [{ ...base, role: 'range', from: clock, to: saidClock(end) }];
      const role = tags.has(TAG.after) ? 'after' : tags.has(TAG.before) ? 'before' : tags.has(TAG.bareHour) ? 'bareHour' : 'clock';
      return [{ ...base, role, clock }];
    }
    if (certain('day') && certain('month')) {
      return [{ ...base, role: 'date', year: certain('year') ? start.get('year')! : undefined, month: start.get('month')!, day: start.get('day')! }];
    }
    if (certain('weekday')) {
      // chrono.fi reads "tiistaina ensi viikolla" as one weekday; the week is in its text.
      const week = this.weekWords.find(({ pattern }) => pattern.test(result.text));
      return [{ ...base, role: 'weekday', weekday: start.get('weekday')! || 7, weeksAhead: week?.weeksAhead }];
    }
    return [];
  }

  /** Drops negated pieces (turning negated bounds around) and bare numbers that stand among other words. */
  private keptPieces(pieces: Piece[], text: string): Piece[] {
    const kept: Piece[] = [];
    const bounds = pieceBounds(pieces);
    for (const piece of pieces) {
      if (piece.negated) {
        if (piece.role === 'after') kept.push({ ...piece, role: 'before', negated: false });
        else if (piece.role === 'before') kept.push({ ...piece, role: 'after', negated: false });
        continue;
      }
      if (piece.role === 'bareHour' && !standsAlone(piece, bounds, text)) continue;
      kept.push(piece);
    }
    return kept;
  }

  private compose(pieces: Piece[], now: Date): TimeRequest | undefined {
    const first = <R extends Piece['role']>(...roles: R[]) => pieces.find((piece): piece is PieceOf<R> => (roles as string[]).includes(piece.role));
    const today = helsinkiWallClock(now).date;
    const nowCeil = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);

    const moment = first('moment');
    if (moment) {
      const start = helsinkiInstant(moment.date, moment.minutes);
      return { kind: 'time', start, end: new Date(start.getTime() + SLOT_MINUTES * 60_000) };
    }
    const timeOfDay = this.timeOfDay(pieces, first('partOfDay')?.part);
    if (timeOfDay === 'impossible') return NONE;
    const days = this.days(pieces, today);
    if (!days) {
      if (!timeOfDay) return undefined;
      const start = helsinkiInstant(today, timeOfDay.from);
      const end = helsinkiInstant(today, timeOfDay.to);
      const later = new Date(Math.max(start.getTime(), nowCeil.getTime()));
      const stillAhead = timeOfDay.shape === 'slot' ? start > now : end.getTime() - later.getTime() >= SHORTEST_SPAN_LEFT * 60_000;
      if (stillAhead) return { kind: 'time', start: later, end };
      const tomorrow = addDays(today, 1);
      return { kind: 'time', start: helsinkiInstant(tomorrow, timeOfDay.from), end: helsinkiInstant(tomorrow, timeOfDay.to) };
    }
    const span = timeOfDay ?? { ...WORKING_DAY, shape: 'span' };
    const start = helsinkiInstant(days.first, span.from);
    const end = helsinkiInstant(days.last, span.to);
    return { kind: 'time', start: start < now && nowCeil < end ? nowCeil : start, end };
  }

  /** Hours of the day asked for, by the strongest piece: a range, bounds, a clock, a bare hour, a part of day. */
  private timeOfDay(pieces: Piece[], part: PartOfDay | undefined): TimeOfDay | 'impossible' | undefined {
    const find = <R extends Piece['role']>(role: R) => pieces.find((piece): piece is PieceOf<R> => piece.role === role);
    const partSpan = part ? this.partSpans.get(part) : undefined;
    // "puoli 0" would fall on the day before: a time of day starts within its own day.
    const minutes = (clock: SaidClock) => Math.max(0, resolveHour(clock, part) * 60 + clock.minute + clock.offset);
    const range = find('range');
    const after = find('after');
    const before = find('before');
    if (range || (after && before)) {
      const from = minutes(range ? range.from : after!.clock);
      const to = minutes(range ? range.to : before!.clock);
      return to > from ? { from, to, shape: 'span' } : 'impossible';
    }
    if (after) {
      const from = minutes(after.clock);
      const to = partSpan ? Math.max(partSpan.to, from + 60) : from + 60 <= WORKING_DAY.to ? WORKING_DAY.to : from + 60 <= EVENING_END ? EVENING_END : from + 60;
      return { from, to, shape: 'span' };
    }
    if (before) {
      const to = minutes(before.clock);
      const from = Math.max(0, Math.min(partSpan?.from ?? WORKING_DAY.from, to - 60));
      return from < to ? { from, to, shape: 'span' } : 'impossible';
    }
    const clock = find('clock') ?? find('bareHour');
    if (clock) {
      const from = minutes(clock.clock);
      return { from, to: from + SLOT_MINUTES, shape: 'slot' };
    }
    return partSpan ? { ...partSpan, shape: 'span' } : undefined;
  }

  /** The day or days asked for, or undefined when none was said (or only days already gone). */
  private days(pieces: Piece[], today: string): { first: string; last: string } | undefined {
    const week = pieces.find((piece): piece is PieceOf<'week'> => piece.role === 'week');
    const mondayOf = (weeksAhead: number) => addDays(today, 1 - isoWeekday(today) + 7 * weeksAhead);
    for (const piece of pieces) {
      switch (piece.role) {
        case 'date': {
          const year = piece.year ?? comingYear(today, piece.month, piece.day);
          const date = isoDate(year, piece.month, piece.day);
          if (date >= today) return { first: date, last: date };
          break;
        }
        case 'weekday': {
          const weeksAhead = piece.weeksAhead ?? week?.weeksAhead;
          const date =
            weeksAhead === undefined
              ? addDays(today, (piece.weekday - isoWeekday(today) + 7) % 7 || 7)
              : addDays(mondayOf(weeksAhead), piece.weekday - 1);
          return { first: date, last: date };
        }
        case 'relativeDays': {
          const date = addDays(today, piece.days);
          return { first: date, last: date };
        }
        case 'nextWorkday': {
          let date = addDays(today, 1);
          while (isoWeekday(date) > 5 || isDeskHoliday(date)) date = addDays(date, 1);
          return { first: date, last: date };
        }
        case 'week':
          if (pieces.some((other) => other.role === 'weekday')) break;
          return { first: mondayOf(piece.weeksAhead), last: addDays(mondayOf(piece.weeksAhead), 4) };
        default:
          break;
      }
    }
    return undefined;
  }
}

function saidClock(components: ParsedComponents): SaidClock {
  const tags = components.tags();
  return {
    hour: components.get('hour')!,
    minute: components.get('minute') ?? 0,
    offset: Number(tagValue(tags, TAG.minuteOffset) ?? 0),
    ambiguous: tags.has(TAG.ambiguousHour),
  };
}

/** The hour on a 24-hour clock: "kahdelta" is 14, "aamulla seitsemältä" 7, "illalla yhdeksältä" 21. */
function resolveHour(clock: SaidClock, part: PartOfDay | undefined): number {
  if (!clock.ambiguous || clock.hour >= 12) return clock.hour;
  if (part === 'afternoon' || part === 'evening') return clock.hour + 12;
  if (part === 'morning' || part === 'lateMorning') return clock.hour;
  return clock.hour <= 7 ? clock.hour + 12 : clock.hour;
}

/** A day and month without a year: the next such date from today on. */
function comingYear(today: string, month: number, day: number): number {
  const year = Number(today.slice(0, 4));
  return isoDate(year, month, day) >= today ? year : year + 1;
}

/** Where the pieces end and start, each sorted, so that a piece's neighbours are found by binary search. */
function pieceBounds(pieces: Piece[]): { ends: number[]; starts: number[] } {
  return { ends: pieces.map((piece) => piece.at.end).sort((a, b) => a - b), starts: pieces.map((piece) => piece.at.index).sort((a, b) => a - b) };
}

/**
 * "14", "huomenna 10": nothing but other time words and punctuation on either side of the number. The
 * neighbours come from sorted bounds: a message of a thousand numbers must not cost a thousand scans of them.
 */
function standsAlone(piece: Piece, { ends, starts }: { ends: number[]; starts: number[] }, text: string): boolean {
  const endsBefore = countAtMost(ends, piece.at.index);
  const before = endsBefore > 0 ? ends[endsBefore - 1]! : 0;
  const startsBefore = countAtMost(starts, piece.at.end - 1);
  const after = startsBefore < starts.length ? starts[startsBefore]! : text.length;
  const onlyPunctuation = /^[^\p{L}\p{N}]*$/u;
  return onlyPunctuation.test(text.slice(before, piece.at.index)) && onlyPunctuation.test(text.slice(piece.at.end, after));
}

/** How many of the sorted numbers are at most `limit`. */
function countAtMost(sorted: number[], limit: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= limit) low = middle + 1;
    else high = middle;
  }
  return low;
}
