import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { loadServiceDirectory, loadUrgentContacts, type ServiceDirectory, type UrgentContacts } from '../directory/directory';
import { livingRoomSchema, type LivingRoom } from '../livingRoom/livingRoom';
import { loadTimeVocabulary, type TimeVocabulary } from '../time/timeVocabulary';
import { interruptionPhrasesSchema, type InterruptionPhrases } from '../understanding/interruptions';
import { LocaleDataError, isoDate, readDataFile, text } from './dataFile';
import { Messages } from './messages';

const messagesSchema = z.record(z.string().regex(/^[a-zA-Z0-9.]+$/, 'expected a key of letters, digits and dots'), z.string().min(1));
const synonymsSchema = z.record(z.string(), z.array(text));
const deskSchema = z.strictObject({
  name: text,
  phone: text,
  phoneHours: text,
  email: z.email(),
  checked: isoDate,
});

export type DeskContact = z.output<typeof deskSchema>;

/** Everything the bot says and knows in one language, read from `locales/<language>/` and validated. */
export interface Locale {
  language: string;
  messages: Messages;
  /** Extra words that pick a button, keyed by the button's message key. */
  choiceSynonyms: Readonly<Record<string, readonly string[]>>;
  interruptions: InterruptionPhrases;
  desk: DeskContact;
  livingRoom: LivingRoom;
  /** Where the desk guides people: one entry per fixed service id. */
  services: ServiceDirectory;
  /** Shown at once in a crisis. */
  urgent: UrgentContacts;
  /** Words of days, dates and clock times: what a resident may say of a time to call, and how a window is told. */
  time: TimeVocabulary;
}

export function loadLocale(localesDir: string, language = 'fi'): Locale {
  const dir = join(localesDir, language);
  const texts = readDataFile(dir, 'messages.json', messagesSchema);
  const messages = new Messages(texts);
  const choiceSynonyms = readDataFile(dir, 'choices.json', synonymsSchema);
  for (const key of Object.keys(choiceSynonyms)) {
    if (!messages.has(key)) throw new LocaleDataError(join(dir, 'choices.json'), key, 'no message with this key in messages.json');
  }
  return {
    language,
    messages,
    choiceSynonyms,
    interruptions: readDataFile(dir, 'interruptions.json', interruptionPhrasesSchema),
    desk: readDataFile(dir, 'desk.json', deskSchema),
    livingRoom: readDataFile(dir, 'livingRoom.json', livingRoomSchema),
    services: loadServiceDirectory(dir),
    urgent: loadUrgentContacts(dir),
    time: loadTimeVocabulary(localesDir, language),
  };
}

/** The project's own `locales/` folder, found from this file whether it runs from source or from dist/. */
export function defaultLocalesDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the project folder (no package.json above the code)');
    dir = parent;
  }
  return join(dir, 'locales');
}
