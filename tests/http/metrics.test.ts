import { capturingLogger, finnish, message, startBot, startBotWithoutRedis, texts } from '../support/botTestKit';

const { t } = finnish().messages;

/** One sample's value from Prometheus' text format, e.g. `aka_redis_up 1`. */
function sample(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('counts turns and filed requests, and reports the queue and Redis, in Prometheus text format', async () => {
    const bot = await startBot();
    try {
      for (const text of ['hei', t('menu.choice.callback'), 'velat', '040 123 4567', 'kyllä', 'heti', 'Ohita', 'kyllä']) await bot.send(message('metrics', text));
      const response = await fetch(`${bot.url}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const metrics = await response.text();
      expect(sample(metrics, 'aka_turns_total{channel="test",type="message"}')).toBe(8);
      expect(sample(metrics, 'aka_callback_requests_created_total{urgent="false"}')).toBe(1);
      expect(sample(metrics, 'aka_callback_queue_length')).toBe(1);
      expect(sample(metrics, 'aka_redis_up')).toBe(1);
      expect(sample(metrics, 'aka_turn_duration_seconds_count{channel="test"}')).toBe(8);
      expect(metrics).toContain('aka_process_resident_memory_bytes');
      // Nothing a resident typed becomes a label or a value.
      expect(metrics).not.toMatch(/velat|040 123|358401234567/);
    } finally {
      await bot.stop();
    }
  });

  it('says Redis is down while it is unreachable, and still answers', async () => {
    const bot = await startBotWithoutRedis();
    try {
      const metrics = await (await fetch(`${bot.url}/metrics`)).text();
      expect(sample(metrics, 'aka_redis_up')).toBe(0);
    } finally {
      await bot.stop();
    }
  });
});

describe('the log of a whole conversation', () => {
  it('holds neither the phone number nor the identity code the resident typed', async () => {
    const { logger, lines } = capturingLogger('debug');
    const bot = await startBot({ logger });
    try {
      const said = ['hei', t('menu.choice.callback'), 'hetuni on 131052-308T ja velkaa on', 'mun numero on 040 765 4321', 'kyllä', 'heti', 'Ohita', 'kyllä'];
      const replies: string[] = [];
      for (const text of said) replies.push(...texts((await bot.send(message('log-privacy', text))).replies));
      expect(replies.join('\n')).toMatch(/AKA-\d{4}-\d{6}/);
      const log = lines().join('\n');
      expect(log.length).toBeGreaterThan(0);
      for (const secret of ['131052', '308T', '765 4321', '7654321', '+358407654321']) expect(log).not.toContain(secret);
    } finally {
      await bot.stop();
    }
  });
});
