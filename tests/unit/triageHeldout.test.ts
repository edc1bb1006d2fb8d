import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_IDS } from '../../services/directory/directory';
import { defaultLocalesDir } from '../../services/locales/locale';
import { readLabelledFile } from '../../services/triage/corpus';
import { evaluate } from '../../services/triage/evaluation';
import { CRISIS, NONE, predictionOf } from '../../services/triage/triage';
import { finnishTriage } from '../support/botTestKit';

const root = join(__dirname, '..', '..');

/** The figures README states in its "Held-out figures" table, e.g. "| top-1 accuracy | 81.0 % |". */
function statedInReadme(name: string): number {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const row = new RegExp(`^\\| ${name} \\| (\\d+(?:\\.\\d+)?) % \\|`, 'm').exec(readme);
  if (!row) throw new Error(`README.md states no "${name}" figure in its held-out table`);
  return Number(row[1]) / 100;
}

describe('triage on the held-out Finnish messages (never trained on)', () => {
  const heldout = readLabelledFile(join(defaultLocalesDir(), 'fi', 'triage', 'heldout.tsv'), new Set([...SERVICE_IDS, NONE, CRISIS]));
  const triage = finnishTriage();
  const result = evaluate(
    heldout.map((line) => predictionOf(line, triage.assess(line.text))),
  );

  it('has every label in the held-out file', () => {
    expect(new Set(heldout.map((line) => line.label))).toEqual(new Set([...SERVICE_IDS, NONE, CRISIS]));
  });

  it('stays at or above the figures README states', () => {
    // Rounded to the 0.1 % that README shows.
    const atLeast = (value: number, stated: number) => expect(Math.round(value * 1000)).toBeGreaterThanOrEqual(Math.round(stated * 1000));
    atLeast(result.accuracy, statedInReadme('top-1 accuracy'));
    atLeast(result.crisisShownRecall, statedInReadme('crisis recall: 112 and the crisis line shown at once'));
    atLeast(result.crisisRecall, statedInReadme('crisis recall: the full crisis reply'));
    atLeast(result.noneRecall, statedInReadme('outside the directory answered with none'));
    // The safety note is a cost to ordinary matters: it may not grow past what README states.
    expect(Math.round(result.safetyNoteRate * 1000)).toBeLessThanOrEqual(Math.round(statedInReadme('safety note shown beside an ordinary matter') * 1000));
  });
});
