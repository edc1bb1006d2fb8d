/**
 * Masking of personal data. The desk never needs a personal identity code (henkilötunnus), a bank account
 * number or a payment card number: they are removed from what a resident types before it is stored, and from
 * every log line. Each is recognised by its shape and then by its own check (check character, mod 97, Luhn),
 * so ordinary numbers in a message stay as they were typed.
 */

// DDMMYY, century sign (+, -, A–F, U–Y for the 2023 reform), three digits, check character.
const PERSONAL_ID = /(?<![0-9A-Za-z])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])(\d{2})\s?[-+A-FU-Ya-fu-y]\s?(\d{3})([0-9A-FHJ-NPR-Ya-fhj-npr-y])(?![0-9A-Za-z])/g;
const PERSONAL_ID_CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY';
// Country code, check digits, then the account in groups of four (printed form) or run together.
const IBAN = /(?<![0-9A-Za-z])[A-Za-z]{2}\d{2}(?: ?[0-9A-Za-z]{4}){2,7}(?: ?[0-9A-Za-z]{1,4})?(?![0-9A-Za-z])/g;
// Digit groups joined by single spaces or dashes; a leading + makes it a phone number, not a card.
const DIGIT_GROUPS = /(?<![0-9A-Za-z+])\d+(?:[ -]\d+)*(?![0-9A-Za-z])/g;
// Phone numbers: optional +, then 7 or more digits that may be grouped by spaces or dashes (not dots, so
// that dates such as 3.12.2026 stay readable in the log).
// A callback reference (AKA-2026-000123) is not a phone number: the log must say which request it was.
// A "+" starts a number even right after a digit or "3." ("040 1234567+358 40 7654321"): masked at once, not
// only on a second pass once what stood before it has become [phone] (masking must be idempotent).
const PHONE = /(?:(?<![\w+]|\d\.|AKA-)|(?<![A-Za-z_+])(?=\+))\+?\d(?:[\s-]?\d){6,}(?!\w|\.\d)/g;
// Starts only where a run of address characters starts: tried at every position of a long "1.1.1…" the
// pattern would scan the rest of the run each time (quadratic), and the property test caught it.
const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

export const MASK = {
  personalId: '[personal-id]',
  iban: '[iban]',
  card: '[card]',
  phone: '[phone]',
  email: '[email]',
} as const;

/** What `maskSensitive` can remove; a dialog names these to the resident. */
export type SensitiveKind = 'personalId' | 'iban' | 'card';

export interface MaskedText {
  text: string;
  /** Each kind that was removed, once, in the order personalId, iban, card. */
  found: SensitiveKind[];
}

const MASKERS: Array<[SensitiveKind, (text: string) => string]> = [
  ['personalId', maskPersonalIds],
  // IBANs before cards: a Finnish account number's digits could pass for a card.
  ['iban', maskIbans],
  ['card', maskCards],
];

/** Masks personal identity codes, bank account numbers (IBAN) and payment card numbers. */
export function maskSensitive(text: string): MaskedText {
  const found: SensitiveKind[] = [];
  let masked = text;
  for (const [kind, mask] of MASKERS) {
    const next = mask(masked);
    if (next !== masked) found.push(kind);
    masked = next;
  }
  return { text: masked, found };
}

/** Removes personal identity codes only: what a resident typed is otherwise kept as it is. */
export function maskPersonalIdentityCodes(text: string): string {
  return maskPersonalIds(text);
}

/** For logs: personal identity codes, bank account and card numbers, phone numbers and e-mail addresses. */
export function maskForLog(text: string): string {
  // A log keeps nothing that looks like an identity code, even with a wrong check character: a mistyped code
  // is still the resident's. Cards go before phone numbers, whose pattern would take a card's digits.
  return maskSensitive(text).text.replace(PERSONAL_ID, MASK.personalId).replace(EMAIL, MASK.email).replace(PHONE, MASK.phone);
}

/** Masks every string inside a value (objects and arrays walked, depth-limited so a cycle cannot hang a log). */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskForLog(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskForLog(value.message), stack: value.stack && maskForLog(value.stack) };
  }
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) masked[key] = maskDeep(item, depth + 1);
  return masked;
}

function maskPersonalIds(text: string): string {
  return text.replace(PERSONAL_ID, (code, day: string, month: string, year: string, serial: string, check: string) =>
    PERSONAL_ID_CHECK_CHARACTERS[Number(`${day}${month}${year}${serial}`) % 31] === check.toUpperCase() ? MASK.personalId : code,
  );
}

/**
 * IBAN: the longest valid account number at the start of what looks like one, so that words or numbers typed
 * right after it ("FI21 1234 5600 0007 85 1234") do not hide it.
 */
function maskIbans(text: string): string {
  return text.replace(IBAN, (candidate) => {
    for (const end of cutPoints(candidate)) {
      if (isValidIban(candidate.slice(0, end).replace(/ /g, ''))) return MASK.iban + maskIbans(candidate.slice(end));
    }
    // No account number at its start, yet one may begin after a space inside it ("ab12 FI21 1234 …"): the
    // match must not hide it, so the rest is looked at again (each time shorter, so this ends).
    const space = candidate.indexOf(' ');
    return space < 0 ? candidate : candidate.slice(0, space + 1) + maskIbans(candidate.slice(space + 1));
  });
}

/**
 * Cards: any run of whole digit groups with 13–19 digits that passes the Luhn check, the longest first, so
 * that "4111 1111 1111 1111 12/26" still loses its card number. A Finnish phone number has at most 12 digits
 * and is never one, and a group is never split (a 22-digit number is not a card with extra digits).
 */
function maskCards(text: string): string {
  return text.replace(DIGIT_GROUPS, (run) => {
    const groups = run.split(/(?<=[ -])/);
    const out: string[] = [];
    let start = 0;
    while (start < groups.length) {
      const end = longestCardFrom(groups, start);
      if (end === undefined) {
        out.push(groups[start]!);
        start += 1;
      } else {
        const separator = groups[end - 1]!.match(/[ -]$/)?.[0] ?? '';
        out.push(MASK.card + separator);
        start = end;
      }
    }
    return out.join('');
  });
}

/** The end (exclusive) of the longest Luhn-valid card number made of groups[start..], if any. */
function longestCardFrom(groups: string[], start: number): number | undefined {
  // Payment cards start with 2–6 (ISO/IEC 7812 industry digits of banking and merchandising), so a run of
  // Finnish phone numbers (0…) typed one after another never passes for one.
  if (!/^[2-6]/.test(groups[start] ?? '')) return undefined;
  let digits = '';
  let best: number | undefined;
  for (let index = start; index < groups.length; index += 1) {
    digits += groups[index]!.replace(/\D/g, '');
    if (digits.length > 19) break;
    if (digits.length >= 13 && passesLuhn(digits)) best = index + 1;
  }
  return best;
}

/** Places where a candidate may end: its end, and before each space, longest first, keeping 15 characters. */
function cutPoints(candidate: string): number[] {
  const ends = [candidate.length];
  for (let index = candidate.length - 1; index > 0; index -= 1) if (candidate[index] === ' ') ends.push(index);
  return ends.filter((end) => candidate.slice(0, end).replace(/ /g, '').length >= 15);
}

/** ISO 13616: 15–34 characters (Finland exactly 18), and mod 97 of the rearranged number is 1. */
function isValidIban(compact: string): boolean {
  const iban = compact.toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  if (iban.startsWith('FI') && !/^FI\d{16}$/.test(iban)) return false;
  let remainder = 0;
  for (const char of iban.slice(4) + iban.slice(0, 4)) {
    const value = char >= 'A' ? char.charCodeAt(0) - 55 : Number(char);
    remainder = (value >= 10 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
