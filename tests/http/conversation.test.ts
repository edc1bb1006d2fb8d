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

  const storedText = async () => {
    const keys = await keysWithPrefix(redis, bot.config.REDIS_KEY_PREFIX);
    return (await Promise.all(keys.map(async (key) => ((await redis.type(key)) === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '')))).join('\n');
  };

  it('keeps no free text of menu answers in its state', async () => {
    await bot.send(message('no-free-text', 'hei'));
    await bot.send(message('no-free-text', 'olohuone, soita 050 111 2222'));
    await bot.send(message('no-free-text', 'hetu 131052-308T'));
    const stored = await storedText();
    expect(stored).toContain('livingRoom.topic');
    expect(stored).not.toMatch(/2222|131052|soita/);
  });

  it('keeps the matter in the resident\'s own words only while the triage needs it', async () => {
    await bot.send(message('matter-kept', 'Moi, mun numero on 040 765 4321 ja kela ei oo maksanu'));
    expect(await storedText()).toContain('kela ei oo maksanu');
    const { replies } = await bot.send(message('matter-kept', 'Tämä auttoi'));
    expect(texts(replies)).toContain('Hienoa, että tästä oli apua!');
    expect(await storedText()).not.toMatch(/4321|kela ei oo/);
  });
});
