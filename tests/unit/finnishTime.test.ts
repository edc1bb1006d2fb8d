import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocaleDataError } from '../../services/locales/dataFile';
import { defaultLocalesDir } from '../../services/locales/locale';
import { FinnishTimeParser, MAX_READ_CHARS, type TimeRequest } from '../../services/time/finnishTime';
import { isoWeekday } from '../../services/time/helsinki';
import { helsinkiInstant, helsinkiIso, helsinkiWallClock } from '../../services/time/helsinkiInstant';
import { loadTimeVocabulary } from '../../services/time/timeVocabulary';
import { runEntry, type Finished } from '../support/runEntry';

const vocabulary = loadTimeVocabulary(defaultLocalesDir());
const parser = new FinnishTimeParser(vocabulary);

/** The request as the CLI shows it: kind, and start/end in Helsinki time. */
function shown(request: TimeRequest): { kind: string; start?: string; end?: string } {
  return request.kind === 'time' ? { kind: request.kind, start: helsinkiIso(request.start), end: helsinkiIso(request.end) } : { kind: request.kind };
}

interface Expectation {
  line: number;
  nowName: string;
  now: Date;
  text: string;
  expected: { kind: string; start?: string; end?: string };
}

/** tests/unit/fixtures/timeExpressions.tsv: "#now name iso" lines name the moments, then one expression per line. */
function readExpressions(): Expectation[] {
  const nows = new Map<string, Date>();
  const rows: Expectation[] = [];
  const lines = readFileSync(join(__dirname, 'fixtures', 'timeExpressions.tsv'), 'utf8').split('\n');
  lines.forEach((raw, index) => {
    const cells = raw.split('\t');
    if (cells[0] === '#now') {
      nows.set(cells[1]!, new Date(cells[2]!));
      return;
    }
    if (raw === '' || raw.startsWith('#') || cells[0] === 'now') return;
    if (cells.length !== 5) throw new Error(`timeExpressions.tsv line ${index + 1}: expected 5 columns, got ${cells.length}`);
    const [nowName, text, kind, start, end] = cells as [string, string, string, string, string];
    const now = nows.get(nowName);
    if (!now) throw new Error(`timeExpressions.tsv line ${index + 1}: unknown now "${nowName}"`);
    rows.push({ line: index + 1, nowName, now, text, expected: kind === 'time' ? { kind, start, end } : { kind } });
  });
  return rows;
}

const expressions = readExpressions();

describe('the Finnish time expressions in fixtures/timeExpressions.tsv', () => {
  it('are enough to mean something: 120+ expressions over every kind and every now', () => {
    expect(expressions.length).toBeGreaterThanOrEqual(120);
    expect(new Set(expressions.map((row) => row.expected.kind))).toEqual(new Set(['time', 'asap', 'any', 'none']));
    expect(new Set(expressions.map((row) => row.nowName))).toEqual(new Set(['wed', 'fri', 'eve', 'summer', 'dst']));
  });

  it.each(expressions.map((row) => [`${row.nowName} ${JSON.stringify(row.text)} (line ${row.line})`, row] as const))('%s', (_name, row) => {
    expect(shown(parser.parse(row.text, row.now))).toEqual(row.expected);
  });
});

const wednesday = new Date('2026-11-25T10:30:00+02:00');
const earlyMorning = new Date('2026-11-25T06:00:00+02:00');

describe('every word in locales/fi/time.json is understood', () => {
  it.each(vocabulary.weekdays.flatMap((weekday) => weekday.forms.map((form) => [form, weekday.day] as const)))('weekday form %s is day %i', (form, day) => {
    const request = parser.parse(form, wednesday);
    expect(request.kind).toBe('time');
    if (request.kind === 'time') expect(isoWeekday(helsinkiWallClock(request.start).date)).toBe(day);
  });

  it.each(vocabulary.hours.flatMap((hour) => hour.at.map((form) => [form, hour.hour] as const)))('"%s" is a 30-minute slot at hour %i (1–7 in the afternoon)', (form, hour) => {
    const request = shown(parser.parse(form, earlyMorning));
    const expectedHour = hour <= 7 ? hour + 12 : hour;
    expect(request).toEqual({
      kind: 'time',
      start: helsinkiIso(helsinkiInstant('2026-11-25', expectedHour * 60)),
      end: helsinkiIso(helsinkiInstant('2026-11-25', expectedHour * 60 + 30)),
    });
  });

  it.each(vocabulary.partsOfDay.flatMap((part) => part.forms.map((form) => [form, part.from, part.to] as const)))('part of day "%s" is %s–%s', (form, from, to) => {
    expect(shown(parser.parse(`huomenna ${form}`, wednesday))).toEqual({ kind: 'time', start: `2026-11-26T${from}:00+02:00`, end: `2026-11-26T${to}:00+02:00` });
  });

  it.each(vocabulary.asap)('"%s" asks for a call as soon as possible', (phrase) => {
    expect(parser.parse(phrase, wednesday).kind).toBe('asap');
    expect(parser.parse(`soittakaa ${phrase} kiitos`, wednesday).kind).toBe('asap');
  });

  it.each(vocabulary.anyTime)('"%s" means any time', (phrase) => {
    expect(parser.parse(phrase, wednesday).kind).toBe('any');
  });

  it('reads words typed without ä and ö the same', () => {
    for (const phrase of ['huomenna iltapäivällä', 'kahden jälkeen', 'ennen neljää', 'seuraavana arkipäivänä', 'tällä viikolla']) {
      const folded = phrase.replace(/ä/g, 'a').replace(/ö/g, 'o');
      expect(shown(parser.parse(folded, wednesday))).toEqual(shown(parser.parse(phrase, wednesday)));
    }
  });
});

describe('parsing never fails', () => {
  const kinds = ['time', 'asap', 'any', 'none'];

  function expectWellFormed(request: TimeRequest): void {
    expect(kinds).toContain(request.kind);
    if (request.kind === 'time') {
      expect(Number.isNaN(request.start.getTime())).toBe(false);
      expect(request.end.getTime()).toBeGreaterThan(request.start.getTime());
    }
  }

  it('on empty, huge, emoji, control-character and broken-surrogate input', () => {
    const odd = ['', ' ', '\t\r', '😀'.repeat(5000), 'a'.repeat(10_000), '1'.repeat(10_000), '\u0000\u0007\u001b[31m', '\ud800x\udfff', 'klo', 'klo klo klo', '-', '...', '.'.repeat(3000), '9'.repeat(3).split('').join('.')];
    for (const text of odd) expectWellFormed(parser.parse(text, wednesday));
    expect(parser.parse('😀'.repeat(5000), wednesday).kind).toBe('none');
  });

  it('on 3000 random mixtures of time words, digits and punctuation', () => {
    const pieces = ['klo', 'kello', '14', '3', '25', '.', ':', '-', '–', ' ', 'ja', 'välillä', 'jälkeen', 'ennen', 'ei', 'puoli', 'vaille', 'yli', 'varttia', 'kahdelta', 'kahden', 'huomenna', 'ma', 'ensi', 'viikolla', 'päivän', 'päästä', '12.', '31.2.', 'aamulla', 'heti', 'milloin vain', 'ä', '😀', '0', '99', ','];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 3000; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join(random() < 0.5 ? ' ' : '');
      expectWellFormed(parser.parse(text, wednesday));
    }
  });

  it(`reads only the first ${MAX_READ_CHARS} characters of a long message`, () => {
    const filler = 'Minulla on asia kelan kanssa. '.repeat(400);
    expect(shown(parser.parse(`huomenna aamulla. ${filler}`, wednesday))).toEqual({ kind: 'time', start: '2026-11-26T08:00:00+02:00', end: '2026-11-26T10:00:00+02:00' });
    expect(parser.parse(`${filler} huomenna aamulla`, wednesday).kind).toBe('none');
  });
});

describe('locales/fi/time.json is validated when it is loaded', () => {
  function brokenCopy(change: (data: Record<string, unknown>) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'time-locale-'));
    cpSync(defaultLocalesDir(), dir, { recursive: true });
    const path = join(dir, 'fi', 'time.json');
    const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    change(data);
    writeFileSync(path, JSON.stringify(data));
    return dir;
  }

  it('names a missing weekday', () => {
    const dir = brokenCopy((data) => (data.weekdays as unknown[]).pop());
    expect(() => loadTimeVocabulary(dir)).toThrow(LocaleDataError);
    expect(() => loadTimeVocabulary(dir)).toThrow(/time\.json at weekdays: expected each weekday 1–7 exactly once/);
  });

  it('names a part of day that ends before it starts', () => {
    const dir = brokenCopy((data) => ((data.partsOfDay as { from: string }[])[0]!.from = '11:00'));
    expect(() => loadTimeVocabulary(dir)).toThrow(/time\.json at partsOfDay\.0: from must be before to/);
  });

  it('names a window template without its end time', () => {
    const dir = brokenCopy((data) => (data.callbackWindow = '{weekday} {date} klo {start}'));
    expect(() => loadTimeVocabulary(dir)).toThrow(/time\.json at callbackWindow: expected \{weekday\}, \{date\}, \{start\} and \{end\}/);
  });
});

/** Runs tools/parseTime.ts as its own process, as `npm run parse-time` does. */
function parseTimeCli(args: string[], stdin: string, env: Record<string, string> = {}): Promise<Finished> {
  return runEntry('tools/parseTime.ts', args, { stdin, env });
}

describe('npm run parse-time', () => {
  it('prints one JSON object per input line, in Helsinki time whatever the machine’s zone', async () => {
    const input = ['huomenna kahdelta', 'heti', 'milloin vain', '', 'x'.repeat(10_000), '😀🙂', 'klo 25', 'ensi viikolla'].join('\n');
    const { code, stdout, stderr } = await parseTimeCli(['--now', '2026-11-25T10:30:00+02:00'], `${input}\n`, { TZ: 'America/New_York' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toEqual({ text: 'huomenna kahdelta', kind: 'time', start: '2026-11-26T14:00:00+02:00', end: '2026-11-26T14:30:00+02:00' });
    expect(lines[1]).toEqual({ text: 'heti', kind: 'asap' });
    expect(lines[2]).toEqual({ text: 'milloin vain', kind: 'any' });
    expect(lines[3]).toEqual({ text: '', kind: 'none' });
    expect(lines[4]).toEqual({ text: 'x'.repeat(10_000), kind: 'none' });
    expect(lines[5]).toEqual({ text: '😀🙂', kind: 'none' });
    expect(lines[6]).toEqual({ text: 'klo 25', kind: 'none' });
    expect(lines[7]).toEqual({ text: 'ensi viikolla', kind: 'time', start: '2026-11-30T08:00:00+02:00', end: '2026-12-04T16:00:00+02:00' });
  });

  it('writes summer time with +03:00', async () => {
    const { stdout } = await parseTimeCli(['--now', '2027-06-15T07:00:00Z'], 'huomenna aamulla\n');
    expect(JSON.parse(stdout)).toEqual({ text: 'huomenna aamulla', kind: 'time', start: '2027-06-16T08:00:00+03:00', end: '2027-06-16T10:00:00+03:00' });
  });

  it('takes the current time when --now is not given', async () => {
    const { code, stdout } = await parseTimeCli([], 'ylihuomenna\n');
    expect(code).toBe(0);
    const { start } = JSON.parse(stdout) as { start: string };
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    expect([helsinkiWallClock(inTwoDays).date, helsinkiWallClock(new Date(inTwoDays.getTime() - 60_000)).date]).toContain(start.slice(0, 10));
  });

  it.each([['tomorrow'], ['2026-11-25'], ['2026-02-30T10:00:00+02:00'], ['2026-11-25T25:00:00+02:00'], ['2026-11-25T10:30:00']])('refuses --now %s with one line and exit code 2', async (value) => {
    const { code, stdout, stderr } = await parseTimeCli(['--now', value], 'huomenna\n');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([`parse-time: --now: expected an ISO date-time with offset, e.g. 2026-11-25T10:30:00+02:00 (got "${value}")`]);
  });

  it('refuses --now without a value and an unknown argument, exit code 2', async () => {
    expect((await parseTimeCli(['--now'], '')).code).toBe(2);
    const unknown = await parseTimeCli(['--later'], '');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^parse-time: unknown argument --later/);
  });
});
