import { buttons, message, startBot, texts, type RunningBot } from '../support/botTestKit';
import { connectTestRedis, keysWithPrefix } from '../support/testRedis';

describe('a conversation over POST /api/messages with expectReplies', () => {
  let bot: RunningBot;
  const redis = connectTestRedis();
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(async () => {
    await bot.stop();
    await redis.quit();
  });

  it('greets as an automated assistant, warns about the identity code and offers the main menu as buttons', async () => {
    const { status, replies } = await bot.send(message('welcome-1', 'hei'));
    expect(status).toBe(200);
    const said = texts(replies).join('\n');
    expect(said).toContain('Apu ku apu');
    expect(said).toMatch(/automaattinen avustaja/);
    expect(said).toMatch(/henkilötunnus/);
    expect(buttons(replies)).toEqual(['Kerro asiasi', 'Pyydä soittoa', 'Olohuone ja aukioloajat', 'Jätä aloite']);
  });

  it('keeps no free text the resident typed in its state: not the first message, not a menu answer', async () => {
    await bot.send(message('no-free-text', 'Moi, mun numero on 040 765 4321 ja kela ei oo maksanu'));
    await bot.send(message('no-free-text', 'olohuone, soita 050 111 2222'));
    await bot.send(message('no-free-text', 'hetu 131052-308T'));
    const keys = await keysWithPrefix(redis, bot.config.REDIS_KEY_PREFIX);
    const stored = (await Promise.all(keys.map(async (key) => ((await redis.type(key)) === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '')))).join('\n');
    expect(stored).toContain('dialogState');
    expect(stored).not.toMatch(/4321|2222|kela ei oo|131052/);
  });
});
