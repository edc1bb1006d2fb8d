/**
 * Properties of the masking of personal data (services/privacy/mask.ts) on hostile input: it never throws,
 * never hangs, is idempotent, never adds digits, and never lets a valid identity code, card or IBAN through.
 * Seed and run count: see hostileInput.ts (FC_SEED, FC_RUNS).
 */
import fc from 'fast-check';
import { MASK, maskForLog, maskPersonalIdentityCodes, maskSensitive } from '../../services/privacy/mask';
import { HANG_BOUND_MS, embeddedIn, hostileString, runs, timed } from './hostileInput';

const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const pad = (value: number, width = 2) => String(value).padStart(width, '0');
const digitCount = (text: string) => (text.match(/\d/g) ?? []).length;

/** A valid personal identity code (henkilötunnus): a real date, a century sign, a serial and its check character. */
export const validHetu: fc.Arbitrary<string> = fc
  .record({
    date: fc.date({ min: new Date(Date.UTC(1850, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }),
    serial: fc.integer({ min: 2, max: 899 }),
    pick: fc.nat(),
    lowerCase: fc.boolean(),
  })
  .map(({ date, serial, pick, lowerCase }) => {
    const year = date.getUTCFullYear();
    const signs = year < 1900 ? ['+'] : year < 2000 ? ['-', 'U', 'V', 'W', 'X', 'Y'] : ['A', 'B', 'C', 'D', 'E', 'F'];
    const digits = `${pad(date.getUTCDate())}${pad(date.getUTCMonth() + 1)}${pad(year % 100)}`;
    const code = `${digits}${signs[pick % signs.length]}${pad(serial, 3)}${CHECK_CHARACTERS[Number(`${digits}${pad(serial, 3)}`) % 31]}`;
    return lowerCase ? code.toLowerCase() : code;
  });

function luhnCheckDigit(body: string): number {
  let sum = 0;
  // The check digit will be the last one, so the digit before it is doubled.
  for (let index = 0; index < body.length; index += 1) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** A Luhn-valid payment card number of 13–19 digits starting with 2–6, run together or in groups of four. */
export const luhnCard: fc.Arbitrary<string> = fc
  .record({
    first: fc.integer({ min: 2, max: 6 }),
    rest: fc.integer({ min: 11, max: 17 }).chain((length) => fc.stringMatching(new RegExp(`^\\d{${length}}$`))),
    separator: fc.constantFrom('', ' ', '-'),
  })
  .map(({ first, rest, separator }) => {
    const body = `${first}${rest}`;
    const digits = `${body}${luhnCheckDigit(body)}`;
    return digits.match(/.{1,4}/g)!.join(separator);
  });

function mod97(numeric: string): number {
  let remainder = 0;
  for (const char of numeric) remainder = (remainder * 10 + Number(char)) % 97;
  return remainder;
}

/** A valid Finnish IBAN: FI, two check digits, 14 digits; compact or printed in groups of four, any case. */
export const finnishIban: fc.Arbitrary<string> = fc
  .record({ account: fc.stringMatching(/^\d{14}$/), printed: fc.boolean(), lowerCase: fc.boolean() })
  .map(({ account, printed, lowerCase }) => {
    // F = 15, I = 18; check digits = 98 − (BBAN + "FI00" as digits) mod 97.
    const check = pad(98 - mod97(`${account}151800`));
    const compact = `FI${check}${account}`;
    const iban = printed ? compact.match(/.{1,4}/g)!.join(' ') : compact;
    return lowerCase ? iban.toLowerCase() : iban;
  });

const maskers: Array<[string, (text: string) => string]> = [
  ['maskSensitive', (text) => maskSensitive(text).text],
  ['maskForLog', maskForLog],
  ['maskPersonalIdentityCodes', maskPersonalIdentityCodes],
];

describe('the generators make what the masking must find', () => {
  it.each([
    [validHetu, 'personalId'],
    [finnishIban, 'iban'],
    [luhnCard, 'card'],
  ] as const)('each generated value alone is masked (%#)', (arbitrary, kind) => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(maskSensitive(value).found).toEqual([kind]);
      }),
      runs(100),
    );
  });
});

describe.each(maskers)('%s on hostile input', (_name, mask) => {
  it('never throws, and each call ends well within the hang bound', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const { result, ms } = timed(() => mask(text));
        expect(typeof result).toBe('string');
        expect(ms).toBeLessThan(HANG_BOUND_MS);
      }),
      runs(400),
    );
  });

  it('is idempotent: masking twice is masking once', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        const once = mask(text);
        expect(mask(once)).toBe(once);
      }),
      runs(200),
    );
  });

  it('never adds digits', () => {
    fc.assert(
      fc.property(hostileString, (text) => {
        expect(digitCount(mask(text))).toBeLessThanOrEqual(digitCount(text));
      }),
      runs(200),
    );
  });
});

describe('valid personal data embedded in random text', () => {
  it('an identity code never survives any of the maskers', () => {
    fc.assert(
      fc.property(embeddedIn(validHetu), ({ text, embedded }) => {
        for (const [, mask] of maskers) expect(mask(text)).not.toContain(embedded);
        expect(maskSensitive(text).found).toContain('personalId');
      }),
      runs(300),
    );
  });

  it('an IBAN never survives maskSensitive or maskForLog', () => {
    fc.assert(
      fc.property(embeddedIn(finnishIban), ({ text, embedded }) => {
        expect(maskSensitive(text).text).not.toContain(embedded);
        expect(maskForLog(text)).not.toContain(embedded);
      }),
      runs(300),
    );
  });

  it('a card number never survives maskSensitive or maskForLog', () => {
    fc.assert(
      fc.property(embeddedIn(luhnCard), ({ text, embedded }) => {
        expect(maskSensitive(text).text).not.toContain(embedded);
        expect(maskForLog(text)).not.toContain(embedded);
      }),
      runs(300),
    );
  });
});

// Counterexamples the properties found, kept as plain tests.
describe('regressions found by the properties', () => {
  it('masks a number that starts with "+" right after another number in one pass (was: only on a second pass)', () => {
    expect(maskForLog('000000-0+000-0000-')).toBe(`${MASK.phone}${MASK.phone}-`);
    expect(maskForLog('0401234567+358407654321')).toBe(`${MASK.phone}${MASK.phone}`);
    expect(maskForLog('1111111.+358311299-1111111')).toBe(`${MASK.phone}.${MASK.phone}`);
    expect(maskForLog(maskForLog('1111111.+358311299-1111111'))).toBe(maskForLog('1111111.+358311299-1111111'));
  });

  it('finds an IBAN that follows a word shaped like the start of one (was: left as typed)', () => {
    expect(maskSensitive('ja010190Aklo FI5406000000000000 ')).toEqual({ text: `ja010190Aklo ${MASK.iban} `, found: ['iban'] });
    expect(maskSensitive('ab12 FI21 1234 5600 0007 85')).toEqual({ text: `ab12 ${MASK.iban}`, found: ['iban'] });
  });
});
