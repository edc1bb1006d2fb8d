import type { Locale } from '../services/locales/locale';
import type { CrisisKind } from '../services/triage/crisis';

/**
 * What the bot says at once when a message speaks of a crisis: the emergency number and the crisis
 * helpline first (the Poison Information Centre too for poisoning), then the desk's own number.
 */
export function crisisReply(locale: Locale, kind: CrisisKind | 'unspecified'): string[] {
  const { t } = locale.messages;
  const phoneOf = (id: string) => locale.urgent.get(id)?.phone;
  const lines = [t('crisis.intro'), t('crisis.emergency', { phone: phoneOf('hatanumero')! }), t('crisis.helpline', { phone: phoneOf('kriisipuhelin')! })];
  const poison = phoneOf('myrkytystietokeskus');
  if (kind === 'poisoning' && poison) lines.splice(2, 0, t('crisis.poison', { phone: poison }));
  lines.push(t('crisis.desk', { phone: locale.desk.phone, phoneHours: locale.desk.phoneHours }), t('crisis.continue'));
  return lines;
}
