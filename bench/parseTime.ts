/**
 * `npm run bench:parse-time`: how long the Finnish time parser takes per message, for every expression in
 * tests/unit/fixtures/timeExpressions.tsv (each at its own "now"), plus building the parser and reading a
 * 10 000-character message. Prints p50/p99/max per expression, slowest first. Target: p99 ≤ 1 ms per message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultLocalesDir } from '../services/locales/locale';
import { callbackWindow } from '../services/time/callbackWindow';
import { FinnishTimeParser } from '../services/time/finnishTime';
import { loadTimeVocabulary } from '../services/time/timeVocabulary';

const ROUNDS = 300;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const µs = (ms: number) => (ms * 1000).toFixed(0);

function expressions(): { now: Date; nowName: string; text: string }[] {
  const nows = new Map<string, Date>();
  const rows: { now: Date; nowName: string; text: string }[] = [];
  for (const line of readFileSync(join(__dirname, '..', 'tests', 'unit', 'fixtures', 'timeExpressions.tsv'), 'utf8').split('\n')) {
    const cells = line.split('\t');
    if (cells[0] === '#now') nows.set(cells[1]!, new Date(cells[2]!));
    else if (line !== '' && !line.startsWith('#') && cells[0] !== 'now') rows.push({ nowName: cells[0]!, now: nows.get(cells[0]!)!, text: cells[1]! });
  }
  return rows;
}

/** Times `work` ROUNDS times after a warm-up, sorted ascending, in milliseconds. */
function measure(work: () => void, rounds = ROUNDS): number[] {
  for (let round = 0; round < 20; round++) work();
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    work();
    timings.push(performance.now() - started);
  }
  return timings.sort((a, b) => a - b);
}

function main(): void {
  const vocabulary = loadTimeVocabulary(defaultLocalesDir());
  const builds = measure(() => new FinnishTimeParser(vocabulary), 20);
  const parser = new FinnishTimeParser(vocabulary);
  const rows = expressions();

  const perExpression = rows.map((row) => ({ ...row, timings: measure(() => parser.parse(row.text, row.now)) }));
  const all = perExpression.flatMap((row) => row.timings).sort((a, b) => a - b);
  const long = 'Minulla on monta asiaa kelan ja velkojen kanssa, soittakaa huomenna. '.repeat(150).slice(0, 10_000);
  const longTimings = measure(() => parser.parse(long, rows[0]!.now), 100);
  const emoji = '😀'.repeat(5000);
  const emojiTimings = measure(() => parser.parse(emoji, rows[0]!.now), 100);
  const windows = measure(() => callbackWindow(parser.parse('voisitteko soittaa huomenna iltapäivällä kiitos', rows[0]!.now), rows[0]!.now));

  console.log(`node ${process.version}, ${rows.length} expressions × ${ROUNDS} rounds = ${all.length} parses (µs)`);
  console.log('');
  console.log('| measure | p50 | p99 | max | target |');
  console.log('|:--|--:|--:|--:|:--|');
  console.log(`| build the parser (20 runs) | ${µs(percentile(builds, 50))} | – | ${µs(builds[builds.length - 1]!)} | once at start-up |`);
  console.log(`| parse one message, all expressions | ${µs(percentile(all, 50))} | ${µs(percentile(all, 99))} | ${µs(all[all.length - 1]!)} | p99 ≤ 1000: ${percentile(all, 99) <= 1 ? 'holds' : 'DOES NOT HOLD'} |`);
  console.log(`| parse 10 000 characters (reads the first 2000) | ${µs(percentile(longTimings, 50))} | ${µs(percentile(longTimings, 99))} | ${µs(longTimings[longTimings.length - 1]!)} | |`);
  console.log(`| parse 5000 emoji | ${µs(percentile(emojiTimings, 50))} | ${µs(percentile(emojiTimings, 99))} | ${µs(emojiTimings[emojiTimings.length - 1]!)} | |`);
  console.log(`| parse + callback window | ${µs(percentile(windows, 50))} | ${µs(percentile(windows, 99))} | ${µs(windows[windows.length - 1]!)} | |`);
  console.log('');
  console.log('Per expression, slowest p99 first (µs):');
  console.log('');
  console.log('| now | text | p50 | p99 | max |');
  console.log('|:--|:--|--:|--:|--:|');
  for (const row of [...perExpression].sort((a, b) => percentile(b.timings, 99) - percentile(a.timings, 99))) {
    const text = JSON.stringify(row.text.length > 50 ? `${row.text.slice(0, 47)}...` : row.text);
    console.log(`| ${row.nowName} | ${text} | ${µs(percentile(row.timings, 50))} | ${µs(percentile(row.timings, 99))} | ${µs(row.timings[row.timings.length - 1]!)} |`);
  }
}

main();
