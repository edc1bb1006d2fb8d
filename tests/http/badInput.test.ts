import { buttons, message, postActivity, startBot, texts, type RunningBot } from '../support/botTestKit';
import { finnish } from '../support/botTestKit';

const noStackTrace = (body: unknown) => expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);

describe('bad input on POST /api/messages', () => {
  let bot: RunningBot;
  const { t } = finnish().messages;

  beforeAll(async () => {
    bot = await startBot({ configOverrides: { MAX_BODY_BYTES: '4096', MAX_MESSAGE_CHARS: '2000' } });
    // A bystander conversation, left in the middle of the living-room dialog, must not be disturbed by any of this.
    await bot.send(message('bystander', 'hei'));
    await bot.send(message('bystander', 'olohuone'));
  });
  afterAll(async () => {
    // The bystander carries on exactly where it was.
    const { replies } = await bot.send(message('bystander', 'aukioloajat'));
    expect(texts(replies).join('\n')).toContain(t('livingRoom.hoursTitle'));
    expect(buttons(replies)).toContain(t('livingRoom.choice.back'));
    await bot.stop();
  });

  it('answers invalid JSON with 400 and no stack trace', async () => {
    const { status, body } = await postActivity(bot.url, undefined, { rawBody: '{"type": "message", "text": ' });
    expect(status).toBe(400);
    noStackTrace(body);
  });

  it('answers a body over the size limit with 413', async () => {
    const { status, body } = await postActivity(bot.url, message('big-body', 'x'.repeat(5000)));
    expect(status).toBe(413);
    noStackTrace(body);
  });

  it.each([
    ['no conversation', { type: 'message', text: 'hei', deliveryMode: 'expectReplies' }, /conversation/],
    ['no type', { text: 'hei', deliveryMode: 'expectReplies', conversation: { id: 'x' } }, /type/],
    ['an empty conversation id', { type: 'message', text: 'hei', deliveryMode: 'expectReplies', conversation: { id: '' } }, /conversation\.id/],
    ['a JSON array', [{ type: 'message' }], /JSON object/],
    ['a JSON string', 'hei', /JSON object/],
    ['a number as text', { ...message('typed', 'x'), text: 42 }, /text/],
  ])('answers an activity with %s with 400 and says what is wrong', async (_name, activity, reason) => {
    const { status, body } = await postActivity(bot.url, activity);
    expect(status).toBe(400);
    expect((body as { error: string }).error).toMatch(reason);
    noStackTrace(body);
  });

  it('answers a body that is not JSON at all with 400', async () => {
    const { status, body } = await postActivity(bot.url, undefined, { rawBody: 'hei botti', contentType: 'text/plain' });
    expect(status).toBe(400);
    noStackTrace(body);
  });

  it('answers an empty message politely in Finnish', async () => {
    const { status, replies } = await bot.send(message('empty', ''));
    expect(status).toBe(200);
    expect(texts(replies)).toEqual([t('input.empty')]);
  });

  it('answers 10 000 characters of text with the length limit, in Finnish', async () => {
    const limited = await startBot({ configOverrides: { MAX_MESSAGE_CHARS: '2000' } });
    try {
      const { status, replies } = await limited.send(message('long', 'a'.repeat(10_000)));
      expect(status).toBe(200);
      expect(texts(replies)).toEqual([t('input.tooLong', { max: 2000 })]);
    } finally {
      await limited.stop();
    }
  });

  it('handles emoji and Swedish letters like any other text', async () => {
    const { status, replies } = await bot.send(message('swedish', 'Hej! Jag behöver hjälp 😊 åäö ÅÄÖ'));
    expect(status).toBe(200);
    expect(texts(replies).join('\n')).toContain(t('welcome.greeting'));
    const next = await bot.send(message('swedish', '👍🏽🤷‍♀️'));
    expect(next.status).toBe(200);
    expect(texts(next.replies)).toContain(t('menu.retry'));
  });

  it('refuses, without credentials, to send replies to a service URL on another machine', async () => {
    const { status, body } = await postActivity(bot.url, { ...message('ssrf', 'hei'), deliveryMode: 'normal', serviceUrl: 'http://198.51.100.7/' });
    expect(status).toBe(403);
    noStackTrace(body);
  });

  it('answers other methods and paths with 405 and 404', async () => {
    expect((await fetch(`${bot.url}/api/messages`)).status).toBe(405);
    expect((await fetch(`${bot.url}/nothing-here`)).status).toBe(404);
  });
});
