import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActivityTypes, type Activity } from 'botbuilder';
import type { ServiceId } from '../../services/directory/directory';
import { defaultLocalesDir } from '../../services/locales/locale';
import { finnish } from '../support/botTestKit';
import {
  LIVING_ROOM_LABELS,
  MAX_MESSAGE_CHARS,
  MENU_LABELS,
  NOW,
  WELCOME,
  buttonsOf,
  inLivingRoom,
  livingRoomMenu,
  livingRoomMore,
  livingRoomTexts,
  mainMenu,
  saidNothingMore,
  t,
  testBot,
  welcomed,
} from './conversationKit';

/** The desk's contact details as the data file has them: the bot must give this number. */
const desk = JSON.parse(readFileSync(join(defaultLocalesDir(), 'fi', 'desk.json'), 'utf8')) as { phone: string; phoneHours: string };

describe('the welcome', () => {
  it('says it is an automated assistant, never to type the identity code, and how to reach a person', async () => {
    const bot = testBot();
    await bot.adapter
      .send('hei')
      .assertReply((reply) => {
        expect(reply.type).toBe(ActivityTypes.Message);
        expect(reply.text).toBe(WELCOME);
        expect(reply.text).toContain('automaattinen avustaja, en ihminen');
        expect(reply.text).toContain('Älä kirjoita tänne henkilötunnustasi');
        expect(reply.text).toContain('kirjoita ”ihminen”');
      })
      .assertReply(mainMenu('menu.prompt'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('offers the main menu as four buttons in order', async () => {
    const bot = testBot();
    await bot.adapter
      .send('hei')
      .assertReply(WELCOME)
      .assertReply((reply) => {
        expect(reply.text).toBe('Miten voin auttaa? Valitse napista tai kirjoita.');
        expect(buttonsOf(reply)).toEqual(['Kerro asiasi', 'Pyydä soittoa', 'Olohuone ja aukioloajat', 'Jätä aloite']);
        expect(reply.suggestedActions?.actions.map((action) => action.value)).toEqual(MENU_LABELS);
      })
      .startTest();
  });

  it('is sent once per conversation: conversationUpdate welcomes, the next message gets no second welcome', async () => {
    const bot = testBot();
    const user = { id: 'asukas-1', name: 'Asukas' };
    const botAccount = bot.adapter.conversation.bot;
    await bot.adapter
      .send({ type: ActivityTypes.ConversationUpdate, membersAdded: [botAccount] })
      .then(saidNothingMore(bot))
      .send({ type: ActivityTypes.ConversationUpdate, membersAdded: [user] })
      .assertReply(WELCOME)
      .assertReply(mainMenu())
      .send('olohuone')
      .assertReply(livingRoomMenu())
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('is not repeated when the resident says hello again', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('hei')
      .assertReply(mainMenu('menu.prompt'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('is also sent when Web Chat says it joined, and only once', async () => {
    const bot = testBot();
    await bot.adapter
      .send({ type: ActivityTypes.Event, name: 'webchat/join' })
      .assertReply(WELCOME)
      .assertReply(mainMenu())
      .send({ type: ActivityTypes.Event, name: 'webchat/join' })
      .then(saidNothingMore(bot))
      .send(t('menu.choice.livingRoom'))
      .assertReply(livingRoomMenu())
      .startTest();
  });
});

describe('picking a branch from the main menu', () => {
  it.each(['menu.choice.matter', '1'])('the matter branch by "%s" asks for the matter in the resident\'s own words', async (answer) => {
    const bot = testBot();
    await welcomed(bot)
      .send(answer === '1' ? '1' : t('menu.choice.matter'))
      .assertReply(t('triage.ask'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('the callback branch by its button starts a callback request', async () => {
    const bot = testBot();
    await welcomed(bot).send(t('menu.choice.callback')).assertReply(t('callback.intro')).assertReply(t('callback.askMatter')).then(saidNothingMore(bot)).startTest();
  });

  it.each([t('menu.choice.suggestion'), 'aloite', '4'])('the suggestion branch by "%s" asks for the idea', async (answer) => {
    const bot = testBot();
    await welcomed(bot).send(answer).assertReply(t('suggestion.ask')).then(saidNothingMore(bot)).startTest();
  });

  it.each([t('menu.choice.livingRoom'), '3', 'olohuone', 'Olohuone', 'olkkari'])('the living room by "%s"', async (answer) => {
    const bot = testBot();
    await welcomed(bot).send(answer).assertReply(livingRoomMenu()).then(saidNothingMore(bot)).startTest();
  });

  it('the living room says whether it is open now (fixed clock: Tuesday 10.00, open until 15)', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('olohuone')
      .assertReply((reply) => {
        expect(reply.text).toContain('Olohuone on nyt auki. Se menee kiinni tänään klo 15.');
        expect(reply.text).toContain(t('livingRoom.prompt'));
      })
      .startTest();
  });

  it('the living room is closed in the evening and says when it opens', async () => {
    const evening = new Date('2026-11-24T19:00:00+02:00');
    const bot = testBot({ clock: () => evening });
    await welcomed(bot)
      .send('olohuone')
      .assertReply((reply) => expect(reply.text).toContain('Olohuone on nyt kiinni. Se aukeaa huomenna klo 9.'))
      .startTest();
  });

  it('inside the living room: a topic, then "Haluatko tietää jotain muuta…", then back to the main menu', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('3')
      .assertReply(livingRoomMenu())
      .send(t('livingRoom.choice.hours'))
      .assertReply(livingRoomTexts.hours(NOW))
      .assertReply(livingRoomMore())
      .send('tapahtumat')
      .assertReply(livingRoomTexts.events(NOW))
      .assertReply(livingRoomMore())
      .send('ohjelma')
      .assertReply(livingRoomTexts.weeklyProgram())
      .assertReply(livingRoomMore())
      .send(t('livingRoom.choice.back'))
      .assertReply(mainMenu('menu.again'))
      .then(saidNothingMore(bot))
      .startTest();
  });
});

describe('a matter that happens to hold a button\'s word', () => {
  const serviceCard = (service: ServiceId) => (reply: Partial<Activity>) => expect(reply.attachments?.[0]?.content).toMatchObject({ title: finnish().services.get(service).name });

  // "auki" is a synonym of the living room's button, "soita" of the callback's and "palaute" of the suggestion's:
  // inside a matter plainly about Kela, they must not open those branches.
  it.each(['onko kelan toimisto auki huomenna', 'kela ei soita minulle takaisin', 'minulla olisi palaute kelan palvelusta'])(
    'typed at the menu, "%s" is triaged as the matter it is',
    async (matter) => {
      const bot = testBot();
      await welcomed(bot)
        .send(matter)
        .assertReply(t('triage.found'))
        .assertReply(serviceCard('kela'))
        .assertReply((reply) => expect(reply.text).toBe(t('triage.didItHelp')))
        .then(saidNothingMore(bot))
        .startTest();
    },
  );

  it('as the first message, too', async () => {
    const bot = testBot();
    await bot.adapter
      .send('onko kelan toimisto auki huomenna')
      .assertReply(WELCOME)
      .assertReply(t('triage.found'))
      .assertReply(serviceCard('kela'))
      .assertReply((reply) => expect(reply.text).toBe(t('triage.didItHelp')))
      .startTest();
  });

  it('while a longer message about the living room itself still opens the living room', async () => {
    const bot = testBot();
    await welcomed(bot).send('milloin olohuone on auki tänään').assertReply(livingRoomMenu()).then(saidNothingMore(bot)).startTest();
  });
});

describe('a first message that names a branch', () => {
  it('goes straight to the living room after the welcome', async () => {
    const bot = testBot();
    await bot.adapter
      .send('Milloin olohuone on auki?')
      .assertReply(WELCOME)
      .assertReply(livingRoomMenu())
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('goes straight to the suggestion branch after the welcome', async () => {
    const bot = testBot();
    await bot.adapter
      .send('Haluaisin jättää aloitteen')
      .assertReply(WELCOME)
      .assertReply(t('suggestion.ask'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('that does not name a branch gets the welcome and the menu', async () => {
    const bot = testBot();
    await bot.adapter.send('Hyvää päivää').assertReply(WELCOME).assertReply(mainMenu()).then(saidNothingMore(bot)).startTest();
  });

  it('a number inside a first message does not pick a branch (the resident has not seen the menu yet): the message is the matter', async () => {
    const bot = testBot();
    await bot.adapter
      .send('Kela ei ole maksanut 2 kuukauteen')
      .assertReply(WELCOME)
      .assertReply(t('triage.found'))
      .assertReply((reply) => expect(reply.attachments?.[0]?.content).toMatchObject({ title: finnish().services.get('kela').name }))
      .assertReply((reply) => expect(reply.text).toBe(t('triage.didItHelp')))
      .then(saidNothingMore(bot))
      .startTest();
  });
});

describe('an answer the menu does not understand', () => {
  it('gets the retry prompt, and from the second miss on also the desk phone number', async () => {
    const bot = testBot();
    const phoneLine = t('prompt.tooManyTries', { phone: desk.phone });
    // Words at the main menu are the resident's matter; an answer with no words is not understood.
    await welcomed(bot)
      .send('99')
      .assertReply(mainMenu('menu.retry'))
      .then(saidNothingMore(bot))
      .send('???')
      .assertReply((reply) => {
        expect(reply.text).toBe(phoneLine);
        expect(reply.text).toContain(desk.phone);
      })
      .assertReply(mainMenu('menu.retry'))
      .send('0')
      .assertReply(phoneLine)
      .assertReply(mainMenu('menu.retry'))
      .send('olohuone')
      .assertReply(livingRoomMenu())
      .startTest();
  });

  it('inside the living room too', async () => {
    const bot = testBot();
    await inLivingRoom(bot)
      .send('banaani')
      .assertReply((reply) => {
        expect(reply.text).toBe(t('menu.retry'));
        expect(buttonsOf(reply)).toEqual(LIVING_ROOM_LABELS);
      })
      .send('kurkku')
      .assertReply(t('prompt.tooManyTries', { phone: desk.phone }))
      .assertReply(t('menu.retry'))
      .startTest();
  });
});

describe('whatever the client says its locale is', () => {
  it('an activity with locale en-US still gets Finnish prompts and Finnish choice recognition', async () => {
    const bot = testBot();
    const english = (text: string): Partial<Activity> => ({ type: ActivityTypes.Message, text, locale: 'en-US' });
    await bot.adapter
      .send(english('hello'))
      .assertReply(WELCOME)
      .assertReply((reply) => {
        mainMenu()(reply);
        expect(reply.locale).toBe('fi-fi');
      })
      .send(english('3'))
      .assertReply(livingRoomMenu())
      .send(english('takaisin'))
      .assertReply(mainMenu('menu.again'))
      .startTest();
  });
});

describe('what the resident types is checked first', () => {
  it('a personal identity code is removed from the text before the bot sees or stores it, and the resident is told so', async () => {
    const bot = testBot();
    await bot.adapter
      .send('hei')
      .assertReply(WELCOME)
      .assertReply(mainMenu())
      .send('olohuone, hetuni on 131052-308T')
      .assertReply(t('privacy.personalIdRemoved'))
      .assertReply(livingRoomMenu())
      .then(() => {
        expect(bot.seen).toEqual(['hei', 'olohuone, hetuni on [personal-id]']);
        expect(bot.storage.writes.length).toBeGreaterThan(0);
        expect(bot.storage.writes.join('\n')).not.toContain('131052');
      })
      .startTest();
  });

  it.each([
    ['an account number', 'olohuone, tilini on FI49 5000 9420 0287 30', 'olohuone, tilini on [iban]', '5000 9420'],
    ['a card number', 'olohuone, kortti 4111 1111 1111 1111', 'olohuone, kortti [card]', '4111 1111'],
  ])('%s is removed before the bot sees or stores it, and the resident is told so', async (_kind, typed, seen, secret) => {
    const bot = testBot();
    await welcomed(bot)
      .send(typed)
      .assertReply(t('privacy.sensitiveRemoved'))
      .assertReply(livingRoomMenu())
      .then(() => {
        expect(bot.seen).toEqual(['hei', seen]);
        expect(bot.storage.writes.join('\n')).not.toContain(secret);
      })
      .startTest();
  });

  it(`a message over ${MAX_MESSAGE_CHARS} characters gets the "too long" reply and goes no further`, async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('a'.repeat(3000))
      .assertReply(t('input.tooLong', { max: MAX_MESSAGE_CHARS }))
      .then(saidNothingMore(bot))
      .send('olohuone')
      .assertReply(livingRoomMenu())
      .then(() => expect(bot.seen).toEqual(['hei', 'olohuone']))
      .startTest();
  });

  it('a too-long first message gets only the "too long" reply; the welcome comes with the next message', async () => {
    const bot = testBot();
    await bot.adapter
      .send('olohuone '.repeat(400))
      .assertReply('Viestisi on liian pitkä. Kirjoita lyhyemmin, enintään 2000 merkkiä.')
      .then(saidNothingMore(bot))
      .send('hei')
      .assertReply(WELCOME)
      .assertReply(mainMenu())
      .startTest();
  });

  it.each(['', '   ', '\n\t'])('an empty message (%j) gets the polite empty reply', async (text) => {
    const bot = testBot();
    await welcomed(bot)
      .send(text)
      .assertReply('Viestisi oli tyhjä. Kirjoita viesti tai valitse napista.')
      .then(saidNothingMore(bot))
      .send('3')
      .assertReply(livingRoomMenu())
      .startTest();
  });

  it('a message with only an attachment is told that only text is understood', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send({ type: ActivityTypes.Message, attachments: [{ contentType: 'image/png', contentUrl: 'https://example.fi/kuva.png' }] })
      .assertReply(t('input.notText'))
      .then(saidNothingMore(bot))
      .startTest();
  });
});
