import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { CallbackStore } from '../../services/callbacks/callbackStore';
import { parseResidentPhone } from '../../services/callbacks/phone';
import { createRedisClient } from '../../services/redis/connection';
import { buttons, capturingLogger, finnish, message, startBot, testConfig, texts, type RunningBot } from '../support/botTestKit';
import { startPrivateRedis, type PrivateRedis } from '../support/redisServer';

/**
 * Issue 7, Redis faults: a redis-server with an fsynced AOF is killed (SIGKILL) in the middle of load and
 * started again on the same port and directory, while the real bot runs in this process (so the test can
 * read its log and time the kill to the moment right after a callback request was stored).
 */

const { t } = finnish().messages;
const desk = finnish().desk;
const APOLOGY = [t('error.apology'), t('error.callDesk', { phone: desk.phone, phoneHours: desk.phoneHours })];
const MATTER = 'kela ei oo maksanu toimeentulotukea';
const REFERENCE = /AKA-\d{4}-\d+/g;
// What an error's detail looks like if it leaks: a stack frame, a source position, an error class or a socket error.
const ERROR_DETAIL = /\n\s*at \S+|\.[jt]s:\d+|\b[A-Z][A-Za-z]*Error\b|ECONN|Connection is closed|max retries/;

const RESIDENTS = 10;

/** up: Redis runs; down: killed and not yet started again; back: answering again (the bot was left alone). */
type Phase = 'up' | 'down' | 'restarting' | 'back';

interface Turn {
  resident: number;
  conversation: string;
  said: string;
  status: number;
  replies: string[];
  buttons: string[];
  body: string;
  startedIn: Phase;
  endedIn: Phase;
}

interface Shown {
  ref: string;
  conversation: string;
  phone: string;
}

interface Conversation {
  resident: number;
  conversation: string;
  startedIn: Phase;
  confirmed: boolean;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Redis killed (SIGKILL) and restarted under load', () => {
  let dataDir: string;
  let redis: PrivateRedis;
  let bot: RunningBot | undefined;
  let checker: Redis | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'apu-redis-faults-'));
    redis = await startPrivateRedis({ aofDir: dataDir });
  });
  afterAll(async () => {
    checker?.disconnect();
    await bot?.stop();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('apologises with the desk number while Redis is down, recovers by itself, and loses no confirmed callback request', async () => {
    const { logger, lines } = capturingLogger('info');
    // The locks of turns cut short by the kill outlive the crash in the AOF until their TTL: a short one lets the
    // interrupted conversation go on soon after the restart (with the default 30 s it would be told to wait).
    const config = testConfig({ TURN_LOCK_TTL_MS: '5000' });
    const prefix = config.REDIS_KEY_PREFIX;
    // The product's own client settings: the bot must reconnect with what it runs with in production.
    const client = createRedisClient(redis.url, logger);
    const store = new CallbackStore(client, { prefix });

    let phase: Phase = 'up';
    let killArmed = false;
    let refAtKill: string | undefined;
    // The real store; once armed, Redis is killed right after a create was acknowledged and before the turn
    // saves its state: the race in which a resident may be shown a reference and then the save fails.
    const callbacks: Pick<CallbackStore, 'create'> = {
      create: async (draft, options) => {
        const created = await store.create(draft, options);
        if (killArmed) {
          killArmed = false;
          refAtKill = created.ref;
          await redis.kill();
          phase = 'down';
        }
        return created;
      },
    };
    bot = await startBot({ config, logger, redis: client, callbacks });
    const { url } = bot;
    const runningBot = bot;

    const turns: Turn[] = [];
    const shown: Shown[] = [];
    const conversations: Conversation[] = [];
    const phones: { typed: string; e164: string; display: string }[] = [];
    let stopLoad = false;

    async function say(resident: number, conversation: string, phone: string, text: string): Promise<Turn> {
      const startedIn = phase;
      const { status, replies, body } = await runningBot.send(message(conversation, text));
      const turn: Turn = {
        resident,
        conversation,
        said: text,
        status,
        replies: texts(replies),
        buttons: buttons(replies),
        body: JSON.stringify(body),
        startedIn,
        endedIn: phase,
      };
      turns.push(turn);
      for (const ref of turn.body.match(REFERENCE) ?? []) shown.push({ ref, conversation, phone });
      return turn;
    }

    /** One whole callback conversation; true when it ended with a reference. Any other answer ends it. */
    async function converse(resident: number, round: number): Promise<boolean> {
      const conversation = `redis-fault-${resident}-${round}`;
      const record: Conversation = { resident, conversation, startedIn: phase, confirmed: false };
      conversations.push(record);
      const typed = `040 ${String(resident).padStart(3, '0')} ${String(round).padStart(4, '0')}`;
      const parsed = parseResidentPhone(typed);
      if (!parsed.ok) throw new Error(`test phone ${typed} is not valid`);
      phones.push({ typed, e164: parsed.e164, display: parsed.display });
      const steps: { text: string; expect: (turn: Turn) => boolean }[] = [
        { text: 'hei', expect: (turn) => turn.replies.some((reply) => reply.startsWith(t('welcome.greeting'))) },
        { text: MATTER, expect: (turn) => turn.replies.includes(t('triage.found')) && turn.buttons.includes(t('triage.choice.callback')) },
        { text: t('triage.choice.callback'), expect: (turn) => turn.replies.includes(t('callback.askPhone')) },
        { text: typed, expect: (turn) => turn.replies.includes(t('callback.confirmPhone', { phone: parsed.display })) },
        { text: t('confirm.yes'), expect: (turn) => turn.replies.includes(t('callback.askTime')) },
        { text: t('callback.choice.asap'), expect: (turn) => turn.replies.includes(t('callback.askName')) },
        { text: t('callback.choice.skipName'), expect: (turn) => turn.replies.includes(t('callback.consentQuestion')) },
        {
          text: t('confirm.yes'),
          expect: (turn) => turn.replies.some((reply) => reply === t('callback.saved', { ref: reply.match(REFERENCE)?.[0] ?? '' })),
        },
      ];
      for (const step of steps) {
        if (stopLoad) return false;
        const turn = await say(resident, conversation, parsed.e164, step.text);
        // An apology (or anything unexpected): this resident starts a new conversation, as a person would.
        if (!step.expect(turn)) return false;
      }
      record.confirmed = true;
      return true;
    }

    const load = Array.from({ length: RESIDENTS }, async (_, resident) => {
      for (let round = 0; !stopLoad; round++) await converse(resident, round);
    });
    const confirmedBy = (resident: number, inPhase: Phase) =>
      conversations.some((c) => c.resident === resident && c.confirmed && c.startedIn === inPhase);
    const everyResident = (check: (resident: number) => boolean) => Array.from({ length: RESIDENTS }, (_, r) => r).every(check);
    const strictlyDown = () => turns.filter((turn) => turn.startedIn === 'down' && turn.endedIn === 'down');

    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const runIdBefore = /run_id:(\w+)/.exec(await client.info('server'))?.[1];
      await waitFor('every resident has a confirmed callback request before the kill', () => everyResident((r) => confirmedBy(r, 'up')), 30_000);

      killArmed = true;
      await waitFor('Redis killed right after a callback request was stored', () => phase === 'down', 15_000);

      // Down: not ready, yet alive; every turn gets the apology with the desk's number.
      const notReady = await fetch(`${url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ status: 'not ready', checks: { redis: 'unreachable' } });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await waitFor('turns answered while Redis is down', () => strictlyDown().length >= RESIDENTS, 30_000);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      phase = 'restarting';
      redis = await redis.restart();
      phase = 'back';

      // Back, without touching the bot: ready by itself, and new conversations are filed again.
      await waitFor('/readyz says ready again', async () => (await fetch(`${url}/readyz`)).status === 200, 20_000);
      await waitFor('every resident files a new callback request after the restart', () => everyResident((r) => confirmedBy(r, 'back')), 30_000);
      stopLoad = true;
      await Promise.all(load);

      // The resident whose confirmation Redis stored just before it was killed (its state save failed) says yes
      // again in the same conversation: the same reference, not a second request.
      const atKill = shown.find((s) => s.ref === refAtKill)!;
      const again = await say(-1, atKill.conversation, atKill.phone, t('confirm.yes'));
      expect(again.replies).toContain(t('callback.saved', { ref: refAtKill! }));

      checker = new Redis(redis.url, { maxRetriesPerRequest: 2 });
      expect(/run_id:(\w+)/.exec(await checker.info('server'))?.[1]).not.toBe(runIdBefore);
      expect(await checker.info('persistence')).toMatch(/aof_enabled:1/);
    } finally {
      stopLoad = true;
      killArmed = false;
      await Promise.allSettled(load);
    }

    // Every turn was answered politely: HTTP 200, no error detail.
    expect(turns.filter((turn) => turn.status !== 200)).toEqual([]);
    expect(turns.filter((turn) => turn.replies.some((reply) => ERROR_DETAIL.test(reply)))).toEqual([]);

    // While Redis was down: exactly the apology and the desk's number, never a confirmation.
    const down = strictlyDown();
    expect(down.length).toBeGreaterThanOrEqual(RESIDENTS);
    for (const turn of down) expect(turn.replies).toEqual(APOLOGY);

    // Confirmations were shown before the kill, at it, and after the restart.
    expect(refAtKill).toBeDefined();
    expect(shown.map((s) => s.ref)).toContain(refAtKill);
    const confirmedBefore = conversations.filter((c) => c.confirmed && c.startedIn === 'up');
    const confirmedAfter = conversations.filter((c) => c.confirmed && c.startedIn === 'back');
    expect(confirmedBefore.length).toBeGreaterThanOrEqual(RESIDENTS);
    expect(confirmedAfter.length).toBeGreaterThanOrEqual(RESIDENTS);

    // Every reference shown to a resident is stored, with that resident's number and time; no reference was
    // given to two conversations, and no conversation was given two.
    const refs = [...new Set(shown.map((s) => s.ref))];
    const conversationsShown = [...new Set(shown.map((s) => s.conversation))];
    expect(new Set(shown.map((s) => `${s.ref} ${s.conversation}`)).size).toBe(refs.length);
    expect(conversationsShown).toHaveLength(refs.length);
    const reader = new CallbackStore(checker!, { prefix });
    for (const { ref, phone } of shown) {
      const stored = await reader.get(ref);
      expect({ ref, stored }).toMatchObject({
        ref,
        stored: { ref, phone, status: 'new', preferredTime: { kind: 'asap', said: t('callback.choice.asap') }, window: { start: expect.any(String), end: expect.any(String) } },
      });
    }
    // One request per confirmation: no conversation (each has a number of its own) filed twice.
    const queued = await reader.queuedRequests();
    expect(queued.map((request) => request.ref)).toEqual(expect.arrayContaining(refs));
    const queuedPhones = queued.map((request) => request.phone);
    expect(new Set(queuedPhones).size).toBe(queuedPhones.length);

    // The log tells of the outage and the recovery, and holds no resident's number in any form.
    const logged = lines().join('\n');
    expect(logged).toContain('Redis connection error');
    expect(logged).toContain('Redis connection restored');
    expect(logged).toContain('turn failed');
    for (const phone of phones) {
      for (const form of [phone.typed, phone.display, phone.e164, phone.e164.slice(1), phone.typed.replace(/\s/g, '')]) expect(logged).not.toContain(form);
    }
  }, 120_000);
});
