import { CardFactory, type Attachment } from 'botbuilder';
import type { Service } from '../services/directory/directory';
import type { Locale } from '../services/locales/locale';
import { finnishDate } from '../services/time/helsinki';

/** One contact as a line: "Kela, puhelin 020 692 210, ma–pe 9–16, https://www.kela.fi". */
function contactLine(contact: Service['contacts'][number]): string {
  return [contact.name, contact.phone, contact.hours, contact.url].filter(Boolean).join(', ');
}

/**
 * A service as a card: its name, what it helps with, how the desk can help, how to reach it and what to
 * have ready. The same text is the card's fallback, so a channel without cards shows it all too.
 */
export function serviceCard(locale: Locale, service: Service): Attachment {
  const { t } = locale.messages;
  const newestCheck = service.contacts.map((contact) => contact.checked).sort().pop()!;
  const text = [
    service.summary,
    t('service.deskHelp', { deskHelp: service.deskHelp }),
    [t('service.contactsTitle'), ...service.contacts.map((contact) => `- ${contactLine(contact)}`)].join('\n'),
    [t('service.prepareTitle'), ...service.prepare.map((item) => `- ${item}`)].join('\n'),
    t('service.checked', { date: `${finnishDate(newestCheck)}${newestCheck.slice(0, 4)}` }),
  ].join('\n\n');
  return CardFactory.heroCard(service.name, text);
}
