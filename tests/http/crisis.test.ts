import { capturingLogger, finnish, message, startBot, startBotWithoutRedis, texts } from '../support/botTestKit';

const { t } = finnish().messages;
const urgent = (id: string) => finnish().urgent.get(id)!.phone;

describe('a crisis, in any dialog, before anything else', () => {
  it('answers at once with 112 and the crisis helpline, then lets the dialog in progress carry on', async () => {
    const { logger, lines } = capturingLogger('info');
    const bot = await startBot({ logger });
    try {
      await bot.send(message('crisis-1', 'hei'));
      await bot.send(message('crisis-1', 'olohuone'));
      const { status, replies } = await bot.send(message('crisis-1', 'en jaksa enää elää'));
      expect(status).toBe(200);
      const said = texts(replies);
      expect(said[0]).toBe(t('crisis.intro'));
      expect(said.join('\n')).toContain(urgent('hatanumero'));
      expect(said.join('\n')).toContain(urgent('kriisipuhelin'));
      expect(said.join('\n')).toContain(finnish().desk.phone);
      expect(said.join('\n')).not.toContain(urgent('myrkytystietokeskus'));

      // The living-room question is still waiting for its answer.
      const next = await bot.send(message('crisis-1', 'ryhmät'));
      expect(texts(next.replies).join('\n')).toContain(t('livingRoom.groupsTitle'));

      const logged = lines().join('\n');
      expect(logged).toContain('crisis reply shown');
      expect(logged).toContain('selfHarm');
      expect(logged).not.toMatch(/jaksa/);
    } finally {
      await bot.stop();
    }
  });

  it('adds the Poison Information Centre for poisoning', async () => {
    const bot = await startBot();
    try {
      const { replies } = await bot.send(message('crisis-2', 'lapsi söi lääkkeitä'));
      expect(texts(replies)).toContain(t('crisis.poison', { phone: urgent('myrkytystietokeskus') }));
      expect(texts(replies).join('\n')).toContain(urgent('hatanumero'));
    } finally {
      await bot.stop();
    }
  });

  it('does not raise the alarm for an everyday idiom', async () => {
    const bot = await startBot();
    try {
      await bot.send(message('idiom', 'hei'));
      const { replies } = await bot.send(message('idiom', 'tapan aikaa olohuoneessa'));
      expect(texts(replies)).not.toContain(t('crisis.intro'));
    } finally {
      await bot.stop();
    }
  });

  it('answers even while Redis is down: the crisis reply needs no state', async () => {
    const bot = await startBotWithoutRedis();
    try {
      const { status, replies } = await bot.send(message('crisis-no-redis', 'mies uhkaa tappaa mut'));
      expect(status).toBe(200);
      expect(texts(replies)[0]).toBe(t('crisis.intro'));
      expect(texts(replies)).not.toContain(t('error.apology'));
    } finally {
      await bot.stop();
    }
  });
});
