import { z } from 'zod';
import { text } from '../locales/dataFile';

/** What a resident can say at any step, whatever the dialog is asking. */
export const INTERRUPTIONS = ['urgentCallback', 'callback', 'human', 'restart', 'cancel', 'quit', 'help'] as const;
export type Interruption = (typeof INTERRUPTIONS)[number];

const phrases = z.strictObject({
  /** The message is this and nothing more (after normalising): "apua", "ohje". */
  whole: z.array(text),
  /** The message contains these words in this order: "voisinko puhua ihmiselle kiitos". */
  within: z.array(text),
});
export const interruptionPhrasesSchema = z.strictObject({
  ...(Object.fromEntries(INTERRUPTIONS.map((name) => [name, phrases])) as Record<Interruption, typeof phrases>),
  /** Polite or filler words around a whole-message command: "ihminen kiitos", "no alusta". */
  fillers: z.array(text),
  /** Words that turn a request around when they come just before it: "en halua puhua ihmiselle". */
  negations: z.array(text),
  /** The negative verb right before a request turns it into a statement: "kela ei soita minulle". */
  negativeVerbs: z.array(text),
  /** A message that only greets ("moi", "terve") is not a matter to guide. */
  greetings: z.array(text),
});
export type InterruptionPhrases = z.output<typeof interruptionPhrasesSchema>;

/**
 * Lower case, punctuation and emoji gone, white space folded, and ä/ö/å folded to a/o so that a resident
 * typing on a keyboard without them ("ohjeet", "peruuta", "paavalikko") is understood just the same.
 */
export function normalizeFinnish(input: string): string {
  return input
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\u00e4\u00e5]/g, 'a')
    .replace(/\u00f6/g, 'o')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Finds interruptions in a message. Order of INTERRUPTIONS decides when a message matches more than one. */
export class InterruptionRecognizer {
  private readonly whole: Map<string, Interruption>;
  private readonly within: { words: string; interruption: Interruption }[];
  private readonly fillers: Set<string>;
  private readonly negations: string[];
  private readonly negativeVerbs: Set<string>;
  private readonly greetings: Set<string>;

  constructor(data: InterruptionPhrases) {
    this.whole = new Map();
    this.within = [];
    this.fillers = new Set(data.fillers.map(normalizeFinnish));
    this.negations = data.negations.map((phrase) => ` ${normalizeFinnish(phrase)} `);
    this.negativeVerbs = new Set(data.negativeVerbs.map(normalizeFinnish));
    this.greetings = new Set(data.greetings.map(normalizeFinnish));
    for (const interruption of [...INTERRUPTIONS].reverse()) {
      for (const phrase of data[interruption].whole) this.whole.set(normalizeFinnish(phrase), interruption);
    }
    for (const interruption of INTERRUPTIONS) {
      for (const phrase of data[interruption].within) this.within.push({ words: ` ${normalizeFinnish(phrase)} `, interruption });
    }
  }

  recognize(message: string): Interruption | undefined {
    const normalized = normalizeFinnish(message);
    if (!normalized) return undefined;
    const exact = this.whole.get(normalized) ?? this.whole.get(this.withoutFillers(normalized));
    if (exact) return exact;
    const padded = ` ${normalized} `;
    return this.within.find((candidate) => {
      const at = padded.indexOf(candidate.words);
      return at >= 0 && !this.negated(padded.slice(0, at + 1));
    })?.interruption;
  }

  /** Whether the message only greets: "Moi!", "hei vaan". */
  isGreeting(message: string): boolean {
    const normalized = normalizeFinnish(message);
    return this.greetings.has(normalized) || this.greetings.has(this.withoutFillers(normalized));
  }

  /** The message without filler words at its start and end ("no ihminen kiitos" → "ihminen"). */
  private withoutFillers(normalized: string): string {
    const words = normalized.split(' ');
    while (words.length > 1 && this.fillers.has(words[0]!)) words.shift();
    while (words.length > 1 && this.fillers.has(words[words.length - 1]!)) words.pop();
    return words.join(' ');
  }

  /**
   * Whether the words before a matched phrase deny it: a negation among the last few ("en haluu [puhua]
   * ihmisen kanssa"), or a bare negative verb just before it ("kela ei soita minulle takaisin").
   */
  private negated(before: string): boolean {
    const words = before.trim().split(' ');
    if (this.negativeVerbs.has(words[words.length - 1]!)) return true;
    const window = ` ${words.slice(-3).join(' ')} `;
    return this.negations.some((negation) => window.includes(negation));
  }
}
