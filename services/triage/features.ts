import { normalizeFinnish } from '../understanding/interruptions';

/** Longest messages are cut here: a matter is told in the first sentences, and the cost stays bounded. */
export const MAX_CLASSIFIED_CHARS = 1000;

// Common Finnish case endings and possessive suffixes, after ä/ö folding, longest first. Stripping them maps
// "kelaan", "kelalta", "kelasta" to one stem; the character n-grams below catch what the list misses.
const SUFFIXES = [
  'issaan', 'illaan', 'iltaan', 'istaan', 'ineen', 'ssani', 'ssasi', 'ssaan', 'llani', 'ltani', 'stani', 'lleni',
  'ista', 'issa', 'illa', 'ilta', 'ille', 'iksi', 'ineen', 'ihin', 'ssa', 'sta', 'lla', 'lta', 'lle', 'ksi', 'tta',
  'ani', 'asi', 'nsa', 'mme', 'nne', 'han', 'hin', 'iin', 'ien', 'jen', 'den', 'ten', 'an', 'en', 'in', 'on', 'un',
  'yn', 'na', 'ni', 'si', 'ja', 'ia', 'a', 'n', 't', 'i',
];

/** A crude stem: the word without one common ending, never shorter than four letters. */
export function stem(word: string): string {
  for (const suffix of SUFFIXES) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

export function words(text: string): string[] {
  const normalized = normalizeFinnish(text.slice(0, MAX_CLASSIFIED_CHARS));
  return normalized ? normalized.split(' ') : [];
}

/**
 * Features of a message: each word, its stem, and the character 3- to 5-grams of the word with its
 * boundaries marked ("^kel", "ela$"). The n-grams give shared features to inflected forms, compounds
 * ("asumistukihakemus" shares "tuki" with "asumistuki") and words with a typo or two.
 */
export function features(text: string): string[] {
  const found = new Set<string>();
  for (const word of words(text)) {
    if (/^\d+$/.test(word)) continue;
    found.add(`w:${word}`);
    const root = stem(word);
    found.add(`s:${root}`);
    const marked = `^${word}$`;
    for (const size of [3, 4, 5]) {
      for (let at = 0; at + size <= marked.length; at++) found.add(marked.slice(at, at + size));
    }
  }
  return [...found];
}
