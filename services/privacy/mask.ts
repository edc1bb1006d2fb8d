/**
 * Masking of personal data. A Finnish personal identity code (henkilötunnus) is never needed by the desk:
 * it is removed from what a resident types before any dialog or storage sees it, and from every log line.
 */

// DDMMYY, century sign (+, -, A–F, U–Y for the 2023 reform), three digits, check character.
const PERSONAL_ID = /(?<![0-9A-Za-z])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])(\d{2})\s?[-+A-FU-Ya-fu-y]\s?(\d{3})[0-9A-FHJ-NPR-Ya-fhj-npr-y](?![0-9A-Za-z])/g;
// Phone numbers: optional +, then 7 or more digits that may be grouped by spaces or dashes (not dots, so
// that dates such as 3.12.2026 stay readable in the log).
const PHONE = /(?<![\w+]|\d\.)\+?\d(?:[\s-]?\d){6,}(?!\w|\.\d)/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

export const MASK = {
  personalId: '[personal-id]',
  phone: '[phone]',
  email: '[email]',
} as const;

/** Removes personal identity codes only: what a resident typed is otherwise kept as it is. */
export function maskPersonalIdentityCodes(text: string): string {
  return text.replace(PERSONAL_ID, MASK.personalId);
}

/** For logs: personal identity codes, phone numbers and e-mail addresses are all masked. */
export function maskForLog(text: string): string {
  return text.replace(PERSONAL_ID, MASK.personalId).replace(EMAIL, MASK.email).replace(PHONE, MASK.phone);
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
