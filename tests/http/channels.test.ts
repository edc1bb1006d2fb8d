import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finnish, message, postActivity, startBot } from '../support/botTestKit';

/** A stand-in for the Bot Framework Emulator's connector: records the activities the bot posts back to it. */
async function startEmulatorConnector(): Promise<{ url: string; received: { path: string; body: { type: string; text?: string } }[]; server: Server }> {
  const received: { path: string; body: { type: string; text?: string } }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(raw || '{}') as { type: string; text?: string } });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

describe('channels', () => {
  it('like the Emulator, without credentials: replies are posted back to a connector on this machine', async () => {
    const connector = await startEmulatorConnector();
    const bot = await startBot();
    try {
      const { status } = await postActivity(bot.url, { ...message('emulator-1', 'hei'), channelId: 'emulator', deliveryMode: 'normal', serviceUrl: connector.url });
      expect(status).toBe(200);
      const texts = connector.received.map((entry) => entry.body.text ?? '');
      expect(texts.join('\n')).toContain(finnish().messages.t('welcome.greeting'));
      expect(texts).toContain(finnish().messages.t('menu.prompt'));
      expect(connector.received.every((entry) => entry.path.startsWith('/v3/conversations/emulator-1/activities'))).toBe(true);
    } finally {
      await bot.stop();
      connector.server.close();
    }
  });

  describe('with MicrosoftAppId set, every request must carry a valid Bot Framework token', () => {
    const credentials = { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret' };

    it.each([
      ['no Authorization header', undefined],
      ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ])('refuses a request with %s with 401, without a stack trace', async (_name, authorization) => {
      const bot = await startBot({ configOverrides: credentials });
      try {
        const response = await fetch(`${bot.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify(message('secured', 'hei')),
        });
        expect(response.status).toBe(401);
        expect(await response.text()).not.toMatch(/\n\s+at |node_modules/);
      } finally {
        await bot.stop();
      }
    });
  });
});
