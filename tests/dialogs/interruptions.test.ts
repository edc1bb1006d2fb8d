import type { Activity, TestFlow } from 'botbuilder';
import {
  DESK_LINE,
  LIVING_ROOM_FIRST_QUESTION,
  NOW,
  WELCOME,
  inLivingRoom,
  livingRoomMenu,
  livingRoomMore,
  livingRoomTexts,
  mainMenu,
  saidNothingMore,
  t,
  testBot,
  welcomed,
  type TestBot,
} from './conversationKit';

type Inspector = (reply: Partial<Activity>) => void;

/**
 * The places where a resident can interrupt: each starts a fresh conversation, gets to a question and
 * says how that question is asked again.
 */
const places: { name: string; reach: (bot: TestBot) => TestFlow; sameQuestion: Inspector }[] = [
  { name: 'in the main menu', reach: welcomed, sameQuestion: mainMenu('menu.prompt') },
  {
    name: 'in the main menu after a branch ("Voinko auttaa vielä…")',
    reach: (bot) =>
      welcomed(bot)
        .send('aloite')
        .assertReply(t('suggestion.ask'))
        .send('lautapeli-ilta')
        .assertReply(t('suggestion.failed'))
        .assertReply(DESK_LINE)
        .assertReply(mainMenu('menu.again')),
    sameQuestion: mainMenu('menu.again'),
  },
  { name: 'in the living room', reach: inLivingRoom, sameQuestion: livingRoomMenu(LIVING_ROOM_FIRST_QUESTION) },
  {
    name: 'in the living room after a topic',
    reach: (bot) => inLivingRoom(bot).send('Aukioloajat').assertReply(livingRoomTexts.hours(NOW)).assertReply(livingRoomMore()),
    sameQuestion: livingRoomMore(),
  },
];

describe.each(places)('interruptions $name', ({ reach, sameQuestion }) => {
  it.each(['apua', 'ohje', 'Apua!', 'ohjeet?'])('"%s" shows help and re-asks the same question', async (text) => {
    const bot = testBot();
    await reach(bot)
      .send(text)
      .assertReply(t('help.intro'))
      .assertReply(t('help.commands'))
      .assertReply(sameQuestion)
      .then(saidNothingMore(bot))
      .startTest();
  });

  it.each(['ihminen', 'haluun puhua ihmiselle', 'Voisinko puhua ihmisen kanssa?'])('"%s" gives the desk phone number and re-asks', async (text) => {
    const bot = testBot();
    await reach(bot)
      .send(text)
      .assertReply(t('human.intro'))
      .assertReply(DESK_LINE)
      .assertReply(sameQuestion)
      .then(saidNothingMore(bot))
      .startTest();
  });

  it.each(['soittakaa minulle', 'Voitteko soittaa mulle?'])('"%s" starts a callback request at once', async (text) => {
    const bot = testBot();
    await reach(bot)
      .send(text)
      .assertReply(t('callback.intro'))
      .assertReply(t('callback.askMatter'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('the urgent button of a crisis reply starts an urgent callback request', async () => {
    const bot = testBot();
    await reach(bot)
      .send(t('crisis.choice.urgentCallback'))
      .assertReply(t('callback.urgentIntro'))
      .assertReply(t('callback.askMatter'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it.each(['aloitetaan alusta', 'alusta', 'Alusta.', 'aloitetaan alusta!!', 'päävalikko', 'paavalikko'])(
    '"%s" starts again at the main menu ("Miten voin auttaa?")',
    async (text) => {
      const bot = testBot();
      await reach(bot)
        .send(text)
        .assertReply(t('restart.done'))
        .assertReply(mainMenu('menu.prompt'))
        .then(saidNothingMore(bot))
        .send('olohuone')
        .assertReply(livingRoomMenu())
        .startTest();
    },
  );

  it.each(['lopeta', 'Lopeta!', 'kiitos ja hei'])('"%s" ends with a goodbye; the next message shows the menu again without a second welcome', async (text) => {
    const bot = testBot();
    await reach(bot)
      .send(text)
      .assertReply('Kiitos käynnistä! Voit aloittaa uudelleen kirjoittamalla mitä tahansa.')
      .then(saidNothingMore(bot))
      .send('hei taas')
      .assertReply((reply) => {
        expect(reply.text).not.toBe(WELCOME);
        mainMenu('menu.prompt')(reply);
      })
      .then(saidNothingMore(bot))
      .startTest();
  });
});

describe('cancelling ("peruuta")', () => {
  it.each(['peruuta', 'PERUUTA', 'peru', 'keskeyta'])('"%s" ends the living-room dialog and asks "Voinko auttaa vielä jossain muussa?"', async (text) => {
    const bot = testBot();
    await inLivingRoom(bot)
      .send(text)
      .assertReply(t('cancel.done'))
      .assertReply((reply) => {
        expect(reply.text).toBe('Voinko auttaa vielä jossain muussa?');
        mainMenu('menu.again')(reply);
      })
      .then(saidNothingMore(bot))
      .send('3')
      .assertReply(livingRoomMenu())
      .startTest();
  });

  it('"peruuta" in the main menu also comes back to "Voinko auttaa vielä jossain muussa?"', async () => {
    const bot = testBot();
    await welcomed(bot).send('peruuta').assertReply(t('cancel.done')).assertReply(mainMenu('menu.again')).then(saidNothingMore(bot)).startTest();
  });
});

describe('after an interruption the question still works', () => {
  it('help in the living room, then a topic by its button', async () => {
    const bot = testBot();
    await inLivingRoom(bot)
      .send('apua')
      .assertReply(t('help.intro'))
      .assertReply(t('help.commands'))
      .assertReply(livingRoomMenu())
      .send('Ryhmät')
      .assertReply(livingRoomTexts.groups())
      .assertReply(livingRoomMore())
      .startTest();
  });

  it('an interruption is not counted as a miss: after help, one wrong answer gets only the retry prompt', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('ohje')
      .assertReply(t('help.intro'))
      .assertReply(t('help.commands'))
      .assertReply(mainMenu())
      .send('99')
      .assertReply(mainMenu('menu.retry'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('after "lopeta", a message that names a branch goes straight there', async () => {
    const bot = testBot();
    await inLivingRoom(bot)
      .send('lopeta')
      .assertReply(t('quit.done'))
      .send('olohuone')
      .assertReply(livingRoomMenu())
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('answers "haluun puhua ihmiselle" as the very first message: welcome, the desk number, then the menu', async () => {
    const bot = testBot();
    await bot.adapter
      .send('haluun puhua ihmiselle')
      .assertReply(WELCOME)
      .assertReply(t('human.intro'))
      .assertReply(DESK_LINE)
      .assertReply(mainMenu('menu.prompt'))
      .then(saidNothingMore(bot))
      .startTest();
  });

  it('answers "apua" right after a goodbye with help, then the menu', async () => {
    const bot = testBot();
    await welcomed(bot)
      .send('lopeta')
      .assertReply(t('quit.done'))
      .send('apua')
      .assertReply(t('help.intro'))
      .assertReply(t('help.commands'))
      .assertReply(mainMenu('menu.prompt'))
      .then(saidNothingMore(bot))
      .startTest();
  });
});
