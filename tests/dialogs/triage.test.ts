import { join } from 'node:path';
import type { Activity, Attachment } from 'botbuilder';
import { SERVICE_IDS, type ServiceId } from '../../services/directory/directory';
import { defaultLocalesDir } from '../../services/locales/locale';
import { DEFAULT_THRESHOLDS } from '../../services/triage/triage';
import { buildTriage } from '../../services/triage/triageData';
import { serviceCard } from '../../dialogs/serviceCard';
import { DESK_LINE, asks, locale, mainMenu, saidNothingMore, t, testBot, welcomed, type TestBot } from './conversationKit';

/** A card's title and text, as a channel without cards would show them. */
function serviceCardText(card: Attachment): string {
  const content = card.content as { title?: string; text?: string };
  return [content.title, content.text].filter(Boolean).join('\n\n');
}

/** A matter outside the directory, told at the menu, up to the offer of a callback. */
const nothingFits = (bot: TestBot) =>
  welcomed(bot)
    .send('mikä on paras pizzaresepti')
    .assertReply(t('triage.nothingFits'))
    .assertReply(DESK_LINE)
    .assertReply(asks(t('triage.offerCallback'), NOTHING_FITS));

const NOTHING_FITS = [t('triage.choice.callback'), t('triage.choice.other')];
const AFTER_CARD = [t('triage.choice.helped'), t('triage.choice.callback'), t('triage.choice.other')];
const card = (id: Parameters<typeof locale.services.get>[0]) => (reply: Partial<Activity>) => {
  expect(reply.attachments).toHaveLength(1);
  expect(serviceCardText(reply.attachments![0]!)).toBe(serviceCardText(serviceCard(locale, locale.services.get(id))));
};

// The real model with thresholds that make it never sure and offer every somewhat likely service: the
// dialog's "is it one of these?" step, whatever the model thinks of any one message.
const unsureTriage = buildTriage(join(defaultLocalesDir(), 'fi'), SERVICE_IDS, { ...DEFAULT_THRESHOLDS, confident: 1.01, possible: 0.01 });
const UNSURE_MATTER = 'tarviin apua paperiasioissa';
const likeliest = unsureTriage.assess(UNSURE_MATTER).candidates.map((candidate) => locale.services.get(candidate.service as ServiceId).name);

describe('telling the matter in one\'s own words', () => {
  it('the unsure case below really offers several services', () => {
    expect(likeliest).toHaveLength(3);
  });

  it('shows the service as a card with contacts and what to have ready, and asks whether it helped', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send(t('menu.choice.matter'))
      .assertReply(t('triage.ask'))
      .send('kela ei oo maksanu toimeentulotukea')
      .assertReply(t('triage.found'))
      .assertReply(card('kela'))
      .assertReply(asks(t('triage.didItHelp'), AFTER_CARD))
      .send(t('triage.choice.helped'))
      .assertReply(t('triage.glad'))
      .assertReply(mainMenu('menu.again'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('takes free text at the menu as the matter, without asking it again', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('mun vuokranantaja uhkaa häädöllä')
      .assertReply(t('triage.found'))
      .assertReply(card('asuminen'))
      .assertReply(asks(t('triage.didItHelp'), AFTER_CARD))
      .startTest();
  });

  it('offers the likeliest services as buttons when it is not sure, and shows the one picked', async () => {
    const bot = testBot({ triage: unsureTriage });
    await welcomed(bot)
      .send(UNSURE_MATTER)
      .assertReply(asks(t('triage.unsure'), [...likeliest, t('triage.choice.noneOfThese')]))
      .send(likeliest[1]!)
      .assertReply(t('triage.found'))
      .assertReply(card(unsureTriage.assess(UNSURE_MATTER).candidates[1]!.service as ServiceId))
      .startTest();
  });

  it('says honestly when nothing fits, and gives the way to a person', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send(t('menu.choice.matter'))
      .assertReply(t('triage.ask'))
      .send('mikä on paras pizzaresepti')
      .assertReply(t('triage.nothingFits'))
      .assertReply(DESK_LINE)
      .assertReply(asks(t('triage.offerCallback'), NOTHING_FITS))
      .send(t('triage.choice.other'))
      .assertReply(t('triage.tellMore'))
      .startTest();
  });

  it('when nothing fits, a callback request carries the matter already told', async () => {
    const bot = testBot();
    await nothingFits(bot)
      .send(t('triage.choice.callback'))
      .assertReply(t('callback.intro'))
      .assertReply(t('callback.askPhone'))
      .startTest();
  });

  it('when nothing fits, a new matter may be typed straight away', async () => {
    const bot = testBot();
    await nothingFits(bot)
      .send('kela ei oo maksanu toimeentulotukea')
      .assertReply(t('triage.found'))
      .assertReply(card('kela'))
      .startTest();
  });

  it('"Ei mikään näistä" ends the same honest way', async () => {
    const bot = testBot({ triage: unsureTriage });
    await welcomed(bot)
      .send(UNSURE_MATTER)
      .assertReply(t('triage.unsure'))
      .send(t('triage.choice.noneOfThese'))
      .assertReply(t('triage.nothingFits'))
      .assertReply(DESK_LINE)
      .assertReply(asks(t('triage.offerCallback'), NOTHING_FITS))
      .startTest();
  });

  it('"Jokin muu asia" asks for the other matter; "Pyydä soittoa" starts a callback request without asking the matter again', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('kela ei oo maksanu toimeentulotukea')
      .assertReply(t('triage.found'))
      .assertReply(card('kela'))
      .assertReply(t('triage.didItHelp'))
      .send(t('triage.choice.other'))
      .assertReply(t('triage.tellMore'))
      .send('tarviin verkkopankkitunnukset')
      .assertReply(t('triage.found'))
      .assertReply(card('digituki'))
      .assertReply(t('triage.didItHelp'))
      .send(t('triage.choice.callback'))
      .assertReply(t('callback.intro'))
      .assertReply(t('callback.askPhone'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('a bare greeting is not a matter: it shows the menu', async () => {
    const bot = testBot();
    await bot.adapter.send('Moi!').assertReply((reply) => expect(reply.text).toContain(t('welcome.greeting'))).assertReply(mainMenu()).then(saidNothingMore(bot)).startTest();
  });
});

describe('the service card', () => {
  it.each(locale.services.all().map((service) => [service.id, service] as const))('for %s has the name, how the desk helps, contacts and what to have ready', (_id, service) => {
    const text = serviceCardText(serviceCard(locale, service));
    expect(text).toContain(service.name);
    expect(text).toContain(service.deskHelp);
    for (const contact of service.contacts) expect(text).toContain(contact.name);
    for (const item of service.prepare) expect(text).toContain(item);
  });
});
