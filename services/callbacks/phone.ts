import { findPhoneNumbersInText, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * The phone number a resident gives for a callback, found in whatever they typed ("mun numero on 040 123 4567").
 * `display` is what the bot reads back for the resident to check: Finnish numbers grouped the way they are
 * written in Finland ("040 123 4567", "09 2525 0111"), foreign ones in international format.
 */
export type ParsedPhone =
  | { ok: true; e164: string; display: string }
  | {
      ok: false;
      /** `missing`: no digits at all; `invalid`: digits, but no number that can be called (too short, too long, wrong prefix, premium rate). */
      reason: 'missing' | 'invalid';
    };

// Finland and Åland (+358) are read back in national format; Åland has its own region code in the metadata.
const FINNISH_CALLING_CODE = '358';
// The full ("max") metadata checks the digits against each region's number ranges, so a wrong prefix is
// refused; the default ("min") metadata checks only the length.
const DEFAULT_REGION = 'FI';
// A date such as 3.12.2026 is also a valid Finnish landline (03 122026): a date is never taken for a number.
const DATE_SHAPE = /^\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})?$/;
// The desk never calls numbers that cost it extra (0600, 0700, 0900 and the like): an open chat must not be
// a way to make it ring them.
const NOT_CALLED = new Set(['PREMIUM_RATE', 'SHARED_COST']);

/**
 * Only the start of a long message is read: the library's time grows with the text (about 40 ms for 10 000
 * characters such as "1.1.1.…"), and an answer to "which number?" has its number early. A number cut by the
 * limit is left out whole rather than read as a shorter one.
 */
export const MAX_READ_CHARS = 2000;

export function parseResidentPhone(typed: string): ParsedPhone {
  const whole = typeof typed === 'string' ? typed : '';
  const text = whole.length > MAX_READ_CHARS ? withoutCutNumber(whole.slice(0, MAX_READ_CHARS)) : whole;
  if (!/\p{Nd}/u.test(whole)) return { ok: false, reason: 'missing' };
  try {
    const found = findPhoneNumbersInText(text, { defaultCountry: DEFAULT_REGION }).find(
      (match) => !DATE_SHAPE.test(text.slice(match.startsAt, match.endsAt)) && match.number.isValid() && !NOT_CALLED.has(match.number.getType() ?? ''),
    );
    if (!found) return { ok: false, reason: 'invalid' };
    return { ok: true, e164: found.number.number, display: readBack(found.number) };
  } catch {
    // The library has no known throwing path for text input; a resident's message must never break the turn.
    return { ok: false, reason: 'invalid' };
  }
}

/** The text without what may be part of a number at its end (a loop: a `[…]+$` pattern would be quadratic). */
function withoutCutNumber(text: string): string {
  let end = text.length;
  while (end > 0 && /[\p{Nd}\s().+-]/u.test(text[end - 1]!)) end -= 1;
  return text.slice(0, end);
}

function readBack(number: PhoneNumber): string {
  if (number.countryCallingCode !== FINNISH_CALLING_CODE) return number.formatInternational();
  // libphonenumber writes "040 1234567": keep its area code, group the subscriber number the Finnish way.
  const [areaCode, ...rest] = number.formatNational().split(' ');
  const subscriber = rest.join('');
  if (!areaCode || !/^\d+$/.test(subscriber)) return number.formatNational();
  return [areaCode, ...groupSubscriber(subscriber)].join(' ');
}

/** "1234567" → 123 4567, "25250111" → 2525 0111, "147111" → 147 111; longer ones end in four digits. */
function groupSubscriber(digits: string): string[] {
  const length = digits.length;
  if (length <= 5) return [digits];
  if (length === 6) return [digits.slice(0, 3), digits.slice(3)];
  if (length === 8) return [digits.slice(0, 4), digits.slice(4)];
  const head = digits.slice(0, length - 4);
  const groups: string[] = [];
  for (let end = head.length; end > 0; end -= 3) groups.unshift(head.slice(Math.max(0, end - 3), end));
  return [...groups, digits.slice(length - 4)];
}
