/**
 * Properties of the phone parser (services/callbacks/phone.ts) on hostile input: it never throws, never hangs,
 * and what it accepts is a callable E.164 number with something to read back.
 * Seed and run count: see hostileInput.ts (FC_SEED, FC_RUNS).
 */
import fc from 'fast-check';
import { MAX_READ_CHARS, parseResidentPhone } from '../../services/callbacks/phone';
import { HANG_BOUND_MS, embeddedIn, hostileString, runs, timed } from './hostileInput';

const E164 = /^\+[1-9]\d{6,14}$/;

/** A Finnish mobile number as residents type it: 040 123 4567, 050-7654321, +358 44 1234567, 00358451234567. */
const finnishMobile = fc
  .record({
    prefix: fc.constantFrom('40', '41', '44', '45', '46', '50'),
    subscriber: fc.stringMatching(/^[1-9]\d{6}$/),
    style: fc.constantFrom('national', 'grouped', 'dashed', 'plus', 'doubleZero'),
  })
  .map(({ prefix, subscriber, style }) => {
    const e164 = `+358${prefix}${subscriber}`;
    const typed = {
      national: `0${prefix}${subscriber}`,
      grouped: `0${prefix} ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`,
      dashed: `0${prefix}-${subscriber}`,
      plus: `+358 ${prefix} ${subscriber}`,
      doubleZero: `00358${prefix}${subscriber}`,
    }[style];
    return { typed, e164 };
  });

describe('parseResidentPhone on hostile input', () => {
  it('never throws, ends well within the hang bound, and answers a well-formed result', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const { result, ms } = timed(() => parseResidentPhone(text));
        expect(ms).toBeLessThan(HANG_BOUND_MS);
        if (result.ok) {
          expect(result.e164).toMatch(E164);
          expect(result.display.trim()).not.toBe('');
        } else {
          expect(['missing', 'invalid']).toContain(result.reason);
          // "missing" means no digit at all.
          if (result.reason === 'missing') expect(text).not.toMatch(/\p{Nd}/u);
        }
      }),
      runs(2000),
    );
  });

  it('reads its own read-back as the same number', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const result = parseResidentPhone(text);
        if (result.ok) expect(parseResidentPhone(result.display)).toEqual(result);
      }),
      runs(300),
    );
  });

  it('finds a Finnish mobile number typed by itself', () => {
    fc.assert(
      fc.property(finnishMobile, ({ typed, e164 }) => {
        expect(parseResidentPhone(typed)).toMatchObject({ ok: true, e164 });
      }),
      runs(200),
    );
  });

  it('never answers a malformed number for a mobile number among random words', () => {
    fc.assert(
      fc.property(
        embeddedIn(finnishMobile.map(({ typed }) => typed)),
        ({ text }) => {
          const result = parseResidentPhone(text);
          // The random words may hold another number first, so only the shape is certain.
          if (result.ok) expect(result.e164).toMatch(E164);
        },
      ),
      runs(300),
    );
  });
});

// Counterexamples the properties found, kept as plain tests.
describe('regressions found by the properties', () => {
  it('reads only the start of a long message: "1.1.1.…" of 6 000 characters took over 200 ms under jest', () => {
    const { result, ms } = timed(() => parseResidentPhone('1.'.repeat(3000)));
    expect(result).toEqual({ ok: false, reason: 'invalid' });
    expect(ms).toBeLessThan(HANG_BOUND_MS);
  });

  it('finds a number within the limit, and neither a number beyond it nor one cut by it', () => {
    const number = ' 040 123 4567';
    expect(parseResidentPhone('x'.repeat(MAX_READ_CHARS - number.length) + number)).toMatchObject({ ok: true, e164: '+358401234567' });
    expect(parseResidentPhone('x'.repeat(MAX_READ_CHARS - 5) + number)).toEqual({ ok: false, reason: 'invalid' });
    expect(parseResidentPhone('x'.repeat(MAX_READ_CHARS) + number)).toEqual({ ok: false, reason: 'invalid' });
  });
});
