/**
 * `npm run --silent triage:cv -- [--folds 5] [--epochs N] [--rate R] [--l2 L] [--none P] [--crisis P] [--caution P] [--no-patterns] [EXTRA.tsv ...]`: k-fold
 * cross-validation on the training data (train.tsv and the lexicon, plus any extra labelled files), with the
 * crisis patterns in the loop as the bot runs them. This is where training settings and thresholds are
 * chosen, so the held-out file stays unseen. Prints accuracy, crisis recall and none recall per setting.
 */
import { TextClassifier, type LabelledText, type TrainingOptions } from '../services/triage/classifier';
import { readLabelledFile } from '../services/triage/corpus';
import { evaluate, type Prediction } from '../services/triage/evaluation';
import { CrisisDetector } from '../services/triage/crisis';
import { loadCrisisPatterns } from '../services/triage/triageData';
import { DEFAULT_THRESHOLDS, Triage, predictionOf } from '../services/triage/triage';
import { finnishDir, finnishTrainingExamples, knownLabels } from './projectTriage';

function option(args: string[], name: string): number | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  args.splice(at, 2);
  return value;
}

function main(): void {
  const args = process.argv.slice(2);
  // --no-patterns: the classifier's own crisis vote alone. The patterns were written from these same lines,
  // so with them the cross-validated crisis recall says little about unseen wording.
  const withoutPatterns = args.includes('--no-patterns');
  if (withoutPatterns) args.splice(args.indexOf('--no-patterns'), 1);
  const folds = option(args, 'folds') ?? 5;
  const settings: Partial<TrainingOptions> = {};
  for (const [flag, key] of [['epochs', 'epochs'], ['rate', 'learningRate'], ['l2', 'l2']] as const) {
    const value = option(args, flag);
    if (value !== undefined) settings[key] = value;
  }
  const thresholds = { ...DEFAULT_THRESHOLDS };
  for (const key of ['none', 'crisis', 'caution'] as const) thresholds[key] = option(args, key) ?? thresholds[key];
  const examples: LabelledText[] = [...finnishTrainingExamples(), ...args.flatMap((file) => readLabelledFile(file, knownLabels))];
  const crisis = withoutPatterns ? new CrisisDetector({ ...loadCrisisPatterns(finnishDir), selfHarm: [], violence: [], medical: [], poisoning: [], together: [] }) : new CrisisDetector(loadCrisisPatterns(finnishDir));
  // Every fold's test part is every k-th example, so each label is spread over the folds.
  const predictions: Prediction[] = [];
  let trainingMs = 0;
  for (let fold = 0; fold < folds; fold++) {
    const started = performance.now();
    const classifier = TextClassifier.train(
      examples.filter((_, index) => index % folds !== fold),
      settings,
    );
    trainingMs += performance.now() - started;
    const triage = new Triage(classifier, crisis, thresholds);
    for (const line of examples.filter((_, index) => index % folds === fold)) {
      predictions.push(predictionOf(line, triage.assess(line.text)));
    }
  }
  const result = evaluate(predictions);
  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  process.stdout.write(
    `${folds}-fold, ${examples.length} examples, ${JSON.stringify({ ...settings, none: thresholds.none, crisis: thresholds.crisis, caution: thresholds.caution })}: accuracy ${percent(result.accuracy)}   crisis recall ${percent(result.crisisRecall)} (112 shown ${percent(result.crisisShownRecall)}, safety note on ${percent(result.safetyNoteRate)} of others)   none recall ${percent(result.noneRecall)}   training ${(trainingMs / folds).toFixed(0)} ms a fold\n`,
  );
  if (process.env.CV_MISSES) for (const miss of result.misses) process.stdout.write(`  expected ${miss.expected.padEnd(13)} got ${miss.predicted.padEnd(13)} ${miss.safetyNote ? '[safety note] ' : ''}${miss.text}\n`);
}

try {
  main();
} catch (error: unknown) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
