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
const DEFAULTS: TrainingOptions = { epochs: 20, learningRate: 4, l2: 1e-4, seed: 7 };

/**
 * A multinomial logistic-regression classifier over sparse binary features, trained in-process with
 * stochastic gradient descent. Small, fast (a message is a few hundred weight look-ups), and its
 * probabilities are usable as a confidence.
 */
export class TextClassifier {
  private constructor(
    readonly labels: readonly string[],
    /** Each known feature's row in `weights`. */
    private readonly featureIndex: Map<string, number>,
    /** One row of `labels.length` weights per feature, in one flat array: training walks it in order. */
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
  ) {}

  static train(examples: readonly LabelledText[], options: Partial<TrainingOptions> = {}): TextClassifier {
    const { epochs, learningRate, l2, seed } = { ...DEFAULTS, ...options };
    const labels = [...new Set(examples.map((example) => example.label))].sort();
    const labelIndex = new Map(labels.map((label, index) => [label, index]));
    const featureIndex = new Map<string, number>();
    const indexOf = (feature: string) => {
      let index = featureIndex.get(feature);
      if (index === undefined) {
        index = featureIndex.size;
        featureIndex.set(feature, index);
      }
      return index;
    };
    // Each example's features are turned into row numbers once, not on every pass.
    const encoded = examples
      .map((example) => ({ label: labelIndex.get(example.label)!, rows: Int32Array.from(features(example.text), indexOf) }))
      .filter((example) => example.rows.length > 0);
    const width = labels.length;
    const weights = new Float64Array(featureIndex.size * width);
    const bias = new Float64Array(width);
    const random = mulberry32(seed);
    const order = encoded.map((_, index) => index);
    const scores = new Float64Array(width);
    const steps = new Float64Array(width);

    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, random);
      const rate = learningRate / (1 + epoch * 0.1);
      const decay = 1 - rate * l2;
      for (const index of order) {
        const { rows, label: expected } = encoded[index]!;
        score(rows, weights, bias, scores);
        softmaxInPlace(scores);
        // Gradient of the cross-entropy; features are scaled by 1/sqrt(n) so long messages do not dominate.
        const scale = 1 / Math.sqrt(rows.length);
        for (let label = 0; label < width; label++) {
          const gradient = scores[label]! - (label === expected ? 1 : 0);
          bias[label] = bias[label]! - rate * gradient;
          steps[label] = rate * gradient * scale;
        }
        for (const row of rows) {
          const base = row * width;
          for (let label = 0; label < width; label++) weights[base + label] = weights[base + label]! * decay - steps[label]!;
        }
      }
    }
    return new TextClassifier(labels, featureIndex, weights, bias);
  }

  /** Every label with its probability, most likely first, and how many of the message's features were known. */
  rank(text: string): { ranked: Ranked[]; knownFeatures: number } {
    const rows: number[] = [];
    for (const feature of features(text)) {
      const row = this.featureIndex.get(feature);
      if (row !== undefined) rows.push(row);
    }
    const scores = new Float64Array(this.labels.length);
    score(rows, this.weights, this.bias, scores);
    softmaxInPlace(scores);
    const ranked = this.labels.map((label, index) => ({ label, probability: scores[index]! })).sort((a, b) => b.probability - a.probability);
    return { ranked, knownFeatures: rows.length };
  }
}

function score(rows: ArrayLike<number>, weights: Float64Array, bias: Float64Array, into: Float64Array): void {
  const width = into.length;
  into.fill(0);
  for (let at = 0; at < rows.length; at++) {
    const base = rows[at]! * width;
    for (let label = 0; label < width; label++) into[label] = into[label]! + weights[base + label]!;
  }
  const scale = rows.length > 0 ? 1 / Math.sqrt(rows.length) : 0;
  for (let label = 0; label < width; label++) into[label] = bias[label]! + into[label]! * scale;
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
