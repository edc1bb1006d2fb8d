import { basename, dirname, join } from 'node:path';
import { loadLocale } from '../locales/locale';
import { normalizeFinnish } from '../understanding/interruptions';
import { words } from './features';
import { z } from 'zod';
import { readDataFile, text } from '../locales/dataFile';
import { TextClassifier, type LabelledText } from './classifier';
import { readLabelledFile } from './corpus';
import { CrisisDetector, crisisPatternsSchema, type CrisisPatterns } from './crisis';
import { CRISIS, DEFAULT_THRESHOLDS, NONE, Triage } from './triage';

const lexiconSchema = z.record(z.string(), z.array(text));

/** Where the triage data lives inside one language's locale folder. */
export function triageDir(localeDir: string): string {
  return join(localeDir, 'triage');
}

/** Everything the classifier learns from: the labelled training lines, and each lexicon phrase as a short example. */
export function trainingExamples(localeDir: string, serviceIds: readonly string[]): LabelledText[] {
  const dir = triageDir(localeDir);
  const labels = new Set([...serviceIds, NONE, CRISIS]);
  const lexicon = readDataFile(dir, 'lexicon.json', lexiconSchema);
  const fromLexicon = Object.entries(lexicon).flatMap(([label, phrases]) => {
    if (!labels.has(label)) throw new Error(`${join(dir, 'lexicon.json')}: unknown service id "${label}"`);
    return phrases.map((phrase) => ({ label, text: phrase }));
  });
  return [...readLabelledFile(join(dir, 'train.tsv'), labels), ...fromLexicon];
}

export function loadCrisisPatterns(localeDir: string): CrisisPatterns {
  return readDataFile(triageDir(localeDir), 'crisis.json', crisisPatternsSchema);
}

/**
 * Whether a message only answers one of the bot's questions: a button's label or synonym ("Jokin muu asia",
 * "joo"), or a time and nothing else ("huomenna kahden jälkeen": every word a word of days and times from
 * time.json, or a number). One other word ("illalla otan kaikki pillerit") makes it a message like any other.
 */
export function answerToTheBot(localeDir: string): (message: string) => boolean {
  const locale = loadLocale(dirname(localeDir), basename(localeDir));
  const buttons = new Set(
    locale.messages
      .keys()
      .filter((key) => key.includes('.choice.') || key.startsWith('confirm.'))
      .flatMap((key) => [locale.messages.t(key), ...(locale.choiceSynonyms[key] ?? [])])
      .map(normalizeFinnish),
  );
  const timeWords = new Set(wordsOf(locale.time).flatMap((phrase) => normalizeFinnish(phrase).split(' ')));
  for (const connective of TIME_CONNECTIVES) timeWords.add(connective);
  return (message) => {
    if (buttons.has(normalizeFinnish(message))) return true;
    const said = words(message);
    return said.length > 0 && said.every((word) => timeWords.has(word) || /^\d+$/.test(word));
  };
}

// Small words between the time words of an answer: "kymmenen ja kahdentoista välillä", "ma tai ti".
const TIME_CONNECTIVES = ['ja', 'tai', 'noin', 'n'];

/** Every string in the time vocabulary (forms, markers, phrases), wherever it sits in the file. */
function wordsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(wordsOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => (key === 'callbackWindow' ? [] : wordsOf(item)));
  return [];
}

/** Trains the classifier and loads the crisis patterns: done once at start-up. */
export function buildTriage(localeDir: string, serviceIds: readonly string[], thresholds = DEFAULT_THRESHOLDS): Triage {
  const classifier = TextClassifier.train(trainingExamples(localeDir, serviceIds));
  return new Triage(classifier, new CrisisDetector(loadCrisisPatterns(localeDir)), thresholds, answerToTheBot(localeDir));
}
