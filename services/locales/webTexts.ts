import { join } from 'node:path';
import { z } from 'zod';
import { interruptionPhrasesSchema, normalizeFinnish } from '../understanding/interruptions';
import { LocaleDataError, isoDate, readDataFile, text } from './dataFile';

/** The values a text in web.json may ask for, e.g. "Soita meille: {phone}." */
export const WEB_TEXT_PLACEHOLDERS = ['phone', 'phoneDigits', 'phoneHours', 'email', 'deskName', 'days', 'stateHours', 'date', 'seconds'] as const;
export type WebTextValues = Partial<Record<(typeof WEB_TEXT_PLACEHOLDERS)[number], string | number>>;

/** A link in a notice: https, mailto or tel, or a path on this site. */
const href = z
  .string()
  .trim()
  .regex(/^(https:\/\/|mailto:|tel:|\/)\S*$/, 'expected an https:// address, mailto:, tel: or a path starting with /');

const noticeSectionSchema = z.strictObject({
  heading: text,
  paragraphs: z.array(text),
  list: z.array(text),
  links: z.array(z.strictObject({ text, href })),
});

const noticeSchema = z.strictObject({
  title: text,
  heading: text,
  intro: text,
  updated: text,
  date: isoDate,
  backLink: text,
  sections: z.array(noticeSectionSchema).min(1, 'expected at least one section'),
});

const chatSchema = z.strictObject({
  title: text,
  heading: text,
  intro: text,
  botNote: text,
  privacyNote: text,
  chatHeading: text,
  restartButton: text,
  /** What "Aloita alusta" sends: must be a phrase the bot takes as "start again" (interruptions.json). */
  restartCommand: text,
  connecting: text,
  connectFailed: text,
  retryButton: text,
});

const kioskSchema = z.strictObject({
  title: text,
  heading: text,
  intro: text,
  botNote: text,
  sharedNote: text,
  privacyNote: text,
  chatHeading: text,
  endButton: text,
  idleTitle: text,
  idleText: text,
  continueButton: text,
  clearing: text,
  cleared: text,
  connecting: text,
  connectFailed: text,
  retryButton: text,
});

export const webTextsSchema = z.strictObject({
  page: z.strictObject({
    siteName: text,
    skipLink: text,
    footerNavLabel: text,
    privacyLink: text,
    accessibilityLink: text,
    deskContact: text,
    noscript: text,
  }),
  chat: chatSchema,
  kiosk: kioskSchema,
  /** Web Chat's own strings that replace its Finnish ones (its keys, e.g. TEXT_INPUT_PLACEHOLDER). */
  webChat: z.record(z.string().regex(/^[A-Z0-9_]+$/, 'expected a Web Chat string key such as TEXT_INPUT_PLACEHOLDER'), text),
  privacy: noticeSchema,
  accessibility: noticeSchema,
});

export type WebTexts = z.output<typeof webTextsSchema>;
export type Notice = z.output<typeof noticeSchema>;

export const WEB_TEXTS_FILE = 'web.json';

/**
 * The residents' pages' words (`locales/<language>/web.json`), validated: a missing or empty text, an unknown
 * placeholder or a "start again" command the bot would not understand stops start-up naming the file and key.
 */
export function loadWebTexts(localesDir: string, language = 'fi'): WebTexts {
  const dir = join(localesDir, language);
  const file = join(dir, WEB_TEXTS_FILE);
  const texts = readDataFile(dir, WEB_TEXTS_FILE, webTextsSchema);
  checkPlaceholders(texts, file, '');

  const interruptions = readDataFile(dir, 'interruptions.json', interruptionPhrasesSchema);
  const restartPhrases = new Set(interruptions.restart.whole.map(normalizeFinnish));
  if (!restartPhrases.has(normalizeFinnish(texts.chat.restartCommand))) {
    throw new LocaleDataError(file, 'chat.restartCommand', 'the bot does not take this as "start again": use one of restart.whole in interruptions.json');
  }
  return texts;
}

const PLACEHOLDER = /\{(\w+)\}/g;

function checkPlaceholders(value: unknown, file: string, at: string): void {
  if (typeof value === 'string') {
    for (const [, name] of value.matchAll(PLACEHOLDER)) {
      if (!(WEB_TEXT_PLACEHOLDERS as readonly string[]).includes(name!)) {
        throw new LocaleDataError(file, at, `unknown placeholder {${name}}; expected one of ${WEB_TEXT_PLACEHOLDERS.map((known) => `{${known}}`).join(', ')}`);
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkPlaceholders(item, file, `${at}.${index}`));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkPlaceholders(item, file, at ? `${at}.${key}` : key);
  }
}

/** Fills {name} placeholders; a value the text needs but was not given is an error naming the text's key. */
export function fillWebText(template: string, values: WebTextValues, key: string): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name as keyof WebTextValues];
    if (value === undefined) throw new Error(`web.json text "${key}" needs {${name}}, which this page does not have`);
    return String(value);
  });
}
