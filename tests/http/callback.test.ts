import { CallbackStore } from '../../services/callbacks/callbackStore';
import { connectTestRedis } from '../support/testRedis';
import { finnish, message, startBot, texts } from '../support/botTestKit';

const { t } = finnish().messages;

describe('a callback request through POST /api/messages, stored in the real Redis', () => {
  it('is filed for a channel whose conversation ids are long (Teams-like), with one request per confirmation', async () => {
    const bot = await startBot();
    const redis = connectTestRedis();
    try {
      const conversation = `a:${'x'.repeat(300)}`;
      const answers = ['hei', t('menu.choice.callback'), 'velat kasvaa', '040 123 4567', 'kyllä', 'heti', 'Ohita'];
      for (const text of answers) await bot.send(message(conversation, text));
      const saved = await bot.send(message(conversation, 'kyllä'));
      const ref = /AKA-\d{4}-\d{6}/.exec(texts(saved.replies).join('\n'))?.[0];
      expect(ref).toBeDefined();
      expect(texts(saved.replies)).toContain(t('callback.saved', { ref: ref! }));

      const store = new CallbackStore(redis, { prefix: bot.config.REDIS_KEY_PREFIX });
      expect(await store.get(ref!)).toMatchObject({ summary: 'velat kasvaa', phone: '+358401234567', channel: 'test' });
      expect(await store.queue()).toEqual([ref]);
    } finally {
      await redis.quit();
      await bot.stop();
    }
  });
});
