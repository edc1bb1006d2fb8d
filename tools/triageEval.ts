/**
 * `npm run --silent triage:eval -- FILE`: reads `label<TAB>text` lines (label: a service id, none or crisis)
 * and prints accuracy, per-label precision/recall/F1, a confusion matrix, crisis recall and every miss, for
 * the project's classifier and, beside it in the same run, for NLP.js trained on the same training data.
 * `--no-nlpjs` leaves NLP.js out. FILE defaults to the held-out file.
 */
import { join } from 'node:path';
import { containerBootstrap } from '@nlpjs/core';
import { Nlp } from '@nlpjs/nlp';
import { LangFi } from '@nlpjs/lang-fi';
import { readLabelledFile } from '../services/triage/corpus';
import { evaluate, type Evaluation, type Prediction } from '../services/triage/evaluation';
import { NONE, predictionOf } from '../services/triage/triage';
import { buildFinnishTriage, finnishDir, finnishTrainingExamples, knownLabels } from './projectTriage';

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

async function nlpjsPredictions(lines: { label: string; text: string }[]): Promise<Prediction[]> {
  const container = await containerBootstrap();
  container.use(Nlp);
  container.use(LangFi);
  const nlp = container.get('nlp');
  nlp.settings.autoSave = false;
  nlp.settings.log = false;
  nlp.addLanguage('fi');
  for (const example of finnishTrainingExamples()) nlp.addDocument('fi', example.text, example.label);
  await nlp.train();
  const predictions: Prediction[] = [];
  for (const line of lines) {
    const { intent } = await nlp.process('fi', line.text);
    predictions.push({ text: line.text, expected: line.label, predicted: intent === 'None' ? NONE : intent });
  }
  return predictions;
}

function report(name: string, result: Evaluation): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`== ${name}: ${result.total} messages`);
  out(`accuracy ${percent(result.accuracy)}   crisis recall ${percent(result.crisisRecall)}   none recall ${percent(result.noneRecall)}   macro F1 ${result.macroF1.toFixed(3)}`);
  out(`112 and the crisis line shown for ${percent(result.crisisShownRecall)} of crisis messages (full reply or safety note); safety note on ${percent(result.safetyNoteRate)} of the others`);
  out();
  out('| label | support | precision | recall | F1 |');
  out('|:--|--:|--:|--:|--:|');
  for (const figures of result.perLabel) {
    out(`| ${figures.label} | ${figures.support} | ${figures.precision.toFixed(3)} | ${figures.recall.toFixed(3)} | ${figures.f1.toFixed(3)} |`);
  }
  out();
  const labels = Object.keys(result.confusion);
  out(`confusion (rows: expected, columns: predicted)`);
  out(`| | ${labels.map((label) => label.slice(0, 5)).join(' | ')} |`);
  out(`|:--|${labels.map(() => '--:').join('|')}|`);
  for (const expected of labels) out(`| ${expected} | ${labels.map((predicted) => result.confusion[expected]![predicted] || '.').join(' | ')} |`);
  out();
  out(`misses (${result.misses.length}):`);
  for (const miss of result.misses) out(`  expected ${miss.expected.padEnd(13)} got ${miss.predicted.padEnd(13)} ${miss.safetyNote ? '[safety note] ' : ''}${miss.text}`);
  out();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((arg) => !arg.startsWith('--')) ?? join(finnishDir, 'triage', 'heldout.tsv');
  const lines = readLabelledFile(file, knownLabels);
  const triage = buildFinnishTriage();
  const ours = evaluate(lines.map((line) => predictionOf(line, triage.assess(line.text))));
  report('Apu ku apu classifier', ours);
  if (!args.includes('--no-nlpjs')) {
    const theirs = evaluate(await nlpjsPredictions(lines));
    report('NLP.js (@nlpjs/lang-fi), same training data', theirs);
    process.stdout.write('| | accuracy | crisis recall | none recall | macro F1 |\n|:--|--:|--:|--:|--:|\n');
    for (const [name, result] of [['Apu ku apu', ours], ['NLP.js', theirs]] as const) {
      process.stdout.write(`| ${name} | ${percent(result.accuracy)} | ${percent(result.crisisRecall)} | ${percent(result.noneRecall)} | ${result.macroF1.toFixed(3)} |\n`);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
