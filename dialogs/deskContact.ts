import type { Locale } from '../services/locales/locale';
import type { MessageKey } from '../services/locales/messages';

/** A sentence that gives the desk's phone number (and hours where the sentence has room for them). */
export function deskContactLine(locale: Locale, key: MessageKey = 'desk.callUs'): string {
  return locale.messages.t(key, { phone: locale.desk.phone, phoneHours: locale.desk.phoneHours });
}
