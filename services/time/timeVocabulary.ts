import { join } from 'node:path';
import { z } from 'zod';
import { clockTime, readDataFile } from '../locales/dataFile';
import { clockToMinutes } from './helsinki';
import { anyOf } from './wordPatterns';

/** Parts of the day a resident can name; their hours are the desk's conventions, kept with the words. */
export const PARTS_OF_DAY = ['morning', 'lateMorning', 'day', 'afternoon', 'evening'] as const;
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

const word = z
  .string()
  .trim()
  .min(1, 'expected non-empty text')
  .refine((value) => value === value.toLowerCase().normalize('NFC'), 'expected lower-case text');
const words = z.array(word).min(1, 'expected at least one word');

const wordsForNumber = <K extends string>(key: K, min: number, max: number) =>
  z.strictObject({ [key]: z.number().int().min(min).max(max) } as Record<K, z.ZodNumber>);

const everyOnce = (values: number[], count: number) => values.length === count && new Set(values).size === count;

export const timeVocabularySchema = z.strictObject({
  /** ISO weekday 1–7; `name` (essive, "torstaina") is what the bot writes and what chrono-node reads. */
  weekdays: z
    .array(z.strictObject({ day: z.number().int().min(1).max(7), name: word, forms: words }))
    .refine((days) => everyOnce(days.map((entry) => entry.day), 7), 'expected each weekday 1–7 exactly once'),
  months: z
    .array(wordsForNumber('month', 1, 12).extend({ forms: words }))
    .refine((months) => everyOnce(months.map((entry) => entry.month), 12), 'expected each month 1–12 exactly once'),
  /** Words after a day number: "joulukuun 3. päivänä". */
  dayOfMonth: words,
  relativeDays: z.array(
    wordsForNumber('days', 0, 31).extend({ forms: words, compoundStem: word.optional() }),
  ),
  nextWorkday: words,
  weeks: z.array(wordsForNumber('weeksAhead', 0, 1).extend({ forms: words })),
  partsOfDay: z
    .array(
      z
        .strictObject({ part: z.enum(PARTS_OF_DAY), from: clockTime, to: clockTime, forms: words })
        .refine((entry) => clockToMinutes(entry.from) < clockToMinutes(entry.to), 'from must be before to'),
    )
    .refine((parts) => new Set(parts.map((entry) => entry.part)).size === PARTS_OF_DAY.length, `expected each of ${PARTS_OF_DAY.join(', ')} once`),
  /** Hour words 1–12: `at` is "at that hour" (kahdelta), `from`/`to` start and end a range, `forms` the rest. */
  hours: z
    .array(wordsForNumber('hour', 1, 12).extend({ at: words, from: words, to: words, forms: words }))
    .refine((hours) => everyOnce(hours.map((entry) => entry.hour), 12), 'expected each hour 1–12 exactly once'),
  minutes: z.array(wordsForNumber('minutes', 1, 29).extend({ forms: words })),
  markers: z.strictObject({
    clock: words,
    half: words,
    past: words,
    to: words,
    after: words,
    before: words,
    until: words,
    between: words,
    and: words,
    around: words,
    negation: words,
    /** Words that end what a negation covers: "ei maanantaina vaan tiistaina". */
    contrast: words,
    /** Words that make the number before them an amount, not an hour: "3 päivää", "2 tuntia". */
    quantity: words,
  }),
  asap: words,
  anyTime: words,
  /** Other spellings of single words, as residents type them. */
  variants: z.record(word, word),
  /** Endings a resident may leave off ("iltapäiväl", "kahdelt", "jälkee"). */
  clippedEndings: words,
  callbackWindow: z
    .string()
    .refine((template) => ['{weekday}', '{date}', '{start}', '{end}'].every((slot) => template.includes(slot)), 'expected {weekday}, {date}, {start} and {end}'),
});

export type TimeVocabulary = z.output<typeof timeVocabularySchema>;

/** Reads `locales/<language>/time.json`; a broken file stops start-up with the file, the place and the reason. */
export function loadTimeVocabulary(localesDir: string, language = 'fi'): TimeVocabulary {
  return readDataFile(join(localesDir, language), 'time.json', timeVocabularySchema);
}

/** ä/ö/å typed as a/o. */
export function foldFinnishLetters(text: string): string {
  return text.replace(/[\u00e4\u00e5]/g, 'a').replace(/\u00f6/g, 'o');
}

/**
 * Brings a message to the spelling the time parsers know: lower case, and each word the vocabulary knows put back
 * to its standard form whether it was typed without ä/ö ("iltapaivalla"), without its ending ("iltapäiväl",
 * "kahen jälkee"), as a listed variant ("huomen") or as a compound of a day and a part of day ("maanantaiaamuna").
 * Weekday forms become the weekday's name, which is the form chrono-node reads. Words it does not know stay as
 * they are, so the rest of the message is untouched.
 */
export class TimeTextNormalizer {
  private readonly standard = new Map<string, string>();
  private readonly dayStems: { stem: string; day: string }[] = [];
  private readonly partWords = new Set<string>();
  /** "klo. 11" is "klo 11": the dot of an abbreviation would hide the clock from chrono.fi. */
  private readonly clockAbbreviationDot: RegExp;

  constructor(vocabulary: TimeVocabulary) {
    const grouped = new Map<string, string>();
    for (const weekday of vocabulary.weekdays) for (const form of weekday.forms) grouped.set(form, weekday.name);
    const phrases = [
      ...vocabulary.months.flatMap((month) => month.forms),
      ...vocabulary.dayOfMonth,
      ...vocabulary.relativeDays.flatMap((day) => day.forms),
      ...vocabulary.nextWorkday,
      ...vocabulary.weeks.flatMap((week) => week.forms),
      ...vocabulary.partsOfDay.flatMap((part) => part.forms),
      ...vocabulary.hours.flatMap((hour) => [...hour.at, ...hour.from, ...hour.to, ...hour.forms]),
      ...vocabulary.minutes.flatMap((minute) => minute.forms),
      ...Object.values(vocabulary.markers).flat(),
      ...vocabulary.asap,
      ...vocabulary.anyTime,
      ...Object.values(vocabulary.variants),
      ...vocabulary.weekdays.map((weekday) => weekday.name),
    ];
    for (const phrase of phrases) for (const single of phrase.split(/\s+/)) if (!grouped.has(single)) grouped.set(single, single);

    // Most certain first: a word as written, a listed variant, then the folded and clipped guesses.
    const add = (surface: string, standard: string) => {
      if (!this.standard.has(surface)) this.standard.set(surface, standard);
    };
    for (const [surface, standard] of grouped) add(surface, standard);
    for (const [surface, standard] of Object.entries(vocabulary.variants)) add(surface, grouped.get(standard) ?? standard);
    for (const [surface, standard] of grouped) add(foldFinnishLetters(surface), standard);
    for (const [surface, standard] of Object.entries(vocabulary.variants)) add(foldFinnishLetters(surface), grouped.get(standard) ?? standard);
    for (const [surface, standard] of grouped) {
      for (const ending of vocabulary.clippedEndings) {
        // Short words clipped would collide with everyday words ("tänä" → "tän").
        if (!surface.endsWith(ending) || surface.length - ending.length < 4) continue;
        const clipped = surface.slice(0, -ending.length);
        add(clipped, standard);
        add(foldFinnishLetters(clipped), standard);
      }
    }

    for (const weekday of vocabulary.weekdays) {
      // The stem of "maanantaiaamuna" is the form the name starts with ("maanantai"), not an abbreviation.
      for (const form of weekday.forms) {
        if (form.length > 2 && form !== weekday.name && weekday.name.startsWith(form)) this.dayStems.push({ stem: form, day: weekday.name });
      }
    }
    for (const day of vocabulary.relativeDays) if (day.compoundStem) this.dayStems.push({ stem: day.compoundStem, day: day.forms[0]! });
    for (const stem of [...this.dayStems]) this.dayStems.push({ stem: foldFinnishLetters(stem.stem), day: stem.day });
    this.dayStems.sort((a, b) => b.stem.length - a.stem.length);
    for (const part of vocabulary.partsOfDay) for (const form of part.forms) if (!form.includes(' ')) this.partWords.add(form);
    this.clockAbbreviationDot = new RegExp(`(^|[^\\p{L}])(${anyOf(vocabulary.markers.clock)})\\.`, 'gu');
  }

  normalize(text: string): string {
    return text
      .normalize('NFC')
      .toLowerCase()
      .replace(/(\p{L})-(\p{L})/gu, '$1 $2')
      .replace(/\s+/g, ' ')
      .replace(/\p{L}+/gu, (single) => this.standard.get(single) ?? this.splitCompound(single) ?? single)
      .replace(this.clockAbbreviationDot, '$1$2');
  }

  /** "maanantaiaamuna" → "maanantaina aamuna", "huomisiltana" → "huomenna iltana". */
  private splitCompound(single: string): string | undefined {
    for (const { stem, day } of this.dayStems) {
      if (!single.startsWith(stem) || single.length === stem.length) continue;
      const part = this.standard.get(single.slice(stem.length));
      if (part && this.partWords.has(part)) return `${day} ${part}`;
    }
    return undefined;
  }
}
