/**
 * Shared pieces of the property-based tests (issue 7, "Hostile input"): the strings a resident, a bot or an
 * attacker could send, the run settings, and a timer for the hang detector.
 *
 * Runs are repeatable: every property runs with a fixed seed. To explore with other inputs,
 *   FC_SEED=12345 npx jest tests/property     (a given seed)
 *   FC_SEED=random npx jest tests/property    (a fresh seed; fast-check prints it with any counterexample)
 *   FC_RUNS=10 npx jest tests/property        (ten times the usual number of runs)
 * A failure report names the seed and the path: put both back in `fc.assert` to replay it.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';

const DEFAULT_SEED = 20260707;

function seedFromEnv(): number {
  const given = process.env.FC_SEED;
  if (!given) return DEFAULT_SEED;
  if (given === 'random') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got "${given}"`);
  return seed;
}

export const SEED = seedFromEnv();
const RUN_FACTOR = Number(process.env.FC_RUNS ?? 1) > 0 ? Number(process.env.FC_RUNS ?? 1) : 1;

/** Settings for `fc.assert`: the seed above and `numRuns` (times FC_RUNS). */
export function runs(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: Math.round(numRuns * RUN_FACTOR) };
}

/**
 * The hang detector's bound for one call. This is not a speed benchmark (bench/ has those): a call on a normal
 * machine takes a few milliseconds, and this bound is far above that so that a slow or busy CI machine does not
 * fail it, while catastrophic regex backtracking (seconds to hours on a few thousand characters) still does.
 */
export const HANG_BOUND_MS = 200;

/** Runs `call`, returning its result and how long it took in milliseconds. */
export function timed<T>(call: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = call();
  return { result, ms: performance.now() - started };
}

/** Pieces that break naive parsing: separators, Finnish letters, emoji, lone surrogates, bidi and zero-width marks, NUL. */
export const NASTY_PIECES = [
  '1', '0', '9', '12', '1.', '.', '..', '1.1', '-', '--', '1-', '12-', '+', '+358', '040', ' ', '  ', '\t', '\n', '\r\n',
  'klo', 'klo ', 'kello', 'huomenna', 'ylihuomenna', 'maanantaina', 'ensi viikolla', 'kahden', 'jälkeen', 'ennen', 'ei ',
  'iltapäivällä', 'aamulla', 'heti', 'milloin vain', 'puoli', 'välillä', 'ja', '–', '—', '/', ':', ',',
  'ä', 'ö', 'å', 'Ä', 'Ö', 'Å', 'a\u0308', 'A', 'FI', 'fi', 'X', 'x',
  '😀', '👨‍👩‍👧', '🇫🇮', '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
  '\u200E', '\u200F', '\u202A', '\u202B', '\u202E', '\u2066', '\u2069', '\u061C',
  '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00A0', '\u2009', '\u3000',
  '\0', '\u0001', '\u007F', '\uFFFD', '\uFFFF',
  '٣', '۳', '३', '１', '𝟏',
  '@', 'a@b.fi', 'AKA-', '311299-', '010190A', '4111', 'kuolen', 'apua',
] as const;

/** A piece repeated up to a few thousand times: "1.1.1.1…", "klo klo klo…", "1-1-1-…". */
const repeated = fc
  .tuple(
    fc.constantFrom('1.', '1.1.', '1-', '12-', '1 ', 'klo ', 'klo', 'ä', 'ö ', '😀', '\u200B', '\0', '\uD800', '+3', '-', ' ', 'ei ', 'kahden jälkeen ', '0'),
    fc.integer({ min: 1, max: 3000 }),
  )
  .map(([piece, times]) => piece.repeat(times));

/** Up to 600 nasty pieces in any order. */
const nastyMix = fc.array(fc.constantFrom(...NASTY_PIECES), { maxLength: 600 }).map((pieces) => pieces.join(''));

/** Digits with dashes, dots and spaces: phone numbers, dates, identity codes and card numbers gone wrong. */
const digitsWithSeparators = fc
  .array(fc.tuple(fc.stringMatching(/^\d{1,6}$/), fc.constantFrom('-', '.', ' ', '', '+', ' - ', '/', ':')), { maxLength: 300 })
  .map((parts) => parts.map(([digits, separator]) => digits + separator).join(''));

/** Long text: 2 000–10 000 characters of random code points, or Finnish-looking words. */
const long = fc.oneof(
  fc.string({ minLength: 2000, maxLength: 10_000, unit: 'binary' }),
  fc.string({ minLength: 2000, maxLength: 10_000, unit: fc.constantFrom(...NASTY_PIECES) }),
);

/** Any string a resident could type or a client could send, weighted towards the nasty. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 200 }), weight: 3 },
  { arbitrary: fc.string({ maxLength: 200, unit: 'grapheme' }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 200, unit: 'binary' }), weight: 2 },
  { arbitrary: nastyMix, weight: 4 },
  { arbitrary: digitsWithSeparators, weight: 3 },
  { arbitrary: repeated, weight: 2 },
  { arbitrary: long, weight: 1 },
);

/** Random text around `embedded`, kept apart from it by a space (so that it is a separate word). */
export function embeddedIn(embedded: fc.Arbitrary<string>): fc.Arbitrary<{ text: string; embedded: string }> {
  const side = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40, unit: fc.constantFrom(...NASTY_PIECES) }));
  return fc.tuple(side, embedded, side).map(([before, value, after]) => ({ text: `${before} ${value} ${after}`, embedded: value }));
}
