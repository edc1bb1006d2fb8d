import { features } from './features';

export interface LabelledText {
  label: string;
  text: string;
}

export interface Ranked {
  label: string;
  probability: number;
}

export interface TrainingOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty: keeps weights small so one odd word cannot dominate. */
  l2: number;
  /** Seed for the shuffling of examples, so training is repeatable. */
  seed: number;
}

// Chosen by 5-fold cross-validation on the training lines only (never on the held-out file).
const DEFAULTS: TrainingOptions = { epochs: 30, learningRate: 4, l2: 1e-4, seed: 7 };

/**
 * A multinomial logistic-regression classifier over sparse binary features, trained in-process with
 * stochastic gradient descent. Small, fast (a message is a few hundred weight look-ups), and its
 * probabilities are usable as a confidence.
 */
export class TextClassifier {
  private constructor(
    readonly labels: readonly string[],
    private readonly weights: Map<string, Float64Array>,
    private readonly bias: Float64Array,
  ) {}

  static train(examples: readonly LabelledText[], options: Partial<TrainingOptions> = {}): TextClassifier {
    const { epochs, learningRate, l2, seed } = { ...DEFAULTS, ...options };
    const labels = [...new Set(examples.map((example) => example.label))].sort();
    const labelIndex = new Map(labels.map((label, index) => [label, index]));
    const weights = new Map<string, Float64Array>();
    const rowOf = (feature: string) => {
      let row = weights.get(feature);
      if (!row) {
        row = new Float64Array(labels.length);
        weights.set(feature, row);
      }
      return row;
    };
    // Each example's weight rows are looked up once, not on every pass.
    const encoded = examples
      .map((example) => ({ label: labelIndex.get(example.label)!, rows: features(example.text).map(rowOf) }))
      .filter((example) => example.rows.length > 0);
    const bias = new Float64Array(labels.length);
    const random = mulberry32(seed);
    const order = encoded.map((_, index) => index);
    const scores = new Float64Array(labels.length);

    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, random);
      const rate = learningRate / (1 + epoch * 0.1);
      for (const index of order) {
        const { rows, label: expected } = encoded[index]!;
        score(rows, bias, scores);
        softmaxInPlace(scores);
        // Gradient of the cross-entropy; features are scaled by 1/sqrt(n) so long messages do not dominate.
        const scale = 1 / Math.sqrt(rows.length);
        for (let label = 0; label < labels.length; label++) {
          const gradient = scores[label]! - (label === expected ? 1 : 0);
          bias[label] = bias[label]! - rate * gradient;
          const step = rate * gradient * scale;
          const decay = 1 - rate * l2;
          for (const row of rows) row[label] = row[label]! * decay - step;
        }
      }
    }
    return new TextClassifier(labels, weights, bias);
  }

  /** Every label with its probability, most likely first, and how many of the message's features were known. */
  rank(text: string): { ranked: Ranked[]; knownFeatures: number } {
    const rows: Float64Array[] = [];
    for (const feature of features(text)) {
      const row = this.weights.get(feature);
      if (row) rows.push(row);
    }
    const scores = new Float64Array(this.labels.length);
    score(rows, this.bias, scores);
    softmaxInPlace(scores);
    const ranked = this.labels.map((label, index) => ({ label, probability: scores[index]! })).sort((a, b) => b.probability - a.probability);
    return { ranked, knownFeatures: rows.length };
  }
}

function score(rows: readonly Float64Array[], bias: Float64Array, into: Float64Array): void {
  const scale = rows.length > 0 ? 1 / Math.sqrt(rows.length) : 0;
  for (let label = 0; label < into.length; label++) {
    let sum = 0;
    for (const row of rows) sum += row[label]!;
    into[label] = bias[label]! + sum * scale;
  }
}

function softmaxInPlace(values: Float64Array): void {
  let max = -Infinity;
  for (const value of values) max = Math.max(max, value);
  let total = 0;
  for (let index = 0; index < values.length; index++) {
    values[index] = Math.exp(values[index]! - max);
    total += values[index]!;
  }
  for (let index = 0; index < values.length; index++) values[index] = values[index]! / total;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
}
