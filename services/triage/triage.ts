import type { TextClassifier } from './classifier';
import type { CrisisDetector, CrisisKind } from './crisis';
import { words } from './features';
import type { Prediction } from './evaluation';

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
  /** A lower crisis probability that adds a short safety note (112, the crisis line) while the matter goes on. */
  caution: number;
  /** Below this, the likeliest answer is "none": the message is not clearly about any service. */
  none: number;
}

// none, crisis and caution: chosen by 5-fold cross-validation on the training lines (`npm run triage:cv`).
// The patterns carry crisis recall; the classifier's full alarm needs it fairly sure, to keep false alarms
// on sleep or gambling rare, and its safety note catches what is left at the cost of a line or two of text.
export const DEFAULT_THRESHOLDS: Thresholds = { confident: 0.55, possible: 0.12, crisis: 0.5, caution: 0.15, none: 0.3 };

// A short answer to a question ("kyllä", a first name) is not a matter told: no safety note for it.
const CAUTION_MIN_WORDS = 3;

export interface TriageResult {
  /** Crisis wins over everything: its kind, or 'unspecified' when only the classifier recognised it. */
  crisis?: CrisisKind | 'unspecified';
  /** No crisis for sure, yet some sign of one: a safety note is shown and the matter is answered as usual. */
  caution?: true;
  /** The answer (top-1): a service id, or none when no service is likely enough; with its probability. */
  top: { label: string; probability: number };
  /** The answer is a service and sure enough to be shown on its own. */
  confident: boolean;
  /** Likely services, most likely first, for "is it one of these?" buttons when the answer is not confident. */
  candidates: { service: string; confidence: number }[];
}

/** The one label a result stands for (top-1), as the labelled files spell it: crisis wins. */
export function labelOf(result: TriageResult): string {
  return result.crisis ? CRISIS : result.top.label;
}

/** A labelled message and what triage made of it, for the evaluation. */
export function predictionOf(line: { label: string; text: string }, result: TriageResult): Prediction {
  return { text: line.text, expected: line.label, predicted: labelOf(result), safetyNote: result.caution === true };
}

/** Works out what a resident's message is about: a crisis first, then the service that can help. */
export class Triage {
  constructor(
    private readonly classifier: TextClassifier,
    private readonly crisisDetector: CrisisDetector,
    private readonly thresholds: Thresholds = DEFAULT_THRESHOLDS,
    /**
     * Whether a message only answers one of the bot's questions ("huomenna kahden jälkeen"). The classifier
     * learned from matters told, and its crisis vote on such an answer is noise: only the patterns count there.
     */
    private readonly isShortAnswer: (message: string) => boolean = () => false,
  ) {}

  assess(message: string): TriageResult {
    const { ranked, knownFeatures } = this.classifier.rank(message);
    const crisisProbability = ranked.find((entry) => entry.label === CRISIS)?.probability ?? 0;
    const patterns = this.crisisDetector.inspect(message);
    // The classifier's own crisis vote counts unless the message is an everyday idiom ("kuolen nauruun") or
    // only an answer to a question.
    const classifierVotes = !patterns.idiom && !(patterns.kind === undefined && crisisProbability >= this.thresholds.caution && this.isShortAnswer(message));
    const crisis = patterns.kind ?? (classifierVotes && crisisProbability >= this.thresholds.crisis ? 'unspecified' : undefined);
    const caution = !crisis && classifierVotes && crisisProbability >= this.thresholds.caution && words(message).length >= CAUTION_MIN_WORDS;
    const services = ranked.filter((entry) => entry.label !== NONE && entry.label !== CRISIS);
    const candidates = knownFeatures === 0 ? [] : services.filter((entry) => entry.probability >= this.thresholds.possible).slice(0, 3);
    const likeliest = ranked.find((entry) => entry.label !== CRISIS)!;
    // Nothing known in the message: none, surely. No service likely enough: none, as sure as that service is unsure.
    const top =
      knownFeatures === 0
        ? { label: NONE, probability: 1 }
        : likeliest.label === NONE || likeliest.probability >= this.thresholds.none
          ? { label: likeliest.label, probability: likeliest.probability }
          : { label: NONE, probability: 1 - likeliest.probability };
    return {
      ...(crisis ? { crisis } : {}),
      ...(caution ? { caution } : {}),
      top,
      confident: top.label !== NONE && top.probability >= this.thresholds.confident,
      // A "none" answer offers no guesses: buttons of unlikely services would only confuse.
      candidates: top.label === NONE ? [] : candidates.map((entry) => ({ service: entry.label, confidence: entry.probability })),
    };
  }
}
