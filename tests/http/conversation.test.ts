import { buttons, message, startBot, texts, type RunningBot } from '../support/botTestKit';

describe('a conversation over POST /api/messages with expectReplies', () => {
  let bot: RunningBot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(async () => {
    await bot.stop();
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
});
