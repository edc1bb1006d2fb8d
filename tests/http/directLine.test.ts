import type Redis from 'ioredis';
import { createApp } from '../../bot/app';
import { conversationKeys } from '../../services/directLine/keys';
import { createLogger } from '../../services/logging/logger';
import { RedisStorage } from '../../services/storage/redisStorage';
import { finnish, finnishTriage, startBot, testConfig, type RunningBot } from '../support/botTestKit';
import {
  botTexts,
  call,
  claimsOf,
  generateToken,
  poll,
  say,
  startConversation,
  type Conversation,
  type DirectLineActivity,
  type ErrorBody,
} from '../support/directLineKit';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/testRedis';

/**
 * The self-hosted Direct Line 3.0 channel (/v3/directline), driven over HTTP as Web Chat's client drives it,
 * against the real bot and a real Redis.
 */

const { t } = finnish().messages;
const SECRET = 'test-secret-for-direct-line-tokens-0123456789';
const noStackTrace = (body: unknown) => expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
const errorCode = (body: unknown) => (body as ErrorBody).error?.code;
const ACTIVITY_ID = /^[A-Za-z0-9_-]+\|\d{7}$/;

let redis: Redis;
const running: RunningBot[] = [];
const prefixes: string[] = [];

/** A bot with its own key prefix; stopped and cleaned up after all tests. */
async function bot(overrides: Record<string, string> = {}, parts: Parameters<typeof startBot>[0] = {}): Promise<RunningBot> {
  const config = parts.config ?? testConfig({ DIRECT_LINE_SECRET: SECRET, ...overrides });
  const started = await startBot({ ...parts, config });
  running.push(started);
  prefixes.push(config.REDIS_KEY_PREFIX);
  return started;
}

function stateStore(running: RunningBot): RedisStorage {
  return new RedisStorage(redis, { prefix: running.config.REDIS_KEY_PREFIX, ttlSeconds: running.config.STATE_TTL_SECONDS });
}
const stateKey = (conversation: Conversation) => `directline/conversations/${conversation.conversationId}/`;

beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  await Promise.all(running.map((each) => each.stop()));
  for (const prefix of prefixes) await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('the self-hosted Direct Line channel', () => {
  let shared: RunningBot;
  beforeAll(async () => {
    shared = await bot();
  });

  it('gives the page a token for a new conversation, bound to it and to a fresh user id', async () => {
    const first = await call<Conversation>(shared.url, 'POST', '/tokens/generate');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ conversationId: expect.any(String), token: expect.any(String), expires_in: 1800 });
    const claims = claimsOf(first.body.token);
    expect(claims).toMatchObject({ conv: first.body.conversationId, user: expect.stringMatching(/^dl_/) });
    expect(claims.exp).toEqual(expect.any(Number));

    // Each page load is a new conversation and a new resident.
    const second = await generateToken(shared.url);
    expect(second.conversationId).not.toBe(first.body.conversationId);
    expect(claimsOf(second.token).user).not.toBe(claims.user);

    // The page may name its user; the id is then carried in the token.
    expect(claimsOf((await generateToken(shared.url, { user: { id: 'kiosk-visitor-7' } })).token).user).toBe('kiosk-visitor-7');
    const badUser = await call(shared.url, 'POST', '/tokens/generate', { body: { user: { id: 'has spaces <b>' } } });
    expect(badUser.status).toBe(400);
    expect(badUser.body).toEqual({ error: { code: 'BadArgument', message: expect.stringMatching(/^user\.id: /) } });
  });

  it('starts the conversation, and the first poll has the Finnish welcome and the main menu', async () => {
    const { token, conversationId } = await generateToken(shared.url);
    const started = await call<Conversation>(shared.url, 'POST', '/conversations', { token, body: { user: {} } });
    expect(started.status).toBe(201);
    expect(started.body).toEqual({ conversationId, token, expires_in: expect.any(Number) });
    expect(started.body.expires_in).toBeGreaterThan(1790);
    expect(started.body.streamUrl).toBeUndefined();

    const { activities, watermark } = await poll(shared.url, started.body);
    const said = botTexts(activities).join('\n');
    expect(said).toContain(t('welcome.greeting'));
    expect(said).toContain(t('welcome.privacy'));
    expect(said).toContain(t('menu.prompt'));
    const menu = activities.find((activity) => activity.suggestedActions);
    expect(menu?.suggestedActions?.actions.map((action) => action.title)).toEqual(['Kerro asiasi', 'Pyydä soittoa', 'Olohuone ja aukioloajat', 'Jätä aloite']);
    expect(activities.map((activity) => activity.id)).toEqual(activities.map((_, index) => `${conversationId}|${String(index + 1).padStart(7, '0')}`));
    expect(watermark).toBe(String(activities.length));
    for (const activity of activities) {
      expect(activity).toMatchObject({ type: 'message', conversation: { id: conversationId }, from: { role: 'bot', name: 'Apu ku apu' }, recipient: { id: claimsOf(token).user, role: 'user' } });
      expect(new Date(activity.timestamp).toISOString()).toBe(activity.timestamp);
    }

    // Starting again (a reload with the same token) returns the conversation and does not welcome twice.
    const again = await call<Conversation>(shared.url, 'POST', '/conversations', { token });
    expect(again.status).toBe(200);
    expect(again.body.conversationId).toBe(conversationId);
    expect((await poll(shared.url, started.body, watermark)).activities).toEqual([]);

    // Reconnecting (GET /conversations/:id) gives the conversation back, without a stream URL: this channel is polled.
    const reconnect = await call<Conversation>(shared.url, 'GET', `/conversations/${conversationId}?watermark=${watermark}`, { token });
    expect(reconnect.status).toBe(200);
    expect(reconnect.body).toEqual({ conversationId, token, expires_in: expect.any(Number) });
  });

  it('echoes the resident\'s message with its clientActivityID, then the replies in order, each with an id and a time', async () => {
    const conversation = await startConversation(shared.url);
    const { watermark } = await poll(shared.url, conversation);

    const posted = await say(shared.url, conversation, 'kela ei oo maksanu toimeentulotukea');
    expect(posted.status).toBe(200);
    expect(posted.id).toMatch(ACTIVITY_ID);

    const { activities } = await poll(shared.url, conversation, watermark);
    const [echo, ...replies] = activities as [DirectLineActivity, ...DirectLineActivity[]];
    expect(echo).toMatchObject({
      id: posted.id,
      type: 'message',
      text: 'kela ei oo maksanu toimeentulotukea',
      channelData: { clientActivityID: posted.clientActivityID },
      // The user is the token's, whatever the page wrote in from.
      from: { id: claimsOf(conversation.token).user, role: 'user' },
      conversation: { id: conversation.conversationId },
    });
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply).toMatchObject({ from: { role: 'bot' }, replyToId: posted.id });
    expect(botTexts(replies)).toContain(t('triage.found'));
    expect(JSON.stringify(replies)).toContain(finnish().services.get('kela')!.name);

    // Ids count up, and times never go back: the resident's message comes before its replies.
    const sequence = activities.map((activity) => Number(activity.id.split('|')[1]));
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    expect(new Set(sequence).size).toBe(sequence.length);
    const times = activities.map((activity) => Date.parse(activity.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[1]!).toBeGreaterThan(times[0]!);
  });

  it('answers a crisis message with the crisis reply before anything else', async () => {
    const conversation = await startConversation(shared.url);
    const { watermark } = await poll(shared.url, conversation);
    await say(shared.url, conversation, 'en jaksa enää elää');
    const said = botTexts((await poll(shared.url, conversation, watermark)).activities);
    expect(said[0]).toBe(t('crisis.intro'));
    expect(said.join('\n')).toContain(finnish().urgent.get('hatanumero')!.phone);
  });

  it('hands Web Chat\'s webchat/join event to the bot: no second welcome, but a welcome again once the bot has forgotten the conversation', async () => {
    const conversation = await startConversation(shared.url);
    const { watermark } = await poll(shared.url, conversation);
    const join = { type: 'event', name: 'webchat/join', value: { language: 'fi-FI' }, channelData: { clientActivityID: 'join-1' } };

    const joined = await call<{ id: string }>(shared.url, 'POST', `/conversations/${conversation.conversationId}/activities`, { token: conversation.token, body: join });
    expect(joined.status).toBe(200);
    const afterJoin = await poll(shared.url, conversation, watermark);
    // The event is echoed (Web Chat marks it sent) and the bot, having welcomed already, says nothing more.
    expect(afterJoin.activities).toEqual([expect.objectContaining({ id: joined.body.id, type: 'event', name: 'webchat/join', channelData: { clientActivityID: 'join-1' } })]);

    // As when the bot's state has expired: the next join is welcomed like a new visit.
    await stateStore(shared).delete([stateKey(conversation)]);
    await call(shared.url, 'POST', `/conversations/${conversation.conversationId}/activities`, { token: conversation.token, body: { ...join, channelData: { clientActivityID: 'join-2' } } });
    const said = botTexts((await poll(shared.url, conversation, afterJoin.watermark)).activities).join('\n');
    expect(said).toContain(t('welcome.greeting'));
    expect(said).toContain(t('menu.prompt'));
  });

  it('pages by watermark: each poll returns only what came after it, and what the page has read is no longer kept', async () => {
    const conversation = await startConversation(shared.url);
    const welcome = await poll(shared.url, conversation);
    await say(shared.url, conversation, 'olohuone');
    const afterFirst = await poll(shared.url, conversation, welcome.watermark);
    await say(shared.url, conversation, 'aukioloajat');
    const afterSecond = await poll(shared.url, conversation, afterFirst.watermark);

    expect(afterFirst.activities[0]?.text).toBe('olohuone');
    expect(afterSecond.activities[0]?.text).toBe('aukioloajat');
    expect(botTexts(afterSecond.activities).join('\n')).toContain(t('livingRoom.hoursTitle'));
    expect(Number(afterSecond.watermark)).toBe(Number(afterFirst.watermark) + afterSecond.activities.length);
    // A poll that lost its answer is asked again with the same watermark, and gets the same activities.
    expect(await poll(shared.url, conversation, afterFirst.watermark)).toEqual(afterSecond);
    // Reading up to the end drops everything: from the start there is nothing left, and the list is gone.
    expect(await poll(shared.url, conversation, afterSecond.watermark)).toEqual({ activities: [], watermark: afterSecond.watermark });
    expect(await poll(shared.url, conversation, '')).toEqual({ activities: [], watermark: afterSecond.watermark });
    expect(await redis.exists(conversationKeys(shared.config.REDIS_KEY_PREFIX, conversation.conversationId).activities)).toBe(0);

    const bad = await call(shared.url, 'GET', `/conversations/${conversation.conversationId}/activities?watermark=abc`, { token: conversation.token });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { code: 'BadArgument', message: expect.stringMatching(/^watermark: /) } });
  });

  it('keeps the conversation in Redis with a lifetime that starts again on use', async () => {
    const conversation = await startConversation(shared.url);
    const keys = conversationKeys(shared.config.REDIS_KEY_PREFIX, conversation.conversationId);
    const lifetime = shared.config.DIRECT_LINE_TOKEN_TTL_SECONDS * 1000;
    for (const key of [keys.conversation, keys.activities]) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(lifetime - 5000);
      expect(ttl).toBeLessThanOrEqual(lifetime);
    }
    await redis.pexpire(keys.activities, 60_000);
    await poll(shared.url, conversation);
    expect(await redis.pttl(keys.activities)).toBeGreaterThan(lifetime - 5000);
  });

  it('keeps no personal identity code in the transcript, and the bot still tells the resident it was removed', async () => {
    const conversation = await startConversation(shared.url);
    const { watermark } = await poll(shared.url, conversation);
    await say(shared.url, conversation, 'hetuni on 131052-308T');
    const [echo, ...replies] = (await poll(shared.url, conversation, watermark)).activities;
    expect(echo?.text).toBe(`hetuni on ${t('privacy.removedMark')}`);
    expect(botTexts(replies)).toContain(t('privacy.personalIdRemoved'));
    const stored = await redis.lrange(conversationKeys(shared.config.REDIS_KEY_PREFIX, conversation.conversationId).activities, 0, -1);
    expect(stored.join('\n')).not.toContain('131052');
  });

  it('keeps what the resident typed only until the page has read it: a phone number is gone from Redis after the next poll', async () => {
    const conversation = await startConversation(shared.url);
    const { watermark } = await poll(shared.url, conversation);
    await say(shared.url, conversation, 'soittakaa minulle numeroon 040 765 4321');
    const activitiesKey = conversationKeys(shared.config.REDIS_KEY_PREFIX, conversation.conversationId).activities;
    // Not read yet: kept for the page, whichever instance it polls next.
    expect((await redis.lrange(activitiesKey, 0, -1)).join('\n')).toContain('765 4321');
    const read = await poll(shared.url, conversation, watermark);
    expect(read.activities[0]?.text).toContain('765 4321');
    await poll(shared.url, conversation, read.watermark);
    expect((await redis.lrange(activitiesKey, 0, -1)).join('\n')).not.toContain('765 4321');
  });

  it('answers text over MAX_MESSAGE_CHARS with the polite Finnish limit, and refuses absurdly long text with 413', async () => {
    const conversation = await startConversation(shared.url);
    const { watermark } = await poll(shared.url, conversation);
    const long = await say(shared.url, conversation, 'a'.repeat(shared.config.MAX_MESSAGE_CHARS + 1));
    expect(long.status).toBe(200);
    expect(botTexts((await poll(shared.url, conversation, watermark)).activities)).toEqual([t('input.tooLong', { max: shared.config.MAX_MESSAGE_CHARS })]);

    const absurd = await call(shared.url, 'POST', `/conversations/${conversation.conversationId}/activities`, {
      token: conversation.token,
      body: { type: 'message', text: 'a'.repeat(shared.config.MAX_MESSAGE_CHARS * 10 + 1) },
    });
    expect(absurd.status).toBe(413);
    expect(absurd.body).toEqual({ error: { code: 'MessageTooLong', message: expect.stringMatching(/^text: at most 20000 characters/) } });
  });

  it('carries on one conversation across two bot instances sharing Redis: either serves the next poll', async () => {
    const config = testConfig({ DIRECT_LINE_SECRET: SECRET });
    const first = await bot({}, { config });
    const second = await bot({}, { config });

    const conversation = await startConversation(first.url);
    const welcome = await poll(second.url, conversation);
    expect(botTexts(welcome.activities).join('\n')).toContain(t('welcome.greeting'));

    await say(first.url, conversation, 'olohuone');
    const fromSecond = await poll(second.url, conversation, welcome.watermark);
    expect(botTexts(fromSecond.activities).join('\n')).toContain(t('livingRoom.prompt'));

    // The second instance takes the next message where the first left off, and the first serves the poll.
    await say(second.url, conversation, 'aukioloajat');
    const fromFirst = await poll(first.url, conversation, fromSecond.watermark);
    expect(botTexts(fromFirst.activities).join('\n')).toContain(t('livingRoom.hoursTitle'));
  });

  it('works with MicrosoftAppId set, with no Azure call and no Bot Framework JWT', async () => {
    const withApp = await bot({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-used-by-this-channel' });
    const conversation = await startConversation(withApp.url);
    const { activities, watermark } = await poll(withApp.url, conversation);
    expect(botTexts(activities).join('\n')).toContain(t('welcome.greeting'));
    expect(activities[0]?.from.id).toBe('00000000-0000-0000-0000-000000000001');
    await say(withApp.url, conversation, 'olohuone');
    expect(botTexts((await poll(withApp.url, conversation, watermark)).activities).join('\n')).toContain(t('livingRoom.prompt'));
    // /api/messages of the same bot still requires a Bot Framework JWT (botbuilder logs the refusal to the console).
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const unsigned = await fetch(`${withApp.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message","conversation":{"id":"x"}}' });
      expect(unsigned.status).toBe(401);
    } finally {
      quiet.mockRestore();
    }
  });
});

describe('Direct Line tokens', () => {
  let shared: RunningBot;
  beforeAll(async () => {
    shared = await bot();
  });

  it('work only for their own conversation (403), and leave the other conversation alone', async () => {
    const mine = await startConversation(shared.url);
    const theirs = await startConversation(shared.url);
    const before = await poll(shared.url, theirs);
    const path = `/conversations/${theirs.conversationId}`;
    const attempts = [
      await call(shared.url, 'GET', `${path}/activities?watermark=`, { token: mine.token }),
      await call(shared.url, 'POST', `${path}/activities`, { token: mine.token, body: { type: 'message', text: 'hei' } }),
      await call(shared.url, 'GET', path, { token: mine.token }),
      await call(shared.url, 'DELETE', path, { token: mine.token }),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(403);
      expect(attempt.body).toEqual({ error: { code: 'Forbidden', message: 'the token belongs to another conversation' } });
    }
    expect(await poll(shared.url, theirs)).toEqual(before);
  });

  it('are required, and a missing, unreadable or forged token is refused', async () => {
    const conversation = await startConversation(shared.url);
    const path = `/conversations/${conversation.conversationId}/activities?watermark=`;

    const missing = await call(shared.url, 'GET', path);
    expect(missing.status).toBe(401);
    expect(errorCode(missing.body)).toBe('Unauthorized');
    const notBearer = await call(shared.url, 'GET', path, { authorization: `Basic ${conversation.token}` });
    expect(notBearer.status).toBe(401);
    const garbage = await call(shared.url, 'GET', path, { token: 'not-a-token' });
    expect(garbage.status).toBe(401);

    // Same claims, another signature: a token of another bot (another secret), and one whose claims were edited.
    const otherBot = await bot({ DIRECT_LINE_SECRET: 'another-secret-another-secret-another-secret' });
    const foreign = await generateToken(otherBot.url);
    const [header, , signature] = conversation.token.split('.');
    const edited = Buffer.from(JSON.stringify({ ...claimsOf(conversation.token), exp: 4_000_000_000 })).toString('base64url');
    for (const token of [foreign.token, `${header}.${edited}.${signature}`, `${header}.${conversation.token.split('.')[1]}.`]) {
      const refused = await call(shared.url, 'GET', `/conversations/${claimsOf(token).conv as string}/activities?watermark=`, { token });
      expect([401, 403]).toContain(refused.status);
      noStackTrace(refused.body);
    }
    const forged = await call(shared.url, 'GET', path, { token: `${header}.${edited}.${signature}` });
    expect(forged.body).toEqual({ error: { code: 'Forbidden', message: 'the token was not issued by this bot' } });
  });

  it('expire: then refused with 403 TokenExpired; a refresh before that gives a new token for the same conversation', async () => {
    let skewMs = 0;
    const clock = () => new Date(Date.now() + skewMs);
    const timed = await bot({ DIRECT_LINE_TOKEN_TTL_SECONDS: '1800' }, { clock });
    const conversation = await startConversation(timed.url);

    skewMs = 20 * 60_000;
    const refreshed = await call<Conversation>(timed.url, 'POST', '/tokens/refresh', { token: conversation.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ conversationId: conversation.conversationId, token: expect.any(String), expires_in: 1800 });
    expect(refreshed.body.token).not.toBe(conversation.token);
    expect(claimsOf(refreshed.body.token).user).toBe(claimsOf(conversation.token).user);

    skewMs = 31 * 60_000;
    const path = `/conversations/${conversation.conversationId}`;
    for (const expired of [
      await call(timed.url, 'GET', `${path}/activities?watermark=`, { token: conversation.token }),
      await call(timed.url, 'POST', `${path}/activities`, { token: conversation.token, body: { type: 'message', text: 'hei' } }),
      await call(timed.url, 'POST', '/tokens/refresh', { token: conversation.token }),
    ]) {
      expect(expired.status).toBe(403);
      expect(expired.body).toEqual({ error: { code: 'TokenExpired', message: expect.stringMatching(/expired/) } });
    }
    // The refreshed token carries on the same conversation.
    const renewed = { ...conversation, token: refreshed.body.token };
    expect(botTexts((await poll(timed.url, renewed)).activities).join('\n')).toContain(t('welcome.greeting'));
    expect((await say(timed.url, renewed, 'olohuone')).status).toBe(200);
  });

  it('expire for real after a short DIRECT_LINE_TOKEN_TTL_SECONDS', async () => {
    const short = await bot({ DIRECT_LINE_TOKEN_TTL_SECONDS: '1' });
    const conversation = await startConversation(short.url);
    expect(conversation.expires_in).toBeLessThanOrEqual(1);
    expect((await call(short.url, 'GET', `/conversations/${conversation.conversationId}/activities?watermark=`, { token: conversation.token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const expired = await call(short.url, 'GET', `/conversations/${conversation.conversationId}/activities?watermark=`, { token: conversation.token });
    expect(expired.status).toBe(403);
    expect(errorCode(expired.body)).toBe('TokenExpired');
  });

  it('of a conversation not started yet find nothing there (404)', async () => {
    const { conversationId, token } = await generateToken(shared.url);
    for (const [method, path, body] of [
      ['GET', `/conversations/${conversationId}/activities?watermark=`, undefined],
      ['POST', `/conversations/${conversationId}/activities`, { type: 'message', text: 'hei' }],
      ['GET', `/conversations/${conversationId}`, undefined],
    ] as const) {
      const answer = await call(shared.url, method, path, { token, body });
      expect(answer.status).toBe(404);
      expect(errorCode(answer.body)).toBe('NotFound');
    }
  });
});

describe('ending a conversation (the kiosk\'s "Lopeta ja tyhjennä")', () => {
  it('deletes its transcript and the bot\'s state of it, revokes its tokens, and leaves other conversations alone', async () => {
    const kiosk = await bot();
    const visitor = await startConversation(kiosk.url);
    const bystander = await startConversation(kiosk.url);
    await say(kiosk.url, visitor, 'olohuone');
    await say(kiosk.url, bystander, 'olohuone');
    const keys = conversationKeys(kiosk.config.REDIS_KEY_PREFIX, visitor.conversationId);
    expect(await redis.exists(keys.activities, keys.conversation)).toBe(2);
    expect(Object.keys(await stateStore(kiosk).read([stateKey(visitor)]))).toEqual([stateKey(visitor)]);
    const refreshed = (await call<Conversation>(kiosk.url, 'POST', '/tokens/refresh', { token: visitor.token })).body;

    const ended = await call(kiosk.url, 'DELETE', `/conversations/${visitor.conversationId}`, { token: visitor.token });
    expect(ended.status).toBe(204);

    expect(await redis.exists(keys.activities, keys.conversation)).toBe(0);
    expect(await stateStore(kiosk).read([stateKey(visitor)])).toEqual({});
    // Every token of the conversation, the refreshed one too, is refused from now on.
    for (const token of [visitor.token, refreshed.token]) {
      const path = `/conversations/${visitor.conversationId}`;
      for (const refused of [
        await call(kiosk.url, 'GET', `${path}/activities?watermark=`, { token }),
        await call(kiosk.url, 'POST', `${path}/activities`, { token, body: { type: 'message', text: 'hei' } }),
        await call(kiosk.url, 'POST', '/conversations', { token }),
        await call(kiosk.url, 'POST', '/tokens/refresh', { token }),
      ]) {
        expect(refused.status).toBe(403);
        expect(errorCode(refused.body)).toBe('TokenRevoked');
      }
    }
    // Ending twice is fine (a double tap), and nothing came back meanwhile.
    expect((await call(kiosk.url, 'DELETE', `/conversations/${visitor.conversationId}`, { token: visitor.token })).status).toBe(204);
    expect(await redis.exists(keys.activities, keys.conversation)).toBe(0);

    // The other visitor carries on.
    const next = await say(kiosk.url, bystander, 'aukioloajat');
    expect(next.status).toBe(200);
    expect(botTexts((await poll(kiosk.url, bystander)).activities).join('\n')).toContain(t('livingRoom.hoursTitle'));
  });

  it('also works with an expired token (a tablet that slept past it), but not with a forged one', async () => {
    let skewMs = 0;
    const kiosk = await bot({}, { clock: () => new Date(Date.now() + skewMs) });
    const visitor = await startConversation(kiosk.url);
    skewMs = 2 * 60 * 60_000;
    expect((await call(kiosk.url, 'DELETE', `/conversations/${visitor.conversationId}`, { token: `${visitor.token}x` })).status).toBe(403);
    expect((await call(kiosk.url, 'DELETE', `/conversations/${visitor.conversationId}`, { token: visitor.token })).status).toBe(204);
    expect(await stateStore(kiosk).read([stateKey(visitor)])).toEqual({});
  });
});

describe('Direct Line limits', () => {
  it('refuse a flood of activities from one conversation with 429, and leave other conversations alone', async () => {
    const limited = await bot({ DIRECT_LINE_ACTIVITIES_PER_MINUTE: '3' });
    const flooding = await startConversation(limited.url);
    const statuses = [];
    for (let index = 0; index < 5; index++) statuses.push((await say(limited.url, flooding, `viesti ${index}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);

    const refused = await call(limited.url, 'POST', `/conversations/${flooding.conversationId}/activities`, { token: flooding.token, body: { type: 'message', text: 'vielä' } });
    expect(refused.body).toEqual({ error: { code: 'TooManyRequests', message: expect.stringMatching(/too many activities/) } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    const calm = await startConversation(limited.url);
    expect((await say(limited.url, calm, 'hei')).status).toBe(200);
  });

  it('refuse a flood of polls from one token with 429', async () => {
    const limited = await bot({ DIRECT_LINE_POLLS_PER_MINUTE: '10' });
    const conversation = await startConversation(limited.url);
    const statuses = await Promise.all(
      Array.from({ length: 15 }, async () => (await call(limited.url, 'GET', `/conversations/${conversation.conversationId}/activities?watermark=`, { token: conversation.token })).status),
    );
    // Starting the conversation counted too.
    expect(statuses.filter((status) => status === 200)).toHaveLength(9);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
  });

  it('let a page that polls every second for a minute through with the default limits', async () => {
    const defaults = await bot();
    const conversation = await startConversation(defaults.url);
    for (let second = 0; second < 60; second++) {
      const answer = await call(defaults.url, 'GET', `/conversations/${conversation.conversationId}/activities?watermark=`, { token: conversation.token });
      expect(answer.status).toBe(200);
    }
    // …with a token refresh and a reconnect on top.
    expect((await call(defaults.url, 'POST', '/tokens/refresh', { token: conversation.token })).status).toBe(200);
    expect((await call(defaults.url, 'GET', `/conversations/${conversation.conversationId}`, { token: conversation.token })).status).toBe(200);
  });

  it('refuse too many new conversations from one address', async () => {
    const limited = await bot({ DIRECT_LINE_TOKENS_PER_MINUTE: '2' });
    const statuses = [];
    for (let index = 0; index < 3; index++) statuses.push((await call(limited.url, 'POST', '/tokens/generate')).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('bad input to the Direct Line channel', () => {
  let shared: RunningBot;
  let conversation: Conversation;
  beforeAll(async () => {
    shared = await bot({ MAX_BODY_BYTES: '4096' });
    conversation = await startConversation(shared.url);
  });
  const post = (options: Parameters<typeof call>[3]) =>
    call(shared.url, 'POST', `/conversations/${conversation.conversationId}/activities`, { token: conversation.token, ...options });

  it.each([
    ['no type', { text: 'hei' }, /^type: /],
    ['an unknown type', { type: 'invoke', name: 'x' }, /^type: expected "message" or "event"/],
    ['text that is not a string', { type: 'message', text: 42 }, /^text: expected a string/],
    ['an event without a name', { type: 'event', value: 1 }, /^name: an event needs a name/],
    ['a clientActivityID that is not a string', { type: 'message', text: 'hei', channelData: { clientActivityID: 7 } }, /^channelData\.clientActivityID: /],
    ['a JSON array', [{ type: 'message' }], /JSON object/],
    ['a JSON string', 'hei', /JSON object/],
  ])('answers an activity with %s with 400 naming the field', async (_name, body, message) => {
    const answer = await post({ body });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'BadArgument', message: expect.stringMatching(message) } });
  });

  it('answers invalid JSON with 400, a body that is not JSON with 415 and a body over the size limit with 413, in Direct Line\'s shape', async () => {
    const invalid = await post({ rawBody: '{"type": "message", "text": ' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ error: { code: 'InvalidContent', message: 'the body is not valid JSON' } });
    const notJson = await post({ rawBody: 'type=message&text=hei', contentType: 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(415);
    expect(errorCode(notJson.body)).toBe('UnsupportedMediaType');
    const big = await post({ body: { type: 'message', text: 'x'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ error: { code: 'PayloadTooLarge', message: 'the request body is too large' } });
    for (const answer of [invalid, notJson, big]) noStackTrace(answer.body);
  });

  it('has left the conversation working after all of it', async () => {
    const { watermark } = await poll(shared.url, conversation);
    expect((await say(shared.url, conversation, 'olohuone')).status).toBe(200);
    expect(botTexts((await poll(shared.url, conversation, watermark)).activities).join('\n')).toContain(t('livingRoom.prompt'));
  });
});

describe('the Direct Line channel without Redis', () => {
  it('answers 503 with a reason, as the staff console does', async () => {
    const config = testConfig();
    const app = createApp({ config, logger: createLogger('silent'), locale: finnish(), triage: finnishTriage() });
    const port = await app.listen(0, '127.0.0.1');
    try {
      const answer = await call(`http://127.0.0.1:${port}`, 'POST', '/tokens/generate');
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: { code: 'ServiceUnavailable', message: expect.stringMatching(/Redis/) } });
    } finally {
      await app.close();
    }
  });
});
