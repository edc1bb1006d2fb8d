import { ActivityHandler } from 'botbuilder';
import { message, startBot } from '../support/botTestKit';

describe('health, readiness and graceful shutdown', () => {
  it('/healthz and /readyz answer 200 when Redis is reachable', async () => {
    const bot = await startBot();
    try {
      const health = await fetch(`${bot.url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${bot.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok' } });
    } finally {
      await bot.stop();
    }
  });

  it('lets a turn in progress finish on shutdown, then closes Redis and takes no new requests', async () => {
    let release!: () => void;
    const turnStarted = new Promise<void>((started) => {
      release = started;
    });
    const bot = await startBot({
      createBot: () => {
        const slow = new ActivityHandler();
        slow.onMessage(async (context, next) => {
          release();
          await new Promise((resolve) => setTimeout(resolve, 400));
          await context.sendActivity(`valmis: ${context.activity.text}`);
          await next();
        });
        return slow;
      },
    });
    const inFlight = bot.send(message('slow', 'hidas'));
    await turnStarted;
    const closing = bot.stop();
    const { status, replies } = await inFlight;
    await closing;

    expect(status).toBe(200);
    expect(replies.map((reply) => reply.text)).toEqual(['valmis: hidas']);
    await expect(fetch(`${bot.url}/healthz`)).rejects.toThrow();
  });
});
