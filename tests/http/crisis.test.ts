import { join } from 'node:path';
import { SERVICE_IDS } from '../../services/directory/directory';
import { defaultLocalesDir } from '../../services/locales/locale';
import { DEFAULT_THRESHOLDS } from '../../services/triage/triage';
import { buildTriage } from '../../services/triage/triageData';
import type Redis from 'ioredis';
import { CallbackStats } from '../../services/callbacks/stats';
import { connectTestRedis } from '../support/testRedis';
import { capturingLogger, finnish, message, startBot, startBotWithoutRedis, texts } from '../support/botTestKit';

const { t } = finnish().messages;
const urgent = (id: string) => finnish().urgent.get(id)!.phone;

let redis: Redis;
beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  await redis.quit();
});

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
      // Counted for the anonymous statistics: the kind and the week, nothing of what was said.
      const stats = new CallbackStats(redis, { prefix: bot.config.REDIS_KEY_PREFIX });
      let week = (await stats.report({ weeks: 1, now: new Date() })).weeks[0];
      for (let tries = 0; week?.crisisReplies !== 1 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        week = (await stats.report({ weeks: 1, now: new Date() })).weeks[0];
      }
      expect(week?.crisisRepliesByKind.selfHarm).toBe(1);
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

  it('adds a short safety note for a weaker sign, and still answers the matter', async () => {
    // Thresholds set so that every told matter carries a weak sign and none a sure one: the mechanism, not the figures.
    const triage = buildTriage(join(defaultLocalesDir(), 'fi'), SERVICE_IDS, { ...DEFAULT_THRESHOLDS, crisis: 2, caution: 0 });
    const bot = await startBot({ triage });
    try {
      await bot.send(message('caution', 'hei'));
      const { replies } = await bot.send(message('caution', 'kela ei oo maksanu mun asumistukea'));
      const said = texts(replies);
      expect(said[0]).toBe(t('crisis.caution', { phone: urgent('hatanumero') }));
      expect(said[1]).toBe(t('crisis.helpline', { phone: urgent('kriisipuhelin') }));
      expect(said).not.toContain(t('crisis.intro'));
      // The matter is answered in the same turn: the service card follows the note.
      expect(JSON.stringify(replies.slice(2))).toContain(finnish().services.get('kela')!.name);

      // A short answer to a question is not a matter told: no note.
      const short = await bot.send(message('caution', 'jokin muu'));
      expect(texts(short.replies)).not.toContain(t('crisis.caution', { phone: urgent('hatanumero') }));
    } finally {
      await bot.stop();
    }
  });

  it('offers an urgent callback as a button, and a callback request in progress carries on after the crisis reply', async () => {
    const bot = await startBot();
    try {
      await bot.send(message('crisis-callback', 'hei'));
      await bot.send(message('crisis-callback', t('menu.choice.callback')));
      await bot.send(message('crisis-callback', 'asunto'));
      const crisis = await bot.send(message('crisis-callback', 'mies uhkaa tappaa mut'));
      const last = crisis.replies[crisis.replies.length - 1]!;
      expect(last.suggestedActions?.actions.map((action) => action.title)).toEqual([t('crisis.choice.urgentCallback')]);
      // The phone question is still waiting for its answer.
      const next = await bot.send(message('crisis-callback', '040 123 4567'));
      expect(texts(next.replies)).toContain(t('callback.confirmPhone', { phone: '040 123 4567' }));
    } finally {
      await bot.stop();
    }
  });

  it('takes an answer of time in the callback dialog for what it is, not for a crisis', async () => {
    const bot = await startBot();
    try {
      for (const text of ['hei', t('menu.choice.callback'), 'vuokra on rästissä', '040 123 4567', 'kyllä']) await bot.send(message('time-answer', text));
      const { replies } = await bot.send(message('time-answer', 'huomenna kahden jälkeen'));
      expect(texts(replies)).not.toContain(t('crisis.intro'));
      expect(texts(replies)).not.toContain(t('crisis.caution', { phone: urgent('hatanumero') }));
      expect(texts(replies)).toContain(t('callback.askName'));
    } finally {
      await bot.stop();
    }
  });
});
