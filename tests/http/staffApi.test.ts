import type Redis from 'ioredis';
import { AuditTrail } from '../../services/audit/auditTrail';
import { StaffAccounts } from '../../services/staff/accounts';
import { SuggestionStore } from '../../services/suggestions/suggestionStore';
import { finnish, message, startBot, texts, type RunningBot } from '../support/botTestKit';
import { connectTestRedis } from '../support/testRedis';

const { t } = finnish().messages;
const PASSWORD = 'oikein-pitkä-salasana-1';

let redis: Redis;
beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  await redis.quit();
});

/** A staff member's browser: keeps the session cookie and the CSRF token, as the page does. */
class StaffClient {
  cookie = '';
  csrfToken = '';
  constructor(private readonly bot: RunningBot) {}

  async call(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.bot.url}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(method === 'POST' && this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json: json as Record<string, unknown> };
  }

  async login(username: string, password = PASSWORD) {
    const result = await this.call('POST', '/api/staff/login', { username, password });
    const setCookie = result.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    if (result.status === 200) this.csrfToken = String(result.json.csrfToken);
    return result;
  }
}

/** Files a callback request through the bot's own /api/messages, as a resident would. */
async function fileRequest(bot: RunningBot, conversation: string, matter: string): Promise<string> {
  for (const text of ['hei', t('menu.choice.callback'), matter, '040 123 4567', 'kyllä', 'heti', 'Ohita']) await bot.send(message(conversation, text));
  const saved = await bot.send(message(conversation, 'kyllä'));
  const ref = /AKA-\d{4}-\d{6}/.exec(texts(saved.replies).join('\n'))?.[0];
  if (!ref) throw new Error(`no reference in ${JSON.stringify(texts(saved.replies))}`);
  return ref;
}

async function startWithStaff(names: string[] = ['aino'], clock?: () => Date) {
  const bot = await startBot(clock ? { clock } : {});
  const accounts = new StaffAccounts(redis, { prefix: bot.config.REDIS_KEY_PREFIX });
  for (const name of names) await accounts.add(name, PASSWORD);
  return bot;
}

describe('the staff API: logging in', () => {
  it('gives a session cookie (HttpOnly, SameSite=Strict) and a CSRF token; the same 401 for an unknown user and a wrong password', async () => {
    const bot = await startWithStaff();
    try {
      const staff = new StaffClient(bot);
      const unknown = await staff.call('POST', '/api/staff/login', { username: 'nobody', password: PASSWORD });
      const wrong = await staff.call('POST', '/api/staff/login', { username: 'aino', password: 'väärä-salasana-123' });
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(wrong.text).toBe(unknown.text);

      const ok = await staff.login('aino');
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ username: 'aino', csrfToken: expect.any(String) });
      const cookie = ok.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^aka_staff=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
      expect((await staff.call('GET', '/api/staff/session')).json).toEqual({ username: 'aino', csrfToken: staff.csrfToken });
    } finally {
      await bot.stop();
    }
  });

  it('answers 429 after repeated failures for one user name, even with the right password then', async () => {
    const bot = await startWithStaff();
    try {
      const staff = new StaffClient(bot);
      for (let attempt = 0; attempt < 5; attempt++) expect((await staff.login('aino', 'väärä-salasana-123')).status).toBe(401);
      const blocked = await staff.login('aino');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.json.retryAfterSeconds).toEqual(expect.any(Number));
    } finally {
      await bot.stop();
    }
  });

  it('refuses malformed JSON and missing fields with 400 naming the field', async () => {
    const bot = await startWithStaff();
    try {
      const staff = new StaffClient(bot);
      expect((await staff.call('POST', '/api/staff/login', '{"username": "aino",')).status).toBe(400);
      const missing = await staff.call('POST', '/api/staff/login', { username: 'aino' });
      expect(missing.status).toBe(400);
      expect(missing.json.error).toMatch(/^password: /);
    } finally {
      await bot.stop();
    }
  });

  it('holds the limit against many logins sent at once: each attempt is counted before its password is checked', async () => {
    const bot = await startWithStaff();
    try {
      const staff = new StaffClient(bot);
      const statuses = await Promise.all(Array.from({ length: 20 }, () => staff.call('POST', '/api/staff/login', { username: 'aino', password: 'väärä-salasana-123' })));
      const counts = statuses.map((result) => result.status);
      expect(counts.filter((status) => status === 401)).toHaveLength(5);
      expect(counts.filter((status) => status === 429)).toHaveLength(15);
    } finally {
      await bot.stop();
    }
  });

  it('behind a trusted proxy, counts the address the proxy added, not one the client wrote', async () => {
    const bot = await startBot({ configOverrides: { TRUST_PROXY: 'true' } });
    try {
      await new StaffAccounts(redis, { prefix: bot.config.REDIS_KEY_PREFIX }).add('aino', PASSWORD);
      const staff = new StaffClient(bot);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 21; attempt++) {
        const forwarded = { 'x-forwarded-for': `10.0.0.${attempt}, 192.0.2.1` };
        statuses.push((await staff.call('POST', '/api/staff/login', { username: `nimi${attempt}`, password: 'väärä-salasana-123' }, forwarded)).status);
      }
      expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
      expect(statuses[20]).toBe(429);
    } finally {
      await bot.stop();
    }
  });

  it('takes only JSON: a plain form post cannot log a browser in (415), and a compressed body is refused before it is read', async () => {
    const bot = await startWithStaff();
    try {
      const form = await fetch(`${bot.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `username=aino&password=${encodeURIComponent(PASSWORD)}`,
      });
      expect(form.status).toBe(415);
      expect(form.headers.get('set-cookie')).toBeNull();
      for (const path of ['/api/staff/login', '/api/messages']) {
        const gzipped = await fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'garbage' });
        expect(gzipped.status).toBe(415);
      }
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
      // A cookie with broken percent-encoding is no session, not an error.
      expect((await fetch(`${bot.url}/api/staff/session`, { headers: { cookie: 'aka_staff=%E0%A4%A' } })).status).toBe(401);
    } finally {
      await bot.stop();
    }
  });

  it('ends the session at logout: the cookie no longer opens anything', async () => {
    const bot = await startWithStaff();
    try {
      const staff = new StaffClient(bot);
      await staff.login('aino');
      const cookie = staff.cookie;
      expect((await staff.call('POST', '/api/staff/logout')).status).toBe(200);
      staff.cookie = cookie;
      expect((await staff.call('GET', '/api/staff/requests')).status).toBe(401);
    } finally {
      await bot.stop();
    }
  });
});

describe('the staff API: requests', () => {
  it('lists a request filed through the bot, shows it, and claims and closes it; every step is audited', async () => {
    const bot = await startWithStaff();
    try {
      const ref = await fileRequest(bot, 'staff-flow', 'kela ei maksa <script>alert(1)</script>');
      const staff = new StaffClient(bot);
      expect((await staff.call('GET', '/api/staff/requests')).status).toBe(401);
      await staff.login('aino');

      const listed = await staff.call('GET', '/api/staff/requests?status=new');
      expect(listed.status).toBe(200);
      // The page lists again on every change: the same list is audited once in a while, not per refresh.
      await staff.call('GET', '/api/staff/requests?status=new');
      expect((listed.json.items as { ref: string }[]).map((item) => item.ref)).toEqual([ref]);
      const shown = await staff.call('GET', `/api/staff/requests/${ref}`);
      expect(shown.json).toMatchObject({ ref, status: 'new', phone: '+358401234567', summary: 'kela ei maksa <script>alert(1)</script>' });

      const claimed = await staff.call('POST', `/api/staff/requests/${ref}/claim`);
      expect(claimed.status).toBe(200);
      expect(claimed.json).toMatchObject({ ref, status: 'claimed', claimedBy: 'aino' });
      expect((await staff.call('POST', `/api/staff/requests/${ref}/close`, { outcome: 'referred', note: 'ohjattu Kelaan' })).json).toMatchObject({
        status: 'closed',
        outcome: 'referred',
      });
      expect((await staff.call('POST', `/api/staff/requests/${ref}/claim`)).status).toBe(409);

      const audit = await new AuditTrail(redis, { prefix: bot.config.REDIS_KEY_PREFIX }).recent({ limit: 20 });
      expect(audit.map((entry) => entry.action).reverse()).toEqual(['login', 'list', 'view', 'claim', 'close']);
      expect(audit.every((entry) => entry.who === 'aino')).toBe(true);
      expect(JSON.stringify(audit)).not.toMatch(/358|kela ei maksa|Kelaan/);
    } finally {
      await bot.stop();
    }
  });

  it('lets exactly one of two staff members claim a request at once; the other gets 409', async () => {
    const bot = await startWithStaff(['aino', 'eero']);
    try {
      const ref = await fileRequest(bot, 'staff-race', 'velat');
      const [aino, eero] = [new StaffClient(bot), new StaffClient(bot)];
      await aino.login('aino');
      await eero.login('eero');
      const results = await Promise.all([aino.call('POST', `/api/staff/requests/${ref}/claim`), eero.call('POST', `/api/staff/requests/${ref}/claim`)]);
      expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    } finally {
      await bot.stop();
    }
  });

  it('returns a claim that was not closed in time to the queue', async () => {
    let now = new Date('2026-11-24T10:00:00+02:00');
    const bot = await startWithStaff(['aino'], () => now);
    try {
      const ref = await fileRequest(bot, 'staff-stale', 'asunto');
      const staff = new StaffClient(bot);
      await staff.login('aino');
      await staff.call('POST', `/api/staff/requests/${ref}/claim`);
      expect((await staff.call('GET', '/api/staff/requests?status=new')).json.items).toEqual([]);
      now = new Date(now.getTime() + 61 * 60_000);
      expect((await staff.call('GET', '/api/staff/requests?status=new')).json.items).toEqual([expect.objectContaining({ ref, status: 'new' })]);
    } finally {
      await bot.stop();
    }
  });

  it('refuses a state change without the session\'s CSRF token (403), and bad input with 400 or 404', async () => {
    const bot = await startWithStaff();
    try {
      const ref = await fileRequest(bot, 'staff-bad', 'velat');
      const staff = new StaffClient(bot);
      await staff.login('aino');
      expect((await staff.call('POST', `/api/staff/requests/${ref}/claim`, undefined, { 'x-csrf-token': 'wrong' })).status).toBe(403);
      const token = staff.csrfToken;
      staff.csrfToken = '';
      expect((await staff.call('POST', `/api/staff/requests/${ref}/claim`)).status).toBe(403);
      staff.csrfToken = token;

      expect((await staff.call('GET', '/api/staff/requests/AKA-2026-999999')).status).toBe(404);
      expect((await staff.call('POST', '/api/staff/requests/AKA-2026-999999/claim')).status).toBe(404);
      const badRef = await staff.call('GET', '/api/staff/requests/nonsense');
      expect(badRef.status).toBe(400);
      expect(badRef.json.error).toMatch(/^ref: /);
      const badStatus = await staff.call('GET', '/api/staff/requests?status=maybe');
      expect(badStatus.json.error).toMatch(/^status: /);
      const badOutcome = await staff.call('POST', `/api/staff/requests/${ref}/close`, { outcome: 'solved' });
      expect(badOutcome.status).toBe(400);
      expect(badOutcome.json.error).toMatch(/^outcome: /);
      expect((await staff.call('POST', `/api/staff/requests/${ref}/close`, '{"outcome":')).status).toBe(400);
    } finally {
      await bot.stop();
    }
  });
});

describe('the staff API: suggestions, statistics and the page', () => {
  it('lists suggestions and marks one read', async () => {
    const bot = await startWithStaff();
    try {
      const suggestion = await new SuggestionStore(redis, { prefix: bot.config.REDIS_KEY_PREFIX }).add({ text: 'lautapeli-ilta', channel: 'test', now: new Date() });
      const staff = new StaffClient(bot);
      await staff.login('aino');
      expect((await staff.call('GET', '/api/staff/suggestions')).json.items).toEqual([expect.objectContaining({ id: suggestion.id, read: false })]);
      expect((await staff.call('POST', `/api/staff/suggestions/${suggestion.id}/read`)).json).toMatchObject({ read: true });
      expect((await staff.call('POST', '/api/staff/suggestions/00000000-0000-4000-8000-000000000000/read')).status).toBe(404);
    } finally {
      await bot.stop();
    }
  });

  it('reports anonymous figures, and the CSV holds no phone numbers or summaries', async () => {
    const bot = await startWithStaff();
    try {
      await fileRequest(bot, 'staff-stats', 'ulosotto vie kaiken');
      const staff = new StaffClient(bot);
      await staff.login('aino');
      const stats = await staff.call('GET', '/api/staff/stats');
      const [week] = stats.json.weeks as { created: number }[];
      expect(week?.created).toBe(1);
      const csv = await staff.call('GET', '/api/staff/stats.csv');
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toMatch(/attachment/);
      expect(csv.text).not.toMatch(/358|040|ulosotto/);
    } finally {
      await bot.stop();
    }
  });

  it('serves the page with a strict Content-Security-Policy and no framing', async () => {
    const bot = await startWithStaff();
    try {
      const page = await fetch(`${bot.url}/staff`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect((await fetch(`${bot.url}/staff/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    } finally {
      await bot.stop();
    }
  });

  it('refuses to close or release a colleague\'s claim (409 naming the holder)', async () => {
    const bot = await startWithStaff(['aino', 'eero']);
    try {
      const ref = await fileRequest(bot, 'staff-holder', 'velat');
      const [aino, eero] = [new StaffClient(bot), new StaffClient(bot)];
      await aino.login('aino');
      await eero.login('eero');
      await aino.call('POST', `/api/staff/requests/${ref}/claim`);
      const close = await eero.call('POST', `/api/staff/requests/${ref}/close`, { outcome: 'helped' });
      expect(close.status).toBe(409);
      expect(close.json.claimedBy).toBe('aino');
      expect((await eero.call('POST', `/api/staff/requests/${ref}/release`)).status).toBe(409);
    } finally {
      await bot.stop();
    }
  });

  it('ends the event stream when its session ends', async () => {
    const bot = await startWithStaff();
    try {
      const staff = new StaffClient(bot);
      await staff.login('aino');
      const stream = await fetch(`${bot.url}/api/staff/events`, { headers: { cookie: staff.cookie } });
      const reader = stream.body!.getReader();
      await reader.read();
      await staff.call('POST', '/api/staff/logout');
      let done = false;
      while (!done) done = (await reader.read()).done;
      expect(done).toBe(true);
    } finally {
      await bot.stop();
    }
  });

  it('tells the page by a server-sent event when a request is filed', async () => {
    const bot = await startWithStaff();
    const controller = new AbortController();
    try {
      const staff = new StaffClient(bot);
      await staff.login('aino');
      const stream = await fetch(`${bot.url}/api/staff/events`, { headers: { cookie: staff.cookie }, signal: controller.signal });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = stream.body!.getReader();
      await reader.read(); // the retry line
      const filed = fileRequest(bot, 'staff-events', 'velat');
      let received = '';
      while (!received.includes('event: requests')) received += new TextDecoder().decode((await reader.read()).value);
      await filed;
    } finally {
      controller.abort();
      await bot.stop();
    }
  });
});
