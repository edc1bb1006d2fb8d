import { join } from 'node:path';
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

/** Trains the classifier and loads the crisis patterns: done once at start-up. */
export function buildTriage(localeDir: string, serviceIds: readonly string[], thresholds = DEFAULT_THRESHOLDS): Triage {
  return new Triage(TextClassifier.train(trainingExamples(localeDir, serviceIds)), new CrisisDetector(loadCrisisPatterns(localeDir)), thresholds);
}
