/**
 * Properties of the Finnish time parser (services/time/finnishTime.ts) and of the callback window made from its
 * answers (services/time/callbackWindow.ts) on hostile input: never throws, never hangs, and every answer is
 * well-formed. Seed and run count: see hostileInput.ts (FC_SEED, FC_RUNS).
 */
import fc from 'fast-check';
import { defaultLocalesDir } from '../../services/locales/locale';
import { DEFAULT_OFFICE_HOURS, callbackWindow } from '../../services/time/callbackWindow';
import { isDeskHoliday } from '../../services/time/deskHolidays';
import { FinnishTimeParser, type TimeRequest } from '../../services/time/finnishTime';
import { clockToMinutes, isoWeekday } from '../../services/time/helsinki';
import { helsinkiWallClock } from '../../services/time/helsinkiInstant';
import { loadTimeVocabulary } from '../../services/time/timeVocabulary';
import { HANG_BOUND_MS, NASTY_PIECES, hostileString, runs, timed } from './hostileInput';

const parser = new FinnishTimeParser(loadTimeVocabulary(defaultLocalesDir()));
const KINDS = ['time', 'asap', 'any', 'none'];
const OPENS = clockToMinutes(DEFAULT_OFFICE_HOURS.opens);
const CLOSES = clockToMinutes(DEFAULT_OFFICE_HOURS.closes);

/** Any moment of 2024–2030, to the millisecond: daylight saving changes, year ends and leap days included. */
const anyNow = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true });

/** Time words and numbers in any order: more of them than random text reach the parser's composing. */
const timeWords = fc
  .array(
    fc.oneof(
      fc.constantFrom(...NASTY_PIECES),
      fc.constantFrom('klo 25', '31.2.', '24.12.', '3.12.2026', 'kello 7', 'puoli kolme', 'varttia vaille', 'ennen neljää', 'kuuden jälkeen', 'ensi tiistaina', 'eilen', '3 päivää sitten', 'kahden tunnin päästä', 'ti', 'pe', 'su', 'illalla', 'aamupäivällä', 'kymmenen ja kahdentoista välillä', '2026-03-29T03:30'),
      fc.integer({ min: -5, max: 99 }).map(String),
    ),
    { maxLength: 12 },
  )
  .map((words) => words.join(' '));

const isValidDate = (date: unknown) => date instanceof Date && !Number.isNaN(date.getTime());

function expectWellFormed(request: TimeRequest): void {
  expect(KINDS).toContain(request.kind);
  if (request.kind === 'time') {
    expect(isValidDate(request.start) && isValidDate(request.end)).toBe(true);
    expect(request.start.getTime()).toBeLessThan(request.end.getTime());
  }
}

function expectWindowWithinOfficeHours(request: TimeRequest, now: Date): void {
  const window = callbackWindow(request, now);
  expect(isValidDate(window.start) && isValidDate(window.end)).toBe(true);
  expect(window.start.getTime()).toBeLessThan(window.end.getTime());
  // The desk needs 30 minutes to see a request before calling.
  expect(window.start.getTime()).toBeGreaterThanOrEqual(now.getTime() + 30 * 60_000);
  const start = helsinkiWallClock(window.start);
  const end = helsinkiWallClock(window.end);
  expect(end.date).toBe(start.date);
  expect(DEFAULT_OFFICE_HOURS.days).toContain(isoWeekday(start.date));
  expect(isDeskHoliday(start.date)).toBe(false);
  expect(start.minutes).toBeGreaterThanOrEqual(OPENS);
  expect(end.minutes).toBeLessThanOrEqual(CLOSES);
}

describe('FinnishTimeParser on hostile input', () => {
  beforeAll(() => {
    // The first parse compiles chrono's patterns: not a hang, so it is kept out of the measured calls.
    parser.parse('huomenna kahden jälkeen', new Date());
  });

  it('never throws, ends well within the hang bound, and answers one of the four kinds, well-formed', () => {
    fc.assert(
      fc.property(hostileString, anyNow, (text, now) => {
        const { result, ms } = timed(() => parser.parse(text, now));
        expect(ms).toBeLessThan(HANG_BOUND_MS);
        expectWellFormed(result);
      }),
      runs(1500),
    );
  });

  it('answers time words in any order well-formed, and the same each time', () => {
    fc.assert(
      fc.property(timeWords, anyNow, (text, now) => {
        const { result, ms } = timed(() => parser.parse(text, now));
        expect(ms).toBeLessThan(HANG_BOUND_MS);
        expectWellFormed(result);
        expect(parser.parse(text, now)).toEqual(result);
      }),
      runs(1000),
    );
  });

  it('gives every answer a callback window within the office hours, at least 30 minutes ahead', () => {
    fc.assert(
      fc.property(fc.oneof(timeWords, hostileString), anyNow, (text, now) => {
        expectWindowWithinOfficeHours(parser.parse(text, now), now);
      }),
      runs(700),
    );
  });
});
