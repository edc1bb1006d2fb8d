import { readFileSync } from 'node:fs';
import type { LabelledText } from './classifier';

/** Reads `label<TAB>text` lines; a malformed line is an error naming the file and the line number. */
export function readLabelledFile(file: string, allowedLabels: ReadonlySet<string>): LabelledText[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const examples: LabelledText[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const tab = line.indexOf('\t');
    const label = tab > 0 ? line.slice(0, tab).trim() : '';
    const text = tab > 0 ? line.slice(tab + 1).trim() : '';
    if (!allowedLabels.has(label) || text === '') {
      throw new Error(`${file}:${index + 1}: expected "label<TAB>text" with a label of ${[...allowedLabels].join(', ')}`);
    }
    examples.push({ label, text });
  });
  return examples;
}
