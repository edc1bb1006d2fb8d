import type { Locale } from '../services/locales/locale';
import type { CrisisKind } from '../services/triage/crisis';

/**
 * What the bot says at once when a message speaks of a crisis: the emergency number and the crisis
 * helpline first (the Poison Information Centre too for poisoning), then the desk's own number.
 */
export function crisisReply(locale: Locale, kind: CrisisKind | 'unspecified'): string[] {
  const { t, phoneOf } = urgentWords(locale);
  const lines = [t('crisis.intro'), t('crisis.emergency', { phone: phoneOf('hatanumero')! }), t('crisis.helpline', { phone: phoneOf('kriisipuhelin')! })];
  const poison = phoneOf('myrkytystietokeskus');
  if (kind === 'poisoning' && poison) lines.splice(2, 0, t('crisis.poison', { phone: poison }));
  lines.push(t('crisis.desk', { phone: locale.desk.phone, phoneHours: locale.desk.phoneHours }), t('crisis.continue'));
  return lines;
}

/** The short safety note shown beside an ordinary answer when a message shows some sign of a crisis. */
export function safetyNote(locale: Locale): string[] {
  const { t, phoneOf } = urgentWords(locale);
  return [t('crisis.caution', { phone: phoneOf('hatanumero')! }), t('crisis.helpline', { phone: phoneOf('kriisipuhelin')! })];
}

function urgentWords(locale: Locale) {
  return { t: locale.messages.t, phoneOf: (id: string) => locale.urgent.get(id)?.phone };
}
