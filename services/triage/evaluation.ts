/** One labelled message and what a classifier said of it. */
export interface Prediction {
  text: string;
  expected: string;
  predicted: string;
  /** The safety note (112, the crisis line) was shown beside the answer. */
  safetyNote?: boolean;
}

export interface LabelFigures {
  label: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  total: number;
  accuracy: number;
  /** Share of crisis messages recognised as crisis (the full crisis reply). */
  crisisRecall: number;
  /** Share of crisis messages shown 112 and the crisis line: the full reply or the safety note. */
  crisisShownRecall: number;
  /** Share of the other messages that got the safety note. */
  safetyNoteRate: number;
  /** Share of messages outside the directory answered with none. */
  noneRecall: number;
  macroF1: number;
  perLabel: LabelFigures[];
  /** confusion[expected][predicted] = count */
  confusion: Record<string, Record<string, number>>;
  misses: Prediction[];
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Accuracy, per-label precision/recall/F1, a confusion matrix and every miss, in the spirit of `rasa test nlu`. */
export function evaluate(predictions: readonly Prediction[]): Evaluation {
  const labels = [...new Set(predictions.flatMap((entry) => [entry.expected, entry.predicted]))].sort();
  const confusion: Record<string, Record<string, number>> = {};
  for (const expected of labels) confusion[expected] = Object.fromEntries(labels.map((label) => [label, 0]));
  for (const { expected, predicted } of predictions) confusion[expected]![predicted]! += 1;

  const perLabel = labels
    .map((label) => {
      const truePositives = confusion[label]![label]!;
      const support = predictions.filter((entry) => entry.expected === label).length;
      const predictedAs = predictions.filter((entry) => entry.predicted === label).length;
      const precision = ratio(truePositives, predictedAs);
      const recall = ratio(truePositives, support);
      return { label, support, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
    })
    .filter((figures) => figures.support > 0);
  const recallOf = (label: string) => perLabel.find((figures) => figures.label === label)?.recall ?? 0;
  const misses = predictions.filter((entry) => entry.expected !== entry.predicted);
  const crises = predictions.filter((entry) => entry.expected === 'crisis');
  const others = predictions.filter((entry) => entry.expected !== 'crisis');
  return {
    total: predictions.length,
    accuracy: ratio(predictions.length - misses.length, predictions.length),
    crisisRecall: recallOf('crisis'),
    crisisShownRecall: ratio(crises.filter((entry) => entry.predicted === 'crisis' || entry.safetyNote).length, crises.length),
    safetyNoteRate: ratio(others.filter((entry) => entry.safetyNote).length, others.length),
    noneRecall: recallOf('none'),
    macroF1: ratio(
      perLabel.reduce((sum, figures) => sum + figures.f1, 0),
      perLabel.length,
    ),
    perLabel,
    confusion,
    misses,
  };
}
