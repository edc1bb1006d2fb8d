/** What the benchmarks print: percentiles, numbers, Markdown tables and the top of a CPU profile. */
import { summarizeProfile } from './cpuProfile';

/** The p-th percentile (nearest rank) of values sorted ascending; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const mean = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);

export const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** A Markdown table: the first column left-aligned, the others right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? ':' : '-') + '-'.repeat(width) + (column === 0 ? '-' : ':')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Prints where a server's CPU went, by package or project file and by function; says so when there is no profile. */
export function printProfile(label: string, file: string, note: string): void {
  let summary;
  try {
    summary = summarizeProfile(file);
  } catch (error) {
    console.log(`\nno CPU profile for ${label} (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  console.log(`\nCPU profile ${label}: ${file} (${note}; ${fixed(summary.busyMs, 0)} ms busy)\n`);
  console.log(
    table(
      ['package or project file', 'self ms', 'self share', 'on stack ms', 'on stack share'],
      summary.byPackage.map(({ name, ms, share, inclusiveMs, inclusiveShare }) => [name, fixed(ms, 0), `${fixed(share * 100)} %`, fixed(inclusiveMs, 0), `${fixed(inclusiveShare * 100)} %`]),
    ),
  );
  console.log('');
  console.log(table(['self time by function', 'ms', 'share'], summary.byFunction.map(({ name, ms, share }) => [name, fixed(ms, 0), `${fixed(share * 100)} %`])));
}
