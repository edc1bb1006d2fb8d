import type Redis from 'ioredis';
import { CallbackStore } from '../../services/callbacks/callbackStore';
import { CALLBACK_REF } from '../../services/callbacks/request';
import { buttons, finnish, message, postActivity, texts } from '../support/botTestKit';
import { startBotProcess, type BotProcess } from '../support/botProcess';
import { botTexts, call, poll, say, type Conversation, type DirectLineActivity } from '../support/directLineKit';
import { startRoundRobinProxy, type ProxiedRequest, type RoundRobinProxy, type RoutedRequest } from '../support/roundRobinProxy';
import { connectTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../support/testRedis';

/**
 * How the service grows past one machine: more stateless bot processes on one shared Redis. Two real bot
 * processes (bot/index.ts, as in production) sit behind a round-robin proxy; every conversation alternates
 * between them, and nothing may be lost or filed twice.
 */

const { t } = finnish().messages;
const SECRET = 'two-processes-direct-line-secret-0123456789';
const CONVERSATIONS = 12;
const MATTER = 'kela ei oo maksanu toimeentulotukea';
const MENU = (['menu.choice.matter', 'menu.choice.callback', 'menu.choice.livingRoom', 'menu.choice.suggestion'] as const).map((key) => t(key));
const YES_NO = [t('confirm.yes'), t('confirm.no')];
const TIME_BUTTONS = [t('callback.choice.asap'), t('callback.choice.lateMorning'), t('callback.choice.afternoon'), t('callback.choice.any')];
const RETENTION_DAYS = '30';
const CONSENT = t('callback.consent', { days: RETENTION_DAYS });
// The window's wording depends on the moment of the test: only the sentence around it is checked.
const WINDOW_OPENING = t('callback.window', { window: '\u0000' }).split('\u0000')[0]!;

const prefix = uniquePrefix('two-processes');
const processes: BotProcess[] = [];
let proxy: RoundRobinProxy;
let redis: Redis;
let store: CallbackStore;

const conversationOf = (body: string) => (JSON.parse(body) as { conversation: { id: string } }).conversation.id;
const directLineActivities = /^\/v3\/directline\/conversations\/([^/]+)\/activities$/;

/**
 * Counted per conversation, so that each conversation's requests alternate between the processes however the
 * conversations interleave (one counter for all would give a conversation the same process twice in a row).
 * Direct Line posts and polls are counted apart, so that both alternate.
 */
function routeKey({ method, path, body }: RoutedRequest): string {
  if (path === '/api/messages') return `messages ${conversationOf(body)}`;
  const activities = directLineActivities.exec(path);
  return activities ? `${method} activities ${activities[1]}` : 'other';
}

/** One sample's value from Prometheus' text format (0 when the series has not been written yet). */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** What each process has counted itself (GET /metrics straight from the process, not through the proxy). */
async function countedBy(bot: BotProcess): Promise<{ turns: number; filed: number }> {
  const metrics = await (await fetch(`${bot.url}/metrics`)).text();
  return {
    turns: sample(metrics, 'aka_turns_total{channel="test",type="message"}'),
    filed: sample(metrics, 'aka_callback_requests_created_total{urgent="false"}') + sample(metrics, 'aka_callback_requests_created_total{urgent="true"}'),
  };
}

/** Which process served each /api/messages request of one conversation, in order. */
function servedTurns(records: ProxiedRequest[], conversation: string): ProxiedRequest[] {
  return records.filter((record) => record.path === '/api/messages' && conversationOf(record.body) === conversation);
}

const alternating = (length: number, first = 0) => Array.from({ length }, (_, index) => (first + index) % 2);

/** One message through the proxy: the texts and buttons of the replies. */
async function turn(conversation: string, text: string): Promise<{ texts: string[]; buttons: string[] }> {
  const answer = await postActivity(proxy.url, message(conversation, text));
  expect(answer.status).toBe(200);
  return { texts: texts(answer.replies), buttons: buttons(answer.replies) };
}

interface Resident {
  conversation: string;
  phone: { typed: string; shown: string; e164: string };
  name: string;
}

function resident(label: string, index: number): Resident {
  const ending = String(index).padStart(2, '0');
  return {
    conversation: `${label}-${index}`,
    phone: { typed: `040-12345${ending}`, shown: `040 123 45${ending}`, e164: `+3584012345${ending}` },
    name: `Asukas${index}`,
  };
}

// The steps of the callback flow, from the greeting to the consent question, each answer checked on the way.
async function greetingToMatter(who: Resident): Promise<void> {
  const greeting = await turn(who.conversation, 'hei');
  expect(greeting.texts.join('\n')).toContain(t('welcome.greeting'));
  expect(greeting.buttons).toEqual(MENU);
  const card = await turn(who.conversation, MATTER);
  expect(card.texts[0]).toBe(t('triage.found'));
  expect(card.buttons).toContain(t('triage.choice.callback'));
  expect(await turn(who.conversation, t('triage.choice.callback'))).toEqual({ texts: [t('callback.intro'), t('callback.askPhone')], buttons: [] });
}

async function phoneToConsent(who: Resident): Promise<void> {
  expect(await turn(who.conversation, who.phone.typed)).toEqual({ texts: [t('callback.confirmPhone', { phone: who.phone.shown })], buttons: YES_NO });
  expect(await turn(who.conversation, t('confirm.yes'))).toEqual({ texts: [t('callback.askTime')], buttons: TIME_BUTTONS });
  expect(await turn(who.conversation, t('callback.choice.asap'))).toEqual({ texts: [t('callback.askName')], buttons: [t('callback.choice.skipName')] });
  expect(await turn(who.conversation, who.name)).toEqual({ texts: [CONSENT, t('callback.consentQuestion')], buttons: YES_NO });
}

/** The reference of a confirmation (saved, window, the menu again), or undefined when these replies are not one. */
function confirmation(replies: { texts: string[]; buttons: string[] }): string | undefined {
  const ref = /AKA-\d{4}-\d+/.exec(replies.texts.join('\n'))?.[0];
  if (ref === undefined) return undefined;
  expect(ref).toMatch(CALLBACK_REF);
  expect(replies.texts).toHaveLength(3);
  expect(replies.texts[0]).toBe(t('callback.saved', { ref }));
  expect(replies.texts[1]!.startsWith(WINDOW_OPENING)).toBe(true);
  expect(replies.texts[2]).toBe(t('menu.again'));
  expect(replies.buttons).toEqual(MENU);
  return ref;
}

/** Every request of the queue, by the resident's phone number. */
async function queuedByPhone(): Promise<Map<string, string[]>> {
  const byPhone = new Map<string, string[]>();
  for (const request of await store.queuedRequests()) byPhone.set(request.phone, [...(byPhone.get(request.phone) ?? []), request.ref]);
  return byPhone;
}

beforeAll(async () => {
  redis = connectTestRedis();
  store = new CallbackStore(redis, { prefix });
  const env = { NODE_ENV: 'production', LOG_LEVEL: 'info', REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DIRECT_LINE_SECRET: SECRET, CALLBACK_RETENTION_DAYS: RETENTION_DAYS };
  // Started side by side; whichever started is stopped in afterAll even when the other failed.
  const started = await Promise.allSettled([startBotProcess(env), startBotProcess(env)]);
  for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  proxy = await startRoundRobinProxy(processes.map((bot) => bot.url), { routeKey });
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all(processes.map((bot) => bot.stop()));
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
}, 60_000);

describe('two bot processes behind a round-robin proxy, sharing one Redis', () => {
  it(`carry ${CONVERSATIONS} simultaneous callback conversations, each alternating between them, to one request each`, async () => {
    const before = await Promise.all(processes.map(countedBy));
    const firstRecord = proxy.served.length;
    const residents = Array.from({ length: CONVERSATIONS }, (_, index) => resident('many', index));

    const refs = await Promise.all(
      residents.map(async (who) => {
        await greetingToMatter(who);
        await phoneToConsent(who);
        const ref = confirmation(await turn(who.conversation, t('confirm.yes')));
        expect(ref).toBeDefined();
        return ref!;
      }),
    );

    // Each conversation's 8 turns really alternated between the two processes, and each was answered.
    const records = proxy.served.slice(firstRecord);
    for (const who of residents) {
      const served = servedTurns(records, who.conversation);
      expect(served.map((record) => record.backend)).toEqual(alternating(8));
      expect(served.map((record) => record.status)).toEqual(Array(8).fill(200));
    }
    // The processes' own counters agree: each ran the turns the proxy sent it, and 12 requests were filed in all.
    const after = await Promise.all(processes.map(countedBy));
    for (const [index] of processes.entries()) {
      expect(after[index]!.turns - before[index]!.turns).toBe(records.filter((record) => record.backend === index).length);
    }
    expect(after.reduce((sum, counted) => sum + counted.filed, 0) - before.reduce((sum, counted) => sum + counted.filed, 0)).toBe(CONVERSATIONS);

    // Unique references; the queue holds exactly one request per conversation, the one its resident was shown.
    expect(new Set(refs).size).toBe(CONVERSATIONS);
    expect((await store.queue()).sort()).toEqual([...refs].sort());
    const queued = await queuedByPhone();
    for (const [index, who] of residents.entries()) {
      expect(queued.get(who.phone.e164)).toEqual([refs[index]]);
      expect(await store.get(refs[index]!)).toMatchObject({ service: 'kela', summary: MATTER, firstName: who.name, channel: 'test', status: 'new' });
    }
  }, 60_000);

  it('file one request when the consent is tapped twice at once, one copy reaching each process', async () => {
    const who = resident('double-tap', 50);
    const before = await Promise.all(processes.map(countedBy));
    const queueBefore = await store.queue();
    await greetingToMatter(who);
    await phoneToConsent(who);

    const taps = await Promise.all([turn(who.conversation, t('confirm.yes')), turn(who.conversation, t('confirm.yes'))]);

    const served = servedTurns(proxy.served, who.conversation);
    expect(served.slice(-2).map((record) => record.backend).sort()).toEqual([0, 1]);
    // The turn lock lets one copy in first: it files and confirms. The other, after it, finds the request
    // filed and the dialog over: the resident sees the menu again ("Voinko auttaa…"), no second reference.
    const refs = taps.map(confirmation);
    const filed = refs.filter((ref): ref is string => ref !== undefined);
    expect(filed).toHaveLength(1);
    const second = taps[refs.indexOf(undefined)]!;
    expect(second).toEqual({ texts: [t('menu.again')], buttons: MENU });

    expect((await store.queue()).filter((ref) => !queueBefore.includes(ref))).toEqual(filed);
    expect((await queuedByPhone()).get(who.phone.e164)).toEqual(filed);
    const after = await Promise.all(processes.map(countedBy));
    expect(after.reduce((sum, counted) => sum + counted.filed, 0) - before.reduce((sum, counted) => sum + counted.filed, 0)).toBe(1);
  }, 60_000);

  it('serve one Direct Line conversation from both: the same transcript in order from either, and a callback request filed', async () => {
    const firstRecord = proxy.served.length;
    const { token, conversationId } = (await call<Conversation>(proxy.url, 'POST', '/tokens/generate')).body;
    const started = await call<Conversation>(proxy.url, 'POST', '/conversations', { token, body: {} });
    expect(started.status).toBe(201);
    const conversation = started.body;
    // The token was signed by one process and accepted by the other (the shared DIRECT_LINE_SECRET).
    const [generatedBy, startedBy] = proxy.served.slice(firstRecord).map((record) => record.backend);
    expect(generatedBy).not.toBe(startedBy);

    const steps = [MATTER, t('triage.choice.callback'), '040 765 4321', t('confirm.yes'), t('callback.choice.asap'), t('callback.choice.skipName'), t('confirm.yes')];
    let transcript: DirectLineActivity[] = (await poll(proxy.url, conversation)).activities;
    expect(botTexts(transcript).join('\n')).toContain(t('welcome.greeting'));
    for (const text of steps) {
      const sent = await say(proxy.url, conversation, text);
      expect(sent.status).toBe(200);
      // Both processes read what came after the page's watermark at the same moment: one poll reaches each.
      const mark = proxy.served.length;
      const [one, other] = await Promise.all([poll(proxy.url, conversation, String(transcript.length)), poll(proxy.url, conversation, String(transcript.length))]);
      expect(proxy.served.slice(mark).map((record) => record.backend).sort()).toEqual([0, 1]);
      expect(other).toEqual(one);

      // Ids run 1, 2, 3… without a gap or a repeat across the polls, and the watermark is the last of them.
      const whole = [...transcript, ...one.activities];
      expect(whole.map((activity) => activity.id)).toEqual(whole.map((_, index) => `${conversationId}|${String(index + 1).padStart(7, '0')}`));
      expect(one.watermark).toBe(String(whole.length));
      // The resident's message, then the bot's answers to it.
      const added = one.activities;
      expect(added[0]).toMatchObject({ id: sent.id, text, from: { role: 'user' }, channelData: { clientActivityID: sent.clientActivityID } });
      expect(added.length).toBeGreaterThan(1);
      for (const reply of added.slice(1)) expect(reply).toMatchObject({ from: { role: 'bot' }, replyToId: sent.id });
      transcript = whole;
    }

    const ref = /AKA-\d{4}-\d+/.exec(botTexts(transcript).join('\n'))?.[0] ?? '';
    expect(ref).toMatch(CALLBACK_REF);
    expect(botTexts(transcript)).toContain(t('callback.saved', { ref }));
    expect(await store.get(ref)).toMatchObject({ service: 'kela', summary: MATTER, phone: '+358407654321', channel: 'directline' });

    // Both processes took the resident's messages and both answered polls.
    const records = proxy.served.slice(firstRecord).filter((record) => directLineActivities.test(record.path.split('?')[0]!));
    for (const method of ['POST', 'GET']) {
      expect(new Set(records.filter((record) => record.method === method).map((record) => record.backend))).toEqual(new Set([0, 1]));
    }
    expect(records.every((record) => record.status === 200)).toBe(true);
  }, 60_000);

  it('go on through the other when one is stopped (SIGTERM) mid-conversation, with nothing lost', async () => {
    const [stopped, survivor] = processes as [BotProcess, BotProcess];
    const who = resident('survivor', 60);
    const webChat = await startDirectLine();
    await say(proxy.url, webChat, MATTER);
    const webChatBefore = (await poll(proxy.url, webChat)).activities;
    // Three turns, the last one by the process about to stop: the next step needs what it saved.
    await greetingToMatter(who);
    expect(servedTurns(proxy.served, who.conversation).map((record) => record.backend)).toEqual([0, 1, 0]);

    expect(await stopped.stop()).toBe(0);
    expect(stopped.stdout()).toMatch(/"msg":"stopped"/);
    const afterStop = proxy.served.length;

    await phoneToConsent(who);
    const ref = confirmation(await turn(who.conversation, t('confirm.yes')));
    expect(ref).toBeDefined();
    expect((await queuedByPhone()).get(who.phone.e164)).toEqual([ref]);
    expect(await store.get(ref!)).toMatchObject({ service: 'kela', summary: MATTER, firstName: who.name });

    // The web chat's transcript is all there, served by the survivor, and the conversation goes on.
    const { activities } = await poll(proxy.url, webChat);
    expect(activities).toEqual(webChatBefore);
    const sent = await say(proxy.url, webChat, t('triage.choice.callback'));
    expect(sent.status).toBe(200);
    const next = await poll(proxy.url, webChat, String(activities.length));
    expect(botTexts(next.activities)).toEqual([t('callback.intro'), t('callback.askPhone')]);

    // After the stop everything went to the survivor; the stopped process was tried and refused the connection.
    const records = proxy.served.slice(afterStop);
    expect(records.map((record) => [record.backend, record.status])).toEqual(records.map(() => [1, 200]));
    expect(records.some((record) => record.refusedBy.includes(0))).toBe(true);
    expect(proxy.live()).toEqual([1]);
    // Neither process logged an error (pino level 50 and above) on the way.
    for (const bot of [stopped, survivor]) {
      const errors = bot.stdout().split('\n').filter((line) => line.startsWith('{') && (JSON.parse(line) as { level: number }).level >= 50);
      expect(errors).toEqual([]);
    }
  }, 60_000);
});

/** A Direct Line conversation started through the proxy (the bot has welcomed the resident). */
async function startDirectLine(): Promise<Conversation> {
  const { token } = (await call<Conversation>(proxy.url, 'POST', '/tokens/generate')).body;
  const started = await call<Conversation>(proxy.url, 'POST', '/conversations', { token, body: {} });
  expect(started.status).toBe(201);
  return started.body;
}
