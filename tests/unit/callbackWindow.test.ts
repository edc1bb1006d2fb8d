import { defaultLocalesDir } from '../../services/locales/locale';
import {
  DEFAULT_OFFICE_HOURS,
  callbackWindow,
  formatCallbackWindow,
  officeHoursSchema,
  type CallbackWindow,
  type OfficeHours,
} from '../../services/time/callbackWindow';
import { deskHolidays, isDeskHoliday } from '../../services/time/deskHolidays';
import { FinnishTimeParser, type TimeRequest } from '../../services/time/finnishTime';
import { helsinkiInstant, helsinkiIso } from '../../services/time/helsinkiInstant';
import { loadTimeVocabulary } from '../../services/time/timeVocabulary';

/**
 * Calendar used below (Helsinki): 2026-11-25 Wed, 11-27 Fri, 11-30 Mon; 2026-12-23 Wed, 12-24 Thu (Christmas Eve),
 * 12-25 Fri (Christmas Day), 12-26 Sat (Boxing Day), 12-28 Mon, 12-31 Thu (New Year's Eve, a working day);
 * 2027-03-25 Thu, 03-26 Good Friday, 03-28 Easter Sunday and start of summer time, 03-29 Easter Monday, 03-30 Tue;
 * 2027-06-24 Thu, 06-25 Midsummer Eve, 06-26 Midsummer Day (Sat), 06-28 Mon. Summer time ends 2026-10-25 (Sun).
 */
const at = (iso: string) => new Date(iso);
const shown = (window: CallbackWindow) => [helsinkiIso(window.start), helsinkiIso(window.end)];
const span = (start: string, end: string): TimeRequest => ({ kind: 'time', start: at(start), end: at(end) });
const ASAP: TimeRequest = { kind: 'asap' };
const ANY: TimeRequest = { kind: 'any' };
const everyDay: OfficeHours = { ...DEFAULT_OFFICE_HOURS, days: [1, 2, 3, 4, 5, 6, 7] };

const vocabulary = loadTimeVocabulary(defaultLocalesDir());
const parser = new FinnishTimeParser(vocabulary);

describe('callbackWindow for "as soon as possible" and "any time"', () => {
  it('is two hours from the next half hour at least 30 minutes ahead', () => {
    expect(shown(callbackWindow(ASAP, at('2026-11-25T10:30:00+02:00')))).toEqual(['2026-11-25T11:00:00+02:00', '2026-11-25T13:00:00+02:00']);
    expect(shown(callbackWindow(ASAP, at('2026-11-25T10:40:00+02:00')))).toEqual(['2026-11-25T11:30:00+02:00', '2026-11-25T13:30:00+02:00']);
    expect(shown(callbackWindow(ANY, at('2026-11-25T10:30:00+02:00')))).toEqual(['2026-11-25T11:00:00+02:00', '2026-11-25T13:00:00+02:00']);
  });

  it('starts at opening time when asked before the desk opens', () => {
    expect(shown(callbackWindow(ASAP, at('2026-11-25T07:15:00+02:00')))).toEqual(['2026-11-25T09:00:00+02:00', '2026-11-25T11:00:00+02:00']);
  });

  it('is cut at closing time, or moves to the next open day when less than an hour is left', () => {
    expect(shown(callbackWindow(ASAP, at('2026-11-25T12:45:00+02:00')))).toEqual(['2026-11-25T13:30:00+02:00', '2026-11-25T15:00:00+02:00']);
    expect(shown(callbackWindow(ASAP, at('2026-11-25T13:45:00+02:00')))).toEqual(['2026-11-26T09:00:00+02:00', '2026-11-26T11:00:00+02:00']);
  });

  it('skips the weekend: Friday after office hours means Monday morning', () => {
    expect(shown(callbackWindow(ANY, at('2026-11-27T16:30:00+02:00')))).toEqual(['2026-11-30T09:00:00+02:00', '2026-11-30T11:00:00+02:00']);
    expect(shown(callbackWindow(ASAP, at('2026-11-28T11:00:00+02:00')))).toEqual(['2026-11-30T09:00:00+02:00', '2026-11-30T11:00:00+02:00']);
  });
});

describe('callbackWindow for a requested time', () => {
  const wednesday = at('2026-11-25T10:30:00+02:00');

  it('clips a day to the office hours: tomorrow 08–16 → 9–15', () => {
    expect(shown(callbackWindow(span('2026-11-26T08:00:00+02:00', '2026-11-26T16:00:00+02:00'), wednesday))).toEqual(['2026-11-26T09:00:00+02:00', '2026-11-26T15:00:00+02:00']);
  });

  it('keeps a requested slot inside the hours as it is', () => {
    expect(shown(callbackWindow(span('2026-11-26T14:00:00+02:00', '2026-11-26T14:30:00+02:00'), wednesday))).toEqual(['2026-11-26T14:00:00+02:00', '2026-11-26T14:30:00+02:00']);
  });

  it('takes the first open day of a span of days: next week → Monday 9–15', () => {
    expect(shown(callbackWindow(span('2026-11-30T08:00:00+02:00', '2026-12-04T16:00:00+02:00'), wednesday))).toEqual(['2026-11-30T09:00:00+02:00', '2026-11-30T15:00:00+02:00']);
  });

  it('starts a span that is going on now no sooner than 30 minutes from now', () => {
    expect(shown(callbackWindow(span('2026-11-25T10:30:00+02:00', '2026-11-25T16:00:00+02:00'), wednesday))).toEqual(['2026-11-25T11:00:00+02:00', '2026-11-25T15:00:00+02:00']);
  });

  it('takes the nearest two-hour slot after a span that lies outside the hours', () => {
    // The evening, an early slot before opening, a Saturday.
    expect(shown(callbackWindow(span('2026-11-25T16:00:00+02:00', '2026-11-25T20:00:00+02:00'), wednesday))).toEqual(['2026-11-26T09:00:00+02:00', '2026-11-26T11:00:00+02:00']);
    expect(shown(callbackWindow(span('2026-11-26T07:00:00+02:00', '2026-11-26T07:30:00+02:00'), wednesday))).toEqual(['2026-11-26T09:00:00+02:00', '2026-11-26T11:00:00+02:00']);
    expect(shown(callbackWindow(span('2026-11-28T08:00:00+02:00', '2026-11-28T16:00:00+02:00'), wednesday))).toEqual(['2026-11-30T09:00:00+02:00', '2026-11-30T11:00:00+02:00']);
  });

  it('moves on from a request already past, and from one with under 30 minutes inside the hours', () => {
    const fridayEvening = at('2026-11-27T16:30:00+02:00');
    expect(shown(callbackWindow(span('2026-11-27T08:00:00+02:00', '2026-11-27T16:00:00+02:00'), fridayEvening))).toEqual(['2026-11-30T09:00:00+02:00', '2026-11-30T11:00:00+02:00']);
    expect(shown(callbackWindow(span('2026-11-26T14:45:00+02:00', '2026-11-26T15:15:00+02:00'), wednesday))).toEqual(['2026-11-27T09:00:00+02:00', '2026-11-27T11:00:00+02:00']);
  });

  it('follows other office hours and closed dates given in the config', () => {
    const hours: OfficeHours = { days: [2, 4], opens: '12:00', closes: '16:30', closedDates: ['2026-11-26'] };
    expect(shown(callbackWindow(ASAP, wednesday, hours))).toEqual(['2026-12-01T12:00:00+02:00', '2026-12-01T14:00:00+02:00']);
    expect(shown(callbackWindow(span('2026-12-03T08:00:00+02:00', '2026-12-03T16:00:00+02:00'), wednesday, hours))).toEqual(['2026-12-03T12:00:00+02:00', '2026-12-03T16:00:00+02:00']);
  });
});

describe('callbackWindow skips Finnish holidays', () => {
  it('Christmas 2026: from the afternoon of 23 December to Monday 28 December', () => {
    expect(shown(callbackWindow(ASAP, at('2026-12-23T14:00:00+02:00')))).toEqual(['2026-12-28T09:00:00+02:00', '2026-12-28T11:00:00+02:00']);
    const christmasEve = span('2026-12-24T08:00:00+02:00', '2026-12-24T16:00:00+02:00');
    expect(shown(callbackWindow(christmasEve, at('2026-12-23T09:00:00+02:00')))).toEqual(['2026-12-28T09:00:00+02:00', '2026-12-28T11:00:00+02:00']);
  });

  it('Boxing Day is closed even for a desk open on Saturdays; New Year’s Eve is a working day', () => {
    const withSaturday: OfficeHours = { ...DEFAULT_OFFICE_HOURS, days: [1, 2, 3, 4, 5, 6] };
    expect(shown(callbackWindow(ASAP, at('2026-12-23T14:00:00+02:00'), withSaturday))).toEqual(['2026-12-28T09:00:00+02:00', '2026-12-28T11:00:00+02:00']);
    expect(shown(callbackWindow(ASAP, at('2026-12-30T16:00:00+02:00')))).toEqual(['2026-12-31T09:00:00+02:00', '2026-12-31T11:00:00+02:00']);
  });

  it('Easter 2027: Good Friday and Easter Monday closed, the Tuesday in summer time', () => {
    expect(shown(callbackWindow(ASAP, at('2027-03-25T16:00:00+02:00')))).toEqual(['2027-03-30T09:00:00+03:00', '2027-03-30T11:00:00+03:00']);
    expect(shown(callbackWindow(ASAP, at('2027-03-25T16:00:00+02:00'), everyDay))).toEqual(['2027-03-27T09:00:00+02:00', '2027-03-27T11:00:00+02:00']);
    // Saturday open, Easter Sunday and Easter Monday closed.
    expect(shown(callbackWindow(ASAP, at('2027-03-27T16:00:00+02:00'), everyDay))).toEqual(['2027-03-30T09:00:00+03:00', '2027-03-30T11:00:00+03:00']);
  });

  it('Midsummer Eve 2027 (Friday 25 June) is closed', () => {
    expect(shown(callbackWindow(ASAP, at('2027-06-24T16:00:00+03:00')))).toEqual(['2027-06-28T09:00:00+03:00', '2027-06-28T11:00:00+03:00']);
    const midsummerEve = span('2027-06-25T08:00:00+03:00', '2027-06-25T16:00:00+03:00');
    expect(shown(callbackWindow(midsummerEve, at('2027-06-15T10:00:00+03:00')))).toEqual(['2027-06-28T09:00:00+03:00', '2027-06-28T11:00:00+03:00']);
  });

  it('marks exactly the days the desk is closed, eves included and New Year’s Eve not', () => {
    for (const closed of ['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01', '2027-01-06', '2027-03-26', '2027-03-28', '2027-03-29', '2027-05-01', '2027-05-06', '2027-06-25', '2027-06-26', '2027-12-06']) {
      expect([closed, isDeskHoliday(closed)]).toEqual([closed, true]);
    }
    for (const open of ['2026-12-23', '2026-12-28', '2026-12-31', '2027-03-25', '2027-03-30', '2027-06-24', '2027-06-28']) {
      expect([open, isDeskHoliday(open)]).toEqual([open, false]);
    }
    expect(deskHolidays(2026).size).toBe(15);
  });
});

describe('callbackWindow on the days the clocks change', () => {
  it('autumn (2026-10-25): a Sunday window on winter time, +02:00', () => {
    expect(shown(callbackWindow(ASAP, at('2026-10-24T16:00:00+03:00'), everyDay))).toEqual(['2026-10-25T09:00:00+02:00', '2026-10-25T11:00:00+02:00']);
  });

  it('spring (2026-03-29): a Sunday window on summer time, +03:00', () => {
    const window = callbackWindow(ASAP, at('2026-03-28T16:00:00+02:00'), everyDay);
    expect(shown(window)).toEqual(['2026-03-29T09:00:00+03:00', '2026-03-29T11:00:00+03:00']);
    expect(window.start.toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('an asap asked in the night of the change still keeps 30 minutes of lead time in real time', () => {
    const hours: OfficeHours = { days: [7], opens: '02:00', closes: '06:00' };
    // 02:40 winter time; 30 minutes later is 03:10 wall clock, which does not exist: it is 04:10 summer time.
    const window = callbackWindow(ASAP, at('2026-03-29T02:40:00+02:00'), hours);
    expect(shown(window)).toEqual(['2026-03-29T04:30:00+03:00', '2026-03-29T06:00:00+03:00']);
  });

  it('reads a wall-clock time skipped in spring an hour later', () => {
    expect(helsinkiIso(helsinkiInstant('2026-03-29', 3 * 60 + 30))).toBe('2026-03-29T04:30:00+03:00');
    expect(helsinkiIso(helsinkiInstant('2026-10-25', 3 * 60 + 30))).toBe('2026-10-25T03:30:00+03:00');
  });
});

describe('office hours config', () => {
  it('defaults to Monday–Friday 9–15', () => {
    expect(DEFAULT_OFFICE_HOURS).toEqual({ days: [1, 2, 3, 4, 5], opens: '09:00', closes: '15:00' });
    expect(officeHoursSchema.safeParse(DEFAULT_OFFICE_HOURS).success).toBe(true);
  });

  it('refuses hours that close before they open, no weekdays, or a date that does not exist', () => {
    expect(officeHoursSchema.safeParse({ days: [1], opens: '15:00', closes: '09:00' }).success).toBe(false);
    expect(officeHoursSchema.safeParse({ days: [], opens: '09:00', closes: '15:00' }).success).toBe(false);
    expect(officeHoursSchema.safeParse({ days: [8], opens: '09:00', closes: '15:00' }).success).toBe(false);
    expect(officeHoursSchema.safeParse({ days: [1], opens: '09:00', closes: '15:00', closedDates: ['2026-02-30'] }).success).toBe(false);
  });

  it('says so when no day is ever open', () => {
    const hours: OfficeHours = { days: [6], opens: '09:00', closes: '09:30' };
    expect(() => callbackWindow(ASAP, at('2026-11-25T10:30:00+02:00'), hours)).toThrow(/No open day within 400 days/);
  });
});

describe('formatCallbackWindow', () => {
  const window = (start: string, end: string): CallbackWindow => ({ start: at(start), end: at(end) });

  it('writes the weekday in essive, the date as d.m. and hours without leading zeros', () => {
    expect(formatCallbackWindow(window('2026-11-26T10:00:00+02:00', '2026-11-26T12:00:00+02:00'), vocabulary)).toBe('torstaina 26.11. klo 10–12');
    expect(formatCallbackWindow(window('2026-11-30T09:30:00+02:00', '2026-11-30T11:00:00+02:00'), vocabulary)).toBe('maanantaina 30.11. klo 9.30–11');
    expect(formatCallbackWindow(window('2026-12-01T09:00:00+02:00', '2026-12-01T09:45:00+02:00'), vocabulary)).toBe('tiistaina 1.12. klo 9–9.45');
  });

  it('names every weekday', () => {
    const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'];
    const names = days.map((date) => formatCallbackWindow(window(`${date}T10:00:00+02:00`, `${date}T12:00:00+02:00`), vocabulary).split(' ')[0]);
    expect(names).toEqual(['maanantaina', 'tiistaina', 'keskiviikkona', 'torstaina', 'perjantaina', 'lauantaina', 'sunnuntaina']);
  });

  it('writes Helsinki wall-clock time in summer, not UTC', () => {
    expect(formatCallbackWindow(window('2027-06-18T06:00:00Z', '2027-06-18T08:00:00Z'), vocabulary)).toBe('perjantaina 18.6. klo 9–11');
  });
});

describe('from words to a window', () => {
  it.each([
    ['voisitteko soittaa huomenna iltapäivällä kiitos', '2026-11-25T10:30:00+02:00', 'torstaina 26.11. klo 12–15'],
    ['heti', '2026-11-25T10:30:00+02:00', 'keskiviikkona 25.11. klo 11–13'],
    ['milloin vain', '2026-11-27T16:30:00+02:00', 'maanantaina 30.11. klo 9–11'],
    ['huomenna klo 9.30-11', '2026-11-25T10:30:00+02:00', 'torstaina 26.11. klo 9.30–11'],
    ['illalla', '2026-11-25T10:30:00+02:00', 'torstaina 26.11. klo 9–11'],
    ['seuraavana arkipäivänä', '2026-12-23T09:00:00+02:00', 'maanantaina 28.12. klo 9–15'],
    ['maanantaina kahden jälkeen', '2027-06-15T10:00:00+03:00', 'maanantaina 21.6. klo 14–15'],
  ])('"%s" at %s → %s', (text, now, expected) => {
    const request = parser.parse(text, at(now));
    expect(formatCallbackWindow(callbackWindow(request, at(now)), vocabulary)).toBe(expected);
  });
});
