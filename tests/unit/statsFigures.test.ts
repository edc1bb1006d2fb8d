import { SERVICE_KEYS, median, minutesBetween, toCsv, type ServiceFigures, type WeekFigures } from '../../services/callbacks/stats';
import { helsinkiWeek, isoWeekOf, mondayOf, recentWeeks } from '../../services/time/isoWeek';

describe('ISO weeks by the desk\'s clock', () => {
  it.each([
    ['2026-11-23', '2026-W48'],
    ['2026-03-04', '2026-W10'],
    // The week of a year's first Thursday is its week 1, even when it starts in December …
    ['2025-12-29', '2026-W01'],
    ['2026-01-04', '2026-W01'],
    // … and a year that starts on a Thursday has 53 weeks, the last reaching into January.
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2021-01-03', '2020-W53'],
    ['2024-12-30', '2025-W01'],
  ])('%s is in %s', (date, week) => {
    expect(isoWeekOf(date)).toBe(week);
  });

  it('begins a week on Monday', () => {
    expect(mondayOf('2026-03-04')).toBe('2026-03-02');
    expect(mondayOf('2026-03-02')).toBe('2026-03-02');
    expect(mondayOf('2026-03-08')).toBe('2026-03-02');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
  });

  it('takes the week of an instant in Helsinki time, summer time included', () => {
    expect(helsinkiWeek(new Date('2026-03-08T21:59:59Z'))).toBe('2026-W10');
    expect(helsinkiWeek(new Date('2026-03-08T22:00:00Z'))).toBe('2026-W11');
    // Summer time: Helsinki is UTC+3, so Monday begins at 21:00 UTC on Sunday.
    expect(helsinkiWeek(new Date('2026-06-14T20:59:00Z'))).toBe('2026-W24');
    expect(helsinkiWeek(new Date('2026-06-14T21:00:00Z'))).toBe('2026-W25');
  });

  it('counts back over a year\'s end, newest first', () => {
    expect(recentWeeks(new Date('2027-01-06T10:00:00Z'), 3)).toEqual([
      { week: '2027-W01', starts: '2027-01-04' },
      { week: '2026-W53', starts: '2026-12-28' },
      { week: '2026-W52', starts: '2026-12-21' },
    ]);
  });
});

describe('figures', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[30, 5, 60], 30],
    [[130, 15], 72.5],
    [[4, 1, 3, 2], 2.5],
  ])('the median of %p is %p', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('counts whole minutes, and none for a clock that went backwards', () => {
    expect(minutesBetween('2026-03-04T10:00:00.000Z', new Date('2026-03-04T10:29:31.000Z'))).toBe(30);
    expect(minutesBetween('2026-03-04T10:00:00.000Z', new Date('2026-03-04T09:58:00.000Z'))).toBe(0);
  });
});

describe('the CSV', () => {
  const none: ServiceFigures = { created: 0, closed: 0, urgent: 0, medianMinutesToClaim: null, medianMinutesToClose: null };
  const week = (overrides: Partial<WeekFigures>): WeekFigures => ({
    week: '2026-W10',
    starts: '2026-03-02',
    created: 0,
    closed: 0,
    urgent: 0,
    byService: Object.fromEntries(SERVICE_KEYS.map((service) => [service, 0])) as WeekFigures['byService'],
    services: Object.fromEntries(SERVICE_KEYS.map((service) => [service, none])) as WeekFigures['services'],
    medianMinutesToClaim: null,
    medianMinutesToClose: null,
    crisisReplies: 0,
    crisisRepliesByKind: { selfHarm: 0, violence: 0, medical: 0, poisoning: 0, unspecified: 0 },
    ...overrides,
  });

  it('is only the header for a report of no weeks', () => {
    expect(toCsv({ weeks: [] })).toBe('week,week_starts,service,created,urgent,closed,median_minutes_to_claim,median_minutes_to_close,crisis_replies\r\n');
  });

  it('leaves a median that could not be measured empty, not zero', () => {
    const lines = toCsv({ weeks: [week({ created: 2, medianMinutesToClaim: 12.5 })] }).split('\r\n');
    expect(lines[1]).toBe('2026-W10,2026-03-02,all,2,0,0,12.5,,0');
  });

  it('quotes a field holding a comma, a quote or a line break', () => {
    const lines = toCsv({ weeks: [week({ week: 'viikko 10, "kevät"\nalku' })] }).split('\r\n');
    expect(lines[1]?.startsWith('"viikko 10, ""kevät""\nalku",2026-03-02,all,')).toBe(true);
  });
});
