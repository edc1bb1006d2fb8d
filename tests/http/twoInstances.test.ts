import { ActivityHandler, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type Redis from 'ioredis';
import type { Config } from '../../bot/config';
import type { TurnLock } from '../../services/locks/turnLock';
import { RedisStorage } from '../../services/storage/redisStorage';
import { buttons, finnish, message, startBot, testConfig, texts, type RunningBot } from '../support/botTestKit';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/testRedis';

/**
 * The turn-safety requirement: two bot instances sharing one Redis get messages of the same conversation at
 * the same moment, and neither update is lost.
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads a counter from the conversation state, waits a little (to widen the race), increments it and says the new value. */
class CountingBot extends ActivityHandler {
  private readonly count: StatePropertyAccessor<number>;

  constructor(private readonly conversationState: ConversationState) {
    super();
    this.count = conversationState.createProperty<number>('count');
    this.onMessage(async (context, next) => {
      const current = await this.count.get(context, 0);
      await sleep(15);
      const updated = current + 1;
      await this.count.set(context, updated);
      await context.sendActivity(String(updated));
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context);
  }
}

/** A lock that does not lock: what the bot would be without the turn lock. */
const noLock: TurnLock = { runExclusive: (_key, work) => work() };

describe('two bot instances sharing one Redis', () => {
  const running: RunningBot[] = [];
  const configs: Config[] = [];
  let redis: Redis;

  /** Two instances of the bot with the same configuration (so the same Redis key prefix), each with its own Redis connection. */
  async function startTwoInstances(parts: Parameters<typeof startBot>[0] = {}): Promise<[RunningBot, RunningBot]> {
    const config = testConfig({ TURN_LOCK_WAIT_MS: '15000' });
    configs.push(config);
    const first = await startBot({ ...parts, config });
    running.push(first);
    const second = await startBot({ ...parts, config });
    running.push(second);
    return [first, second];
  }

  /** The counter as stored in Redis for one conversation (0 when there is no state). */
  async function storedCount(config: Config, conversationId: string): Promise<number> {
    const storage = new RedisStorage(redis, { prefix: config.REDIS_KEY_PREFIX, ttlSeconds: config.STATE_TTL_SECONDS });
    const key = `test/conversations/${conversationId}/`;
    const { [key]: state } = await storage.read([key]);
    return (state as { count?: number } | undefined)?.count ?? 0;
  }

  /** Sends `count` messages of one conversation all at once, alternating between the instances. */
  async function fireConcurrently(instances: RunningBot[], conversationId: string, count: number) {
    return Promise.all(Array.from({ length: count }, (_, index) => instances[index % instances.length]!.send(message(conversationId, `viesti ${index + 1}`))));
  }

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await Promise.all(running.map((bot) => bot.stop()));
    for (const config of configs) await deleteKeysWithPrefix(redis, config.REDIS_KEY_PREFIX);
    await redis.quit();
  });

  it('handle 10 simultaneous messages of one conversation without losing an update', async () => {
    const instances = await startTwoInstances({ createBot: ({ conversationState }) => new CountingBot(conversationState) });
    expect(instances[0].config.REDIS_KEY_PREFIX).toBe(instances[1].config.REDIS_KEY_PREFIX);

    const responses = await fireConcurrently(instances, 'counted', 10);

    for (const { status, replies } of responses) {
      expect(status).toBe(200);
      expect(replies).toHaveLength(1);
    }
    const said = responses.flatMap(({ replies }) => texts(replies)).map(Number);
    expect([...said].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await storedCount(instances[0].config, 'counted')).toBe(10);

    // Both instances see the same state afterwards.
    const next = await instances[1].send(message('counted', 'vielä yksi'));
    expect(texts(next.replies)).toEqual(['11']);
  });

  it('control: the same scenario without the turn lock loses updates (so the test above can detect the problem)', async () => {
    const instances = await startTwoInstances({ lock: noLock, createBot: ({ conversationState }) => new CountingBot(conversationState) });

    const responses = await fireConcurrently(instances, 'unlocked', 10);

    for (const { status } of responses) expect(status).toBe(200);
    expect(await storedCount(instances[0].config, 'unlocked')).toBeLessThan(10);
    const said = responses.flatMap(({ replies }) => texts(replies)).map(Number);
    expect([...said].sort((a, b) => a - b)).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('carry on one conversation of the real help-desk bot, messages alternating between them, exactly as one instance would', async () => {
    const { t } = finnish().messages;
    // Wednesday 11 March 2026, 10:00 in Helsinki: the same "now" for every instance.
    const clock = () => new Date('2026-03-11T10:00:00+02:00');
    const [a, b] = await startTwoInstances({ clock });
    const steps = ['hei', '3', 'aukioloajat', 'takaisin'];

    const alternating = [];
    for (const [index, text] of steps.entries()) alternating.push(await [a, b][index % 2]!.send(message('alternating', text)));
    const single = [];
    for (const text of steps) single.push(await a.send(message('single', text)));

    for (const response of [...alternating, ...single]) expect(response.status).toBe(200);
    expect(alternating.map(({ replies }) => texts(replies))).toEqual(single.map(({ replies }) => texts(replies)));
    expect(alternating.map(({ replies }) => buttons(replies))).toEqual(single.map(({ replies }) => buttons(replies)));

    const [greeting, livingRoom, hours, back] = alternating.map(({ replies }) => texts(replies).join('\n'));
    expect(greeting).toContain(t('welcome.greeting'));
    expect(greeting).toContain(t('menu.prompt'));
    expect(livingRoom).toContain(t('livingRoom.prompt'));
    expect(buttons(alternating[1]!.replies)).toEqual(['Aukioloajat', 'Viikon ohjelma', 'Pyykki, suihku ja ompelu', 'Ryhmät', 'Tapahtumat', 'Takaisin']);
    expect(hours).toContain(t('livingRoom.hoursTitle'));
    expect(hours).toContain(t('livingRoom.more'));
    expect(texts(alternating[3]!.replies)).toEqual([t('menu.again')]);
    expect(back).toBe('Voinko auttaa vielä jossain muussa?');
    expect(buttons(alternating[3]!.replies)).toEqual(['Kerro asiasi', 'Pyydä soittoa', 'Olohuone ja aukioloajat', 'Jätä aloite']);
  });
});
