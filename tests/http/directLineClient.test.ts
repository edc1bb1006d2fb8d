import { ConnectionStatus, DirectLine, type Activity } from 'botframework-directlinejs';
import type Redis from 'ioredis';
import { Observable } from 'rxjs/Observable';
import type { AjaxCreationMethod, AjaxRequest, AjaxResponse } from 'rxjs/observable/dom/AjaxObservable';
import { finnish, startBot, testConfig, type RunningBot } from '../support/botTestKit';
import { DIRECT_LINE, call, claimsOf, generateToken } from '../support/directLineKit';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/testRedis';

/**
 * Web Chat's own Direct Line client (botframework-directlinejs, polling, as the residents' page configures it)
 * against the bot's self-hosted channel: it connects with a token from the page's endpoint, receives the
 * welcome, posts, sees its activity echoed and answered, and notices when its conversation is ended.
 */

/**
 * The client makes its HTTP requests through rxjs's ajax, which needs a browser's XMLHttpRequest. Node has
 * fetch; the client takes its transport as its `ajax` service (as the library's own tests do), so requests go
 * through this instead: the same method, URL, headers and JSON body, and the answer (or the error, with its
 * status and headers) in the shape rxjs gives. Everything else is the real client.
 */
const fetchAjax = (request: string | AjaxRequest): Observable<AjaxResponse> =>
  new Observable<AjaxResponse>((subscriber) => {
    const { url = '', method = 'GET', headers = {}, body, timeout } = typeof request === 'string' ? { url: request } : request;
    const controller = new AbortController();
    const timer = timeout ? setTimeout(() => controller.abort(), timeout) : undefined;
    fetch(url, {
      method,
      headers: headers as Record<string, string>,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    })
      .then(async (response) => {
        const text = await response.text();
        const answer = {
          status: response.status,
          response: text === '' ? null : (JSON.parse(text) as unknown),
          responseText: text,
          responseType: 'json',
          request,
          xhr: { getResponseHeader: (name: string) => response.headers.get(name) },
        };
        if (response.ok) {
          subscriber.next(answer as unknown as AjaxResponse);
          subscriber.complete();
        } else {
          subscriber.error(Object.assign(new Error(`ajax error ${response.status}`), answer));
        }
      })
      .catch((error: unknown) => subscriber.error(Object.assign(new Error(String(error)), { status: 0 })))
      .finally(() => clearTimeout(timer));
    return () => controller.abort();
  });

/** Node 20 has no WebSocket; the client only looks it up, and with `webSocket: false` never uses it. */
class NoWebSocket {
  constructor() {
    throw new Error('this channel is polled; no WebSocket');
  }
}

/** What the client receives; DirectLineJS's own type leaves out replyToId, which the channel sets. */
type Received = Activity & { replyToId?: string };

const { t } = finnish().messages;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('botframework-directlinejs (Web Chat\'s client) against the self-hosted channel', () => {
  let bot: RunningBot;
  let redis: Redis;
  const clients: DirectLine[] = [];

  beforeAll(async () => {
    redis = connectTestRedis();
    bot = await startBot({ config: testConfig({ DIRECT_LINE_SECRET: 'client-test-secret-client-test-secret-0123' }) });
  });
  afterAll(async () => {
    for (const client of clients) client.end();
    await bot.stop();
    await deleteKeysWithPrefix(redis, bot.config.REDIS_KEY_PREFIX);
    await redis.quit();
  });

  /** A client as the residents' page makes one: a token from the page's endpoint, polling, our origin as its domain. */
  async function connect(): Promise<{ client: DirectLine; received: Received[]; token: string }> {
    const { token } = await generateToken(bot.url);
    const client = new DirectLine({
      token,
      domain: `${bot.url}${DIRECT_LINE}`,
      webSocket: false,
      pollingInterval: 250,
      ajax: fetchAjax as unknown as AjaxCreationMethod,
      WebSocket: NoWebSocket as unknown as typeof WebSocket,
    });
    clients.push(client);
    const received: Received[] = [];
    // The stream ends with an error ("conversation ended") when the client is ended, as Web Chat expects.
    client.activity$.subscribe({ next: (activity) => received.push(activity), error: () => undefined });
    return { client, received, token };
  }

  const textOf = (activity: Activity) => ('text' in activity ? (activity.text ?? '') : '');

  it('connects, receives the Finnish welcome, and posts a message that comes back echoed (so Web Chat marks it sent) and answered', async () => {
    const { client, received, token } = await connect();
    await until('the welcome', () => received.some((activity) => textOf(activity).includes(t('welcome.greeting'))));
    expect(client.connectionStatus$.getValue()).toBe(ConnectionStatus.Online);
    const conversationId = claimsOf(token).conv as string;

    const id = await client
      .postActivity({ type: 'message', from: { id: 'page-user' }, text: 'olohuone', channelData: { clientActivityID: 'client-1' } } as Activity)
      .toPromise();
    expect(id).toMatch(new RegExp(`^${conversationId}\\|\\d{7}$`));

    await until('the answer', () => received.some((activity) => activity.replyToId === id && textOf(activity).includes(t('livingRoom.prompt'))));
    const echo = received.find((activity) => activity.id === id);
    expect(echo).toMatchObject({ type: 'message', text: 'olohuone', channelData: { clientActivityID: 'client-1' }, from: { id: claimsOf(token).user, role: 'user' } });
    // Every activity arrives once: the client's watermark moves on.
    const ids = received.map((activity) => activity.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sends webchat/join as Web Chat does, and gets the crisis reply to a crisis message', async () => {
    const { client, received } = await connect();
    await until('the welcome', () => received.some((activity) => textOf(activity).includes(t('welcome.greeting'))));
    const joined = await client.postActivity({ type: 'event', name: 'webchat/join', from: { id: 'page-user' }, value: {} } as Activity).toPromise();
    await until('the join event echoed', () => received.some((activity) => activity.id === joined));

    const id = await client.postActivity({ type: 'message', from: { id: 'page-user' }, text: 'en jaksa enää elää' } as Activity).toPromise();
    await until('the crisis reply', () => received.some((activity) => activity.replyToId === id && textOf(activity) === t('crisis.intro')));
    // One welcome only, though both the start of the conversation and webchat/join could have given one.
    expect(received.filter((activity) => textOf(activity).includes(t('welcome.greeting')))).toHaveLength(1);
  });

  it('refreshes its token through /tokens/refresh, for the same conversation', async () => {
    const { client, received, token } = await connect();
    await until('the welcome', () => received.some((activity) => textOf(activity).includes(t('welcome.greeting'))));
    // The client's refresh loop runs every 15 minutes; this is the request it makes then.
    const refreshed = await (client['refreshToken']() as Observable<string>).toPromise();
    expect(refreshed).not.toBe(token);
    expect(claimsOf(refreshed)).toMatchObject({ conv: claimsOf(token).conv, user: claimsOf(token).user });
  });

  it('notices when its conversation is ended (the kiosk\'s reset): its polls are refused and it stops', async () => {
    const { client, received, token } = await connect();
    await until('the welcome', () => received.some((activity) => textOf(activity).includes(t('welcome.greeting'))));
    const ended = await call(bot.url, 'DELETE', `/conversations/${claimsOf(token).conv as string}`, { token });
    expect(ended.status).toBe(204);
    await until('the client to see its token refused', () => client.connectionStatus$.getValue() === ConnectionStatus.ExpiredToken);
  });
});
