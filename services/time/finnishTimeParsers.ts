/**
 * chrono-node's Finnish locale (`chrono.fi`) extended with the desk's own parsers and refiners.
 *
 * Kept from chrono.fi: weekday names and abbreviations ("maanantaina", "ensi tiistaina", "ti"), dates with a month
 * name ("3. joulukuuta", "3. joulukuuta 2026"), clock times after klo/kello or with a colon ("klo 14.30", "14:30",
 * "klo 10–12"), "N päivän/viikon/tunnin päästä" and "N päivää sitten", and its overlap removal.
 *
 * Dropped from chrono.fi, with the reason:
 * - FICasualDateParser and FICasualTimeParser: they read a part of the day as one instant ("aamulla" = 06:00,
 *   "päivällä" = 12:00) where the desk means a span (08–10, 10–14), and "huomenna aamulla" comes out as one match
 *   that hides the part of day. Today/tomorrow and parts of the day are read here, with colloquial forms.
 * - FIMergeDateTimeRefiner and FIMergeDateRangeRefiner: they join only neighbours ("huomenna klo 9") and join any
 *   two results around a dash; finnishTime.ts puts the day and the time of day together wherever they are.
 * - UnlikelyFormatFilter: it drops every all-digit result, so "14" or "14.30" alone could never be a time.
 * - The time-zone refiners: residents do not name time zones, and a short Finnish word after a time ("ja", "et")
 *   must not be read as one.
 *
 * Added here (chrono.fi has none of these): clock words ("kahdelta", "puoli kolmelta", "varttia vaille kymmenen"),
 * ranges without klo and in words ("10-12", "kymmenen ja kahdentoista välillä", "kahdesta neljään"), bounds
 * ("kahden jälkeen", "ennen neljää", "klo 12 mennessä"), dates without a year ("3.12.") and "joulukuun 3. päivänä",
 * a dotted time without klo ("14.30"), a bare hour ("14"), today/tomorrow/the day after, parts of the day, weeks
 * ("ensi viikolla"), "seuraavana arkipäivänä", and impossible times and dates ("klo 25", "31.2.") marked as such.
 *
 * Every word comes from locales/fi/time.json. Meaning the components cannot hold travels in tags (TAG below).
 */
import { Chrono, fi, type Parser, type ParsingComponents, type ParsingContext, type ParsingResult, type Refiner } from 'chrono-node';
import type { PartOfDay, TimeVocabulary } from './timeVocabulary';
import { anyOf } from './wordPatterns';

export const TAG = {
  /** Found by one of the desk's parsers (chrono.fi's own results have no apu/ tags). */
  desk: 'apu/desk',
  /** A clock or date that cannot be: the whole message then means no time. */
  impossible: 'apu/impossible',
  /** An hour said as 1–12 without a leading zero: a part of day or the 13–19 rule decides morning or afternoon. */
  ambiguousHour: 'apu/ambiguousHour',
  /** A number alone ("14"): a time only when nothing but other time words stands beside it. */
  bareHour: 'apu/bareHour',
  after: 'apu/after',
  before: 'apu/before',
  negated: 'apu/negated',
  nextWorkday: 'apu/nextWorkday',
  /** Prefixes of tags that carry a value: "apu/partOfDay:evening", "apu/minuteOffset:-15". */
  partOfDay: 'apu/partOfDay:',
  relativeDays: 'apu/relativeDays:',
  weeksAhead: 'apu/weeksAhead:',
  minuteOffset: 'apu/minuteOffset:',
} as const;

/** The value of a prefixed tag, e.g. tagValue(tags, TAG.partOfDay) → "evening". */
export function tagValue(tags: ReadonlySet<string>, prefix: string): string | undefined {
  for (const tag of tags) if (tag.startsWith(prefix)) return tag.slice(prefix.length);
  return undefined;
}

/** An hour as said: `offset` is the minutes before it ("varttia vaille kymmenen" = hour 10, offset -15). */
export interface SaidClock {
  hour: number;
  minute: number;
  offset: number;
  ambiguous: boolean;
}

// A match starts after a non-word character that is not part of a number ("3.12" must not yield "12") and ends
// before one that does not continue a number ("14.30" must not yield "14").
const START = '(^|[^\\p{L}\\p{N}.:])';
const END = '(?![\\p{L}\\p{N}]|[.,:]\\p{N})';
const inWords = (inner: string) => new RegExp(`${START}(?:${inner})${END}`, 'u');

/** A Parser built from a pattern made with inWords and a function that reads the match (without its lead). */
class WordParser implements Parser {
  constructor(
    private readonly regex: RegExp,
    private readonly read: (context: ParsingContext, groups: Record<string, string | undefined>, index: number, text: string) => ParsingResult | null,
  ) {}

  pattern(): RegExp {
    return this.regex;
  }

  extract(context: ParsingContext, match: RegExpMatchArray): ParsingResult | null {
    const lead = match[1] ?? '';
    return this.read(context, match.groups ?? {}, match.index! + lead.length, match[0].slice(lead.length))?.addTag(TAG.desk) ?? null;
  }
}

const isValidDate = (year: number, month: number, day: number) => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/** Reads the pieces of a clock phrase back to numbers; built once from the vocabulary. */
class ClockReader {
  private readonly hourByWord = new Map<string, number>();
  private readonly minutesByWord = new Map<string, number>();
  private readonly pastWords: Set<string>;
  private readonly prefix: RegExp;
  private readonly relation: RegExp;
  private readonly half: RegExp;

  constructor(vocabulary: TimeVocabulary) {
    for (const entry of vocabulary.hours) for (const form of [...entry.at, ...entry.from, ...entry.to, ...entry.forms]) this.hourByWord.set(form, entry.hour);
    for (const entry of vocabulary.minutes) for (const form of entry.forms) this.minutesByWord.set(form, entry.minutes);
    const { markers } = vocabulary;
    this.pastWords = new Set(markers.past);
    this.prefix = new RegExp(`^(?:${anyOf(markers.clock)})\\.?\\s*`, 'u');
    this.relation = new RegExp(`^(?<minutes>${anyOf(vocabulary.minutes.flatMap((entry) => entry.forms))}|\\d{1,2})\\s+(?<relation>${anyOf([...markers.past, ...markers.to])})\\s+(?<hour>.+)$`, 'u');
    this.half = new RegExp(`^(?:${anyOf(markers.half)})\\s+(?<hour>.+)$`, 'u');
  }

  /** "puoli kolmelta" → 3 with offset -30; "klo 25" → impossible; something else → undefined. */
  read(phrase: string): SaidClock | 'impossible' | undefined {
    let rest = phrase.trim().replace(/\s+/g, ' ').replace(this.prefix, '');
    let minute = 0;
    let offset = 0;
    const relation = this.relation.exec(rest);
    const half = relation ? null : this.half.exec(rest);
    if (relation?.groups) {
      const said = relation.groups.minutes!;
      const minutes = this.minutesByWord.get(said) ?? Number(said);
      if (!(minutes > 0 && minutes < 30)) return undefined;
      if (this.pastWords.has(relation.groups.relation!)) minute = minutes;
      else offset = -minutes;
      rest = relation.groups.hour!;
    } else if (half?.groups) {
      offset = -30;
      rest = half.groups.hour!;
    }
    rest = rest.replace(this.prefix, '');
    const byWord = this.hourByWord.get(rest);
    if (byWord !== undefined) return { hour: byWord, minute, offset, ambiguous: true };
    const digits = /^(\d{1,3})(?:[.:](\d{1,3}))?(?::\p{L}{1,4})?$/u.exec(rest);
    if (!digits) return undefined;
    const hour = Number(digits[1]);
    const minutes = digits[2] === undefined ? 0 : Number(digits[2]);
    if (hour > 23 || minutes > 59 || (digits[2] !== undefined && digits[2].length !== 2)) return 'impossible';
    if (digits[2] !== undefined && (minute !== 0 || offset !== 0)) return undefined;
    return { hour, minute: minute + minutes, offset, ambiguous: hour >= 1 && hour <= 12 && !digits[1]!.startsWith('0') };
  }
}

function clockComponents(context: ParsingContext, clock: SaidClock): ParsingComponents {
  const components = context.createParsingComponents({ hour: clock.hour, minute: clock.minute });
  if (clock.ambiguous) components.addTag(TAG.ambiguousHour);
  if (clock.offset !== 0) components.addTag(`${TAG.minuteOffset}${clock.offset}`);
  return components;
}

const impossible = (context: ParsingContext, index: number, text: string) => context.createParsingResult(index, text).addTag(TAG.impossible);

/** The desk's parsers, in the order they win ties against each other and against chrono.fi's own. */
function deskParsers(vocabulary: TimeVocabulary): Parser[] {
  const { markers } = vocabulary;
  const reader = new ClockReader(vocabulary);
  const klo = `(?:(?:${anyOf(markers.clock)})\\.?\\s*)`;
  const hourWord = anyOf(vocabulary.hours.flatMap((entry) => [...entry.at, ...entry.from, ...entry.to, ...entry.forms]));
  const atWord = anyOf(vocabulary.hours.flatMap((entry) => entry.at));
  const fromWord = anyOf(vocabulary.hours.flatMap((entry) => entry.from));
  const toWord = anyOf(vocabulary.hours.flatMap((entry) => entry.to));
  const minuteWord = anyOf(vocabulary.minutes.flatMap((entry) => entry.forms));
  const digits = '\\d{1,2}(?:[.:]\\d{2})?';
  const spoken = `(?:(?:${minuteWord}|\\d{1,2})\\s+(?:${anyOf([...markers.past, ...markers.to])})\\s+${klo}?|(?:${anyOf(markers.half)})\\s+)`;
  /** Any way of saying an hour: "klo 14", "14:n", "kahden", "puoli kolmen", "varttia yli kaksi". */
  const clock = `${klo}?${spoken}?(?:${hourWord}|${digits}(?::\\p{L}{1,4})?)`;
  const quantity = `(?!\\s+(?:${anyOf(markers.quantity)})(?![\\p{L}]))`;

  const readClock = (phrase: string | undefined) => (phrase === undefined ? undefined : reader.read(phrase));

  const spokenClock = new WordParser(
    inWords(
      `(?<clock>${klo}?${spoken}?(?:${atWord})` +
        `|(?:${minuteWord}|\\d{1,2})\\s+(?:${anyOf([...markers.past, ...markers.to])})\\s+${klo}?(?:${hourWord}|\\d{1,2})` +
        `|(?:${anyOf(markers.half)})\\s+(?:${hourWord}|\\d{1,2})` +
        `|${klo}(?:${hourWord})` +
        `|${klo}?(?:${hourWord}|${digits})(?=\\s+(?:${anyOf(markers.around)})))` +
        `(?:\\s+(?:${anyOf(markers.around)}))?`,
    ),
    (context, groups, index, text) => {
      const said = readClock(groups.clock);
      if (said === 'impossible') return impossible(context, index, text);
      return said ? context.createParsingResult(index, text, clockComponents(context, said)) : null;
    },
  );

  const bound = new WordParser(
    inWords(
      `(?<after>${clock})\\s+(?:${anyOf(markers.after)})` +
        `|(?<until>${clock})\\s+(?:${anyOf(markers.until)})` +
        `|(?:${anyOf(markers.before)})\\s+(?<before>${clock})${quantity}`,
    ),
    (context, groups, index, text) => {
      const phrase = groups.after ?? groups.until ?? groups.before;
      const said = readClock(phrase);
      if (said === 'impossible') return impossible(context, index, text);
      if (!said) return null;
      return context.createParsingResult(index, text, clockComponents(context, said).addTag(groups.after ? TAG.after : TAG.before));
    },
  );

  const range = new WordParser(
    inWords(
      `(?:(?:${anyOf(markers.between)})\\s+)?(?<from>${clock})\\s*[-\u2013\u2014]\\s*(?<to>${clock})(?:\\s+(?:${anyOf(markers.between)}))?${quantity}` +
        `|(?:(?:${anyOf(markers.between)})\\s+)?(?<from2>${clock})\\s+(?:${anyOf(markers.and)})\\s+(?<to2>${clock})\\s+(?:${anyOf(markers.between)})` +
        `|(?<from3>${klo}?(?:${anyOf(markers.half)}\\s+)?(?:${fromWord}|${digits}:st[a\u00e4]))\\s+(?<to3>${klo}?(?:${anyOf(markers.half)}\\s+)?(?:${toWord}|${digits}:(?:een|\u00e4\u00e4n|aan|n)))(?:\\s+(?:${anyOf(markers.until)}))?`,
    ),
    (context, groups, index, text) => {
      const from = readClock(groups.from ?? groups.from2 ?? groups.from3);
      const to = readClock(groups.to ?? groups.to2 ?? groups.to3);
      if (from === 'impossible' || to === 'impossible') return impossible(context, index, text);
      if (!from || !to) return null;
      return context.createParsingResult(index, text, clockComponents(context, from), clockComponents(context, to));
    },
  );

  const today = (context: ParsingContext) => {
    const local = context.reference.getDateWithAdjustedTimezone();
    return { year: local.getFullYear(), month: local.getMonth() + 1, day: local.getDate() };
  };
  /** The year of a day and month said without one: this year unless that day is already behind us. */
  const comingYear = (context: ParsingContext, month: number, day: number) => {
    const now = today(context);
    return month > now.month || (month === now.month && day >= now.day) ? now.year : now.year + 1;
  };
  const dateResult = (context: ParsingContext, index: number, text: string, day: number, month: number, year: number | undefined) => {
    const fullYear = year ?? comingYear(context, month, day);
    if (!isValidDate(fullYear, month, day)) return impossible(context, index, text);
    const components = context.createParsingComponents({ day, month });
    if (year === undefined) components.imply('year', fullYear);
    else components.assign('year', year);
    return context.createParsingResult(index, text, components);
  };

  const numeric = new WordParser(
    inWords(
      `(?<day>\\d{1,2})\\.(?<month>\\d{1,2})\\.(?<year>\\d{4})?` +
        `|(?<day2>\\d{1,2})\\.(?<month2>\\d{1,2})(?=\\s+${klo})` +
        `|(?<hour>\\d{1,2})\\.(?<minute>\\d{2})` +
        `|${klo}(?<badHour>\\d{1,3})(?:[.:](?<badMinute>\\d{1,3}))?` +
        `|(?<colonHour>\\d{1,3}):(?<colonMinute>\\d{1,3})`,
    ),
    (context, groups, index, text) => {
      if (groups.day !== undefined && groups.month !== undefined) {
        const day = Number(groups.day);
        const month = Number(groups.month);
        if (groups.year === undefined && groups.month.length === 2 && (month === 0 || month > 12)) {
          // "14.30." at the end of a sentence is a time, not a date.
          const said = reader.read(`${groups.day}.${groups.month}`);
          if (said && said !== 'impossible') return context.createParsingResult(index, text.replace(/\.$/, ''), clockComponents(context, said));
        }
        return dateResult(context, index, text, day, month, groups.year === undefined ? undefined : Number(groups.year));
      }
      if (groups.day2 !== undefined && groups.month2 !== undefined) return dateResult(context, index, text, Number(groups.day2), Number(groups.month2), undefined);
      if (groups.hour !== undefined) {
        // Without klo and without the date's last dot, "3.12" is more often a date than 15.12 in the afternoon.
        const month = Number(groups.minute);
        if (month >= 1 && month <= 12) return dateResult(context, index, text, Number(groups.hour), month, undefined);
        const said = reader.read(`${groups.hour}.${groups.minute}`);
        return said && said !== 'impossible' ? context.createParsingResult(index, text, clockComponents(context, said)) : impossible(context, index, text);
      }
      // Valid klo and colon times are chrono.fi's; only the impossible ones are answered here.
      const hour = Number(groups.badHour ?? groups.colonHour);
      const minuteText = groups.badMinute ?? groups.colonMinute;
      const minute = minuteText === undefined ? 0 : Number(minuteText);
      const valid = hour <= 23 && minute <= 59 && (minuteText === undefined || minuteText.length === 2);
      return valid ? null : impossible(context, index, text);
    },
  );

  const monthGenitive = new WordParser(
    inWords(
      `(?<month>${anyOf(vocabulary.months.flatMap((entry) => entry.forms))})\\s+(?<day>\\d{1,2})(?:\\.(?:\\s*(?:${anyOf(vocabulary.dayOfMonth)}))?|\\s+(?:${anyOf(vocabulary.dayOfMonth)}))(?:\\s+(?<year>\\d{4}))?`,
    ),
    (context, groups, index, text) => {
      const month = vocabulary.months.find((entry) => entry.forms.includes(groups.month!))!.month;
      return dateResult(context, index, text, Number(groups.day), month, groups.year === undefined ? undefined : Number(groups.year));
    },
  );

  const bareHour = new WordParser(inWords(`(?<hour>\\d{1,2})${quantity}`), (context, groups, index, text) => {
    const said = reader.read(groups.hour!);
    if (!said || said === 'impossible') return null;
    return context.createParsingResult(index, text, clockComponents(context, said).addTag(TAG.bareHour));
  });

  const dayWords = new Map<string, string>();
  for (const entry of vocabulary.relativeDays) for (const form of entry.forms) dayWords.set(form, `${TAG.relativeDays}${entry.days}`);
  for (const form of vocabulary.nextWorkday) dayWords.set(form, TAG.nextWorkday);
  for (const entry of vocabulary.weeks) for (const form of entry.forms) dayWords.set(form, `${TAG.weeksAhead}${entry.weeksAhead}`);
  const days = new WordParser(inWords(`(?<day>${anyOf([...dayWords.keys()])})`), (context, groups, index, text) => {
    const tag = dayWords.get(groups.day!.replace(/\s+/g, ' '));
    return tag ? context.createParsingResult(index, text).addTag(tag) : null;
  });

  const partWords = new Map<string, PartOfDay>();
  for (const entry of vocabulary.partsOfDay) for (const form of entry.forms) partWords.set(form, entry.part);
  const partsOfDay = new WordParser(inWords(`(?<part>${anyOf([...partWords.keys()])})`), (context, groups, index, text) => {
    const part = partWords.get(groups.part!.replace(/\s+/g, ' '));
    return part ? context.createParsingResult(index, text).addTag(`${TAG.partOfDay}${part}`) : null;
  });

  return [range, bound, spokenClock, monthGenitive, numeric, days, partsOfDay, bareHour];
}

/**
 * Marks a result that a negation covers: "ei maanantaina", "en pääse maanantaina", "paitsi maanantaina" (at most two
 * words between, no punctuation, no word such as "vaan" that turns the sentence around), or "maanantai ei käy"
 * (the negation right after). The composition drops a marked result, or turns a marked bound around.
 */
function negationRefiner(vocabulary: TimeVocabulary): Refiner {
  const { negation, contrast } = vocabulary.markers;
  const between = `(?:\\s+(?!(?:${anyOf(contrast)})(?!\\p{L}))\\p{L}+){0,2}`;
  const before = new RegExp(`(?:^|[^\\p{L}])(?:${anyOf(negation)})${between}\\s+$`, 'u');
  const after = new RegExp(`^\\s+(?:${anyOf(negation)})(?!\\p{L})`, 'u');
  return {
    refine: (context, results) => {
      for (const result of results) {
        const end = result.index + result.text.length;
        const denied = before.test(context.text.slice(Math.max(0, result.index - 60), result.index)) || after.test(context.text.slice(end, end + 20));
        if (denied) result.addTag(TAG.negated);
      }
      return results;
    },
  };
}

/** chrono.fi's own clock results ("klo 2", "klo 10–12") get the same hour-ambiguity mark as the desk's. */
const chronoClockRefiner: Refiner = {
  refine: (_context, results) => {
    for (const result of results) {
      const tags = result.start.tags();
      if (!result.start.isCertain('hour') || result.start.isCertain('day') || [...tags].some((tag) => tag.startsWith('apu/') || tag.startsWith('result/'))) continue;
      const said = /^\D*?(\d{1,2})(?:[.:]\d{2})?(?:\s*[-\u2013~]\s*\D*?(\d{1,2}))?/.exec(result.text);
      const mark = (hour: string | undefined, components: ParsingComponents | undefined) => {
        if (hour && components && Number(hour) >= 1 && Number(hour) <= 12 && !hour.startsWith('0')) components.addTag(TAG.ambiguousHour);
      };
      mark(said?.[1], result.start);
      mark(said?.[2], result.end);
    }
    return results;
  },
};

const cutsWord = (before: string, after: string) => /\p{L}/u.test(before) && /\p{L}/u.test(after);

/**
 * Keeps what could be a time: real dates only, all-digit text only when a desk parser vouched for it, and no
 * number that an amount word follows ("3-4 päivää", "2 tuntia").
 */
function plausibilityFilter(vocabulary: TimeVocabulary): Refiner {
  const amount = new RegExp(`^\\s+(?:${anyOf(vocabulary.markers.quantity)})(?!\\p{L})`, 'u');
  return {
    refine: (context, results) =>
      results.filter((result) => {
        if (result.start.tags().has(TAG.impossible)) return true;
        if (!result.start.tags().has(TAG.desk)) {
          if (/^\d*(\.\d*)?$/.test(result.text.replace(/\s/g, ''))) return false;
          // chrono's word boundaries are ASCII: in "3-4 päivää" it reads "3-4 p" as 3–4 pm, as "ä" ends no word.
          const end = result.index + result.text.length;
          if (cutsWord(context.text.charAt(result.index - 1), context.text.charAt(result.index))) return false;
          if (cutsWord(context.text.charAt(end - 1), context.text.charAt(end))) return false;
        }
        if (/\d$/.test(result.text) && amount.test(context.text.slice(result.index + result.text.length))) return false;
        return result.start.isValidDate() && (!result.end || result.end.isValidDate());
      }),
  };
}

function without<T extends object>(items: T[], names: string[]): T[] {
  const found = new Set(items.map((item) => item.constructor.name));
  const missing = names.filter((name) => !found.has(name));
  // Fails loudly at start-up if a chrono-node upgrade renames what is taken out here.
  if (missing.length > 0) throw new Error(`chrono-node's Finnish configuration no longer has ${missing.join(', ')}`);
  return items.filter((item) => !names.includes(item.constructor.name));
}

/** A chrono-node instance reading Finnish the desk's way. Build it once; it is safe to share. */
export function createFinnishChrono(vocabulary: TimeVocabulary): Chrono {
  const configuration = fi.createCasualConfiguration(true);
  configuration.parsers = [...deskParsers(vocabulary), ...without(configuration.parsers, ['FICasualDateParser', 'FICasualTimeParser'])];
  configuration.refiners = [
    ...without(configuration.refiners, [
      'FIMergeDateRangeRefiner',
      'FIMergeDateTimeRefiner',
      'UnlikelyFormatFilter',
      'ExtractTimezoneAbbrRefiner',
      'ExtractTimezoneOffsetRefiner',
    ]),
    negationRefiner(vocabulary),
    chronoClockRefiner,
    plausibilityFilter(vocabulary),
  ];
  return new Chrono(configuration);
}
