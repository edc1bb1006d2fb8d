import { z } from 'zod';
import { text } from '../locales/dataFile';
import { normalizeFinnish } from '../understanding/interruptions';
import { words } from './features';

export const CRISIS_KINDS = ['selfHarm', 'violence', 'medical', 'poisoning'] as const;
export type CrisisKind = (typeof CRISIS_KINDS)[number];

export const crisisPatternsSchema = z.strictObject({
  selfHarm: z.array(text),
  violence: z.array(text),
  medical: z.array(text),
  poisoning: z.array(text),
  /**
   * Signs that mean a crisis only together, anywhere in one message: each rule has groups of phrases, and
   * one phrase of every group must occur (a wood stove and a headache: carbon monoxide).
   */
  together: z.array(z.strictObject({ kind: z.enum(CRISIS_KINDS), all: z.array(z.array(text).min(1)).min(2) })).default([]),
  /** Everyday idioms that use the same words ("tapan aikaa", "kuolen nauruun"): removed before matching. */
  notCrisis: z.array(text),
});
export type CrisisPatterns = z.output<typeof crisisPatternsSchema>;

/** One word of a pattern: "kuolla" matches that word, "itsemurh*" any word that begins so. */
type WordMatcher = (word: string) => boolean;
type Phrase = WordMatcher[];

function compile(pattern: string): Phrase {
  return pattern
    .trim()
    .split(/\s+/)
    .map((part) => {
      const word = normalizeFinnish(part.replace(/\*$/, ''));
      return part.endsWith('*') ? (candidate: string) => candidate.startsWith(word) : (candidate: string) => candidate === word;
    });
}

/** Whether the phrase's words occur from `at` on, in order, with at most `maxGap` other words between each. */
function matchesAt(tokens: readonly string[], at: number, phrase: Phrase, maxGap: number): number | undefined {
  if (!phrase[0]?.(tokens[at] ?? '')) return undefined;
  let position = at;
  for (const matcher of phrase.slice(1)) {
    let next = position + 1;
    while (next < tokens.length && next <= position + 1 + maxGap && !matcher(tokens[next]!)) next++;
    if (next >= tokens.length || next > position + 1 + maxGap) return undefined;
    position = next;
  }
  return position + 1;
}

// "join vahingossa pesuainetta": a crisis phrase may have a couple of other words inside it, an idiom one
// ("naurattaa ihan kuoliaaksi").
const CRISIS_GAP = 2;
const IDIOM_GAP = 1;

/**
 * Finds words of suicide or self-harm, violence or threats, a medical emergency or poisoning. A missed
 * crisis is the worst error there is, so the patterns are broad; the idioms listed in `notCrisis` are taken
 * out of the message first so that "tapan aikaa" does not raise the alarm.
 */
export class CrisisDetector {
  private readonly phrases: { kind: CrisisKind; phrase: Phrase }[];
  private readonly together: { kind: CrisisKind; groups: Phrase[][] }[];
  private readonly idioms: Phrase[];

  constructor(patterns: CrisisPatterns) {
    this.phrases = CRISIS_KINDS.flatMap((kind) => patterns[kind].map((pattern) => ({ kind, phrase: compile(pattern) })));
    this.together = patterns.together.map(({ kind, all }) => ({ kind, groups: all.map((group) => group.map(compile)) }));
    this.idioms = patterns.notCrisis.map(compile);
  }

  detect(message: string): CrisisKind | undefined {
    return this.inspect(message).kind;
  }

  /** The crisis a message speaks of, if any, and whether it uses an everyday idiom of dying or killing. */
  inspect(message: string): { kind?: CrisisKind; idiom: boolean } {
    const all = words(message);
    const tokens = this.withoutIdioms(all);
    const idiom = tokens.length < all.length;
    for (let at = 0; at < tokens.length; at++) {
      for (const { kind, phrase } of this.phrases) if (matchesAt(tokens, at, phrase, CRISIS_GAP) !== undefined) return { kind, idiom };
    }
    const occurs = (phrase: Phrase) => tokens.some((_, at) => matchesAt(tokens, at, phrase, CRISIS_GAP) !== undefined);
    const rule = this.together.find(({ groups }) => groups.every((group) => group.some(occurs)));
    return rule ? { kind: rule.kind, idiom } : { idiom };
  }

  private withoutIdioms(tokens: string[]): string[] {
    const kept: string[] = [];
    for (let at = 0; at < tokens.length; ) {
      const end = this.idioms.map((phrase) => matchesAt(tokens, at, phrase, IDIOM_GAP)).find((found) => found !== undefined);
      if (end !== undefined) {
        at = end;
      } else {
        kept.push(tokens[at]!);
        at++;
      }
    }
    return kept;
  }
}
