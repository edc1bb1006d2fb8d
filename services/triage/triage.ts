import type { TextClassifier } from './classifier';
import type { CrisisDetector, CrisisKind } from './crisis';

/** Labels the classifier knows besides the service ids. */
export const NONE = 'none';
export const CRISIS = 'crisis';

export interface Thresholds {
  /** At or above this, the likeliest service is shown on its own. */
  confident: number;
  /** Services at or above this are offered as choices when none is confident. */
  possible: number;
  /** The classifier's own crisis probability that raises the alarm even when no pattern matched. */
  crisis: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { confident: 0.55, possible: 0.12, crisis: 0.3 };

export interface TriageResult {
  /** Crisis wins over everything: its kind, or 'unspecified' when only the classifier recognised it. */
  crisis?: CrisisKind | 'unspecified';
  /** The likeliest service when it is a service (not none) and confident. */
  service: string | null;
  /** Probability of `service`, or of "none" when no service was confident. */
  confidence: number;
  /** Likely services, most likely first (confident or possible), for "did you mean" buttons. */
  candidates: { service: string; confidence: number }[];
}

/** Works out what a resident's message is about: a crisis first, then the service that can help. */
export class Triage {
  constructor(
    private readonly classifier: TextClassifier,
    private readonly crisisDetector: CrisisDetector,
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
  ) {}

  assess(message: string): TriageResult {
    const { ranked, knownFeatures } = this.classifier.rank(message);
    const crisisProbability = ranked.find((entry) => entry.label === CRISIS)?.probability ?? 0;
    const crisis = this.crisisDetector.detect(message) ?? (crisisProbability >= this.thresholds.crisis ? 'unspecified' : undefined);
    const services = ranked.filter((entry) => entry.label !== NONE && entry.label !== CRISIS);
    const candidates = knownFeatures === 0 ? [] : services.filter((entry) => entry.probability >= this.thresholds.possible).slice(0, 3);
    const top = ranked.find((entry) => entry.label !== CRISIS)!;
    const confident = knownFeatures > 0 && top.label !== NONE && top.probability >= this.thresholds.confident;
    return {
      ...(crisis ? { crisis } : {}),
      service: confident ? top.label : null,
      confidence: confident ? top.probability : (ranked.find((entry) => entry.label === NONE)?.probability ?? 0),
      candidates: candidates.map((entry) => ({ service: entry.label, confidence: entry.probability })),
    };
  }
}
