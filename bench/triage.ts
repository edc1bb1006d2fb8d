/**
 * `npm run bench:triage`: how long start-up training takes and how long one message takes to classify
 * (crisis check included, as the bot does it), on the project's Finnish data. Targets: training ≤ 1 s,
 * classification p99 ≤ 1 ms.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SERVICE_IDS } from '../services/directory/directory';
import { defaultLocalesDir } from '../services/locales/locale';
import { readLabelledFile } from '../services/triage/corpus';
import { NONE, CRISIS } from '../services/triage/triage';
import { buildTriage } from '../services/triage/triageData';

const dir = join(defaultLocalesDir(), 'fi');
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function main(): void {
  const trainings: number[] = [];
  let triage = buildTriage(dir, SERVICE_IDS);
  for (let round = 0; round < 7; round++) {
    const started = performance.now();
    triage = buildTriage(dir, SERVICE_IDS);
    trainings.push(performance.now() - started);
  }
  trainings.sort((a, b) => a - b);

  const labels = new Set<string>([...SERVICE_IDS, NONE, CRISIS]);
  const messages = [
    ...readLabelledFile(join(dir, 'triage', 'heldout.tsv'), labels),
    ...readLabelledFile(join(dir, 'triage', 'train.tsv'), labels),
  ].map((line) => line.text);
  for (const text of messages) triage.assess(text); // warm-up

  const rounds = 20;
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const text of messages) {
      const started = performance.now();
      triage.assess(text);
      timings.push(performance.now() - started);
    }
  }
  timings.sort((a, b) => a - b);
  const long = 'Minulla on monta asiaa kelan ja velkojen kanssa. '.repeat(210).slice(0, 10_000);
  const longTimings: number[] = [];
  for (let round = 0; round < 200; round++) {
    // A different text each round: Triage remembers its last answer, and this measures the work itself.
    const text = `${round} ${long}`.slice(0, 10_000);
    const started = performance.now();
    triage.assess(text);
    longTimings.push(performance.now() - started);
  }
  longTimings.sort((a, b) => a - b);

  const ms = (value: number) => value.toFixed(3);
  console.log(`node ${process.version}, ${messages.length} distinct messages × ${rounds} rounds = ${timings.length} classifications`);
  console.log('');
  console.log('| measure | median | p99 | max | target |');
  console.log('|:--|--:|--:|--:|:--|');
  console.log(`| start-up training (ms, 7 runs) | ${ms(percentile(trainings, 50))} | – | ${ms(trainings[trainings.length - 1]!)} | ≤ 1000 ms: ${trainings[trainings.length - 1]! <= 1000 ? 'holds' : 'DOES NOT HOLD'} |`);
  console.log(`| classify one message (ms) | ${ms(percentile(timings, 50))} | ${ms(percentile(timings, 99))} | ${ms(timings[timings.length - 1]!)} | p99 ≤ 1 ms: ${percentile(timings, 99) <= 1 ? 'holds' : 'DOES NOT HOLD'} |`);
  console.log(`| classify 10 000 characters (ms, 200 runs) | ${ms(percentile(longTimings, 50))} | ${ms(percentile(longTimings, 99))} | ${ms(longTimings[longTimings.length - 1]!)} | (read up to the first 1000) |`);
}

main();
