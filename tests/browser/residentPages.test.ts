/**
 * The residents' pages (web/resident/) in a real browser: Debian's Chromium driven by playwright-core, against the
 * real bot started in this process, with axe-core checking WCAG 2.1 A/AA. Screenshots go to
 * test-artifacts/resident-pages/.
 *
 * WHAT THIS TEST EXPECTS OF THE SERVER (issue 6; the Direct Line server is written alongside these pages):
 * - `createApp` calls `registerResidentPages` (bot/web/webRoutes.ts) with the config's KIOSK_IDLE_WARNING_SECONDS and
 *   KIOSK_IDLE_RESET_SECONDS, which `startBot({ configOverrides })` sets to 2 and 4 seconds here.
 * - Direct Line 3.0 under /v3/directline: POST tokens/generate {user:{id}} → {conversationId, token}; POST
 *   conversations, GET/POST conversations/:id/activities (polling, the user's activity echoed back with its
 *   channelData.clientActivityID), POST tokens/refresh; the `webchat/join` event reaches the bot, which welcomes.
 * - DELETE /v3/directline/conversations/:id with the conversation's token → 2xx, after which no key under the bot's
 *   REDIS_KEY_PREFIX holds that conversation (its activities and the bot's state are gone).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type Redis from 'ioredis';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { defaultLocalesDir } from '../../services/locales/locale';
import { loadWebTexts } from '../../services/locales/webTexts';
import { finnish, startBot, type RunningBot } from '../support/botTestKit';
import { connectTestRedis, deleteKeysWithPrefix, keysWithPrefix } from '../support/testRedis';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'resident-pages');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const IDLE = { warning: 2, reset: 4 };
const MATTER = 'kela ei oo maksanu';
const SLOW = 60_000;

const { t } = finnish().messages;
const words = loadWebTexts(defaultLocalesDir());
const kelaName = finnish().services.get('kela').name;

/** Chromium is required, never skipped: without it the test fails saying how to install it. */
function chromiumExecutable(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}. The residents' pages' browser test needs Debian's Chromium: ` +
        'install it with `apt-get install chromium` (.ci/run does this when it is missing), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return CHROMIUM_PATH;
}

/** The real bot, with the kiosk's idle times shortened by its configuration (not by anything in the page's address). */
function startResidentBot(): Promise<RunningBot> {
  return startBot({ configOverrides: { KIOSK_IDLE_WARNING_SECONDS: String(IDLE.warning), KIOSK_IDLE_RESET_SECONDS: String(IDLE.reset) } });
}

/** axe with the WCAG 2.1 A and AA rules: no serious or critical violation on the view. */
async function expectAccessible(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} – ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect({ view, serious }).toEqual({ view, serious: [] });
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const screenshot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const bubble = (page: Page, text: string) => page.locator('#webchat .webchat__bubble__content', { hasText: text }).first();
const userBubble = (page: Page, text: string) => page.locator('#webchat .webchat__bubble--from-user', { hasText: text }).first();
const suggestedAction = (page: Page, label: string) => page.locator('#webchat .webchat__suggested-actions__button', { hasText: label }).first();
const sendBox = (page: Page) => page.getByRole('textbox', { name: words.webChat.TEXT_INPUT_ALT });
const transcriptText = async (page: Page) => (await page.locator('#webchat').textContent()) ?? '';

/** The security headers every chat page has: a per-response style nonce, and nothing inline or evaluated. */
function expectStrictPolicy(response: Response | null): void {
  expect(response?.status()).toBe(200);
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self'");
  expect(policy).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(response?.headers()['x-frame-options']).toBe('DENY');
}

/** The element that has the keyboard focus, as its tag and text. */
const focused = (page: Page) => page.evaluate('document.activeElement.tagName + " " + document.activeElement.textContent.trim()') as Promise<string>;

/** Whatever the browser keeps for the site: it must be nothing. */
async function browserStorage(page: Page, context: BrowserContext) {
  // A string, not a function: the tests are compiled without the DOM's types.
  const stored = (await page.evaluate('({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })')) as Record<string, unknown>;
  return { ...stored, cookies: (await context.cookies()).length };
}

describe('the residents\' pages in Chromium', () => {
  let browser: Browser;
  let bot: RunningBot;
  let redis: Redis;
  /** Console errors, page errors, CSP violations and alert dialogs: none may happen. */
  const problems: string[] = [];
  /** Conversation ids the pages were given, in order (from the Direct Line answers). */
  const conversations: string[] = [];

  async function openPage(path: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; context: BrowserContext; response: Response | null }> {
    const context = await browser.newContext({ viewport, locale: 'fi-FI', timezoneId: 'Europe/Helsinki', hasTouch: path === '/kiosk' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    page.on('console', (entry) => {
      if (entry.type() === 'error') problems.push(`${path} console: ${entry.text()} (${entry.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`${path} page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`${path}: a ${dialog.type()} dialog ran: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && /\/v3\/directline\/(tokens\/generate|conversations)$/.test(response.url())) {
        void response.json().then(
          (body: { conversationId?: string }) => {
            if (body.conversationId && !conversations.includes(body.conversationId)) conversations.push(body.conversationId);
          },
          () => undefined,
        );
      }
    });
    const response = await page.goto(`${bot.url}${path}`);
    return { page, context, response };
  }

  /** The keys under the bot's prefix that name a conversation (its activities, the bot's state, its counters). */
  const keysOf = async (conversationId: string) => (await keysWithPrefix(redis, bot.config.REDIS_KEY_PREFIX)).filter((key) => key.includes(conversationId));
  /** The bot's own state of a conversation: `<prefix>state:{<channel>/conversations/<id>/}` (README, storage keys). */
  const stateKeysOf = async (conversationId: string) => (await keysOf(conversationId)).filter((key) => key.startsWith(`${bot.config.REDIS_KEY_PREFIX}state:`));
  /** Everything the keys of a conversation hold, as text: what was said must not be in it after the conversation ends. */
  async function contentOf(conversationId: string): Promise<string> {
    const values: string[] = [];
    for (const key of await keysOf(conversationId)) {
      const type = await redis.type(key);
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'hash') values.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, 0, -1)));
      else values.push(`(${type} ${key})`);
    }
    return values.join('\n');
  }

  beforeAll(async () => {
    const executablePath = chromiumExecutable();
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    bot = await startResidentBot();
    redis = connectTestRedis();
    // Without the pages or the channel every step below would only time out: say at once what is missing.
    if ((await fetch(`${bot.url}/kiosk`)).status !== 200) {
      throw new Error('the bot does not serve /kiosk: createApp must call registerResidentPages (bot/web/webRoutes.ts) with the kiosk idle times from its config');
    }
    const token = await fetch(`${bot.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":{"id":"probe"}}' });
    if (!token.ok) throw new Error(`the bot's Direct Line server gives no token: POST /v3/directline/tokens/generate answered ${token.status}`);
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    if (bot) {
      await bot.stop();
      await deleteKeysWithPrefix(redis, bot.config.REDIS_KEY_PREFIX);
    }
    await redis?.quit();
  });

  describe('the web page /', () => {
    let page: Page;
    let context: BrowserContext;

    it('opens under a strict Content-Security-Policy and the bot welcomes in Finnish', async () => {
      const opened = await openPage('/');
      ({ page, context } = opened);
      expectStrictPolicy(opened.response);
      await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fi');
      await page.getByRole('heading', { level: 1, name: words.chat.heading }).waitFor();
      await bubble(page, t('welcome.greeting')).waitFor();
      await bubble(page, t('menu.prompt')).waitFor();
      await suggestedAction(page, t('menu.choice.matter')).waitFor();
      await page.getByRole('link', { name: words.page.privacyLink }).waitFor();
      await page.getByRole('link', { name: words.page.accessibilityLink }).waitFor();
      await screenshot(page, '01-web-welcome');
      await expectAccessible(page, 'web page');
    }, SLOW);

    it('a suggested action and a typed Finnish message get the right replies, and the message shows as sent', async () => {
      await suggestedAction(page, t('menu.choice.matter')).click();
      await bubble(page, t('triage.ask')).waitFor();

      await sendBox(page).fill(MATTER);
      await sendBox(page).press('Enter');
      await userBubble(page, MATTER).waitFor();
      await bubble(page, t('triage.found')).waitFor();
      await page.locator('#webchat .ac-adaptiveCard', { hasText: kelaName }).first().waitFor();
      await waitUntil('the message shows as sent', async () => !(await transcriptText(page)).includes('Lähetetään'));
      const transcript = await transcriptText(page);
      expect(transcript).not.toContain('Lähetys epäonnistui');
      expect(transcript).not.toContain('Yritä uudelleen');
      await screenshot(page, '02-web-triage');
    }, SLOW);

    it('"Aloita alusta" starts again: the bot answers with its main menu', async () => {
      await page.getByRole('button', { name: words.chat.restartButton }).click();
      await bubble(page, t('restart.done')).waitFor();
      await waitUntil('the main menu is offered again', async () => (await transcriptText(page)).split(t('menu.prompt')).length > 2);
      await expectAccessible(page, 'web page after a conversation');
    }, SLOW);

    it('the skip link is the first stop for the keyboard and leads to the main content', async () => {
      await page.reload();
      await bubble(page, t('welcome.greeting')).waitFor();
      await page.keyboard.press('Tab');
      await expect(focused(page)).resolves.toBe(`A ${words.page.skipLink}`);
      await page.keyboard.press('Enter');
      await expect(focused(page)).resolves.toMatch(/^MAIN /);
    }, SLOW);

    it('keeps nothing of the conversation in the browser', async () => {
      await expect(browserStorage(page, context)).resolves.toEqual({ local: 0, session: 0, cookie: '', cookies: 0 });
      await context.close();
    });
  });

  describe('the kiosk /kiosk', () => {
    let page: Page;
    let context: BrowserContext;

    it('opens full screen with the shared-device note, large touch targets and the welcome', async () => {
      const opened = await openPage('/kiosk', { width: 1280, height: 800 });
      ({ page, context } = opened);
      expectStrictPolicy(opened.response);
      await page.getByText(words.kiosk.sharedNote).waitFor();
      await bubble(page, t('welcome.greeting')).waitFor();
      await suggestedAction(page, t('menu.choice.matter')).waitFor();
      const end = page.getByRole('button', { name: words.kiosk.endButton });
      await waitUntil('"Lopeta ja tyhjennä" can be used', () => end.isEnabled());
      const targets = [end, suggestedAction(page, t('menu.choice.matter')), sendBox(page), page.getByRole('link', { name: words.page.privacyLink })];
      for (const target of targets) {
        const box = await target.boundingBox();
        expect(box?.height).toBeGreaterThanOrEqual(48);
      }
      await screenshot(page, '03-kiosk-welcome');
      await expectAccessible(page, 'kiosk');
    }, SLOW);

    it('after the idle time it asks "Oletko vielä siellä?", then clears the transcript, deletes the conversation in Redis and welcomes anew', async () => {
      await suggestedAction(page, t('menu.choice.matter')).click();
      await bubble(page, t('triage.ask')).waitFor();
      await sendBox(page).fill(MATTER);
      await sendBox(page).press('Enter');
      const ended = page.waitForResponse((response) => response.request().method() === 'DELETE' && response.url().includes('/v3/directline/conversations/'), {
        timeout: 20_000,
      });
      await bubble(page, t('triage.found')).waitFor();
      const oldConversation = conversations.at(-1)!;
      expect(oldConversation).toBeDefined();
      await waitUntil('the conversation and its state are in Redis', async () => (await stateKeysOf(oldConversation)).length > 0 && (await contentOf(oldConversation)).includes(MATTER));

      const warning = page.getByRole('dialog', { name: words.kiosk.idleTitle });
      await warning.waitFor({ timeout: IDLE.warning * 1000 + 5000 });
      await expect(focused(page)).resolves.toBe(`BUTTON ${words.kiosk.continueButton}`);
      await screenshot(page, '04-kiosk-idle-warning');
      await expectAccessible(page, 'kiosk idle warning');

      const deleted = await ended;
      expect(deleted.status()).toBeLessThan(300);
      expect(deleted.url()).toContain(oldConversation);
      await warning.waitFor({ state: 'hidden' });
      await bubble(page, t('welcome.greeting')).waitFor();
      await waitUntil('a new conversation has started', async () => conversations.at(-1) !== oldConversation);
      const transcript = await transcriptText(page);
      expect(transcript).not.toContain(MATTER);
      expect(transcript).not.toContain(t('triage.found'));
      expect(transcript.split(t('welcome.greeting')).length - 1).toBeGreaterThanOrEqual(1);
      await page.getByText(words.kiosk.cleared).waitFor();
      // What may stay is only what holds nothing said (such as a mark that the conversation has ended).
      await expect(stateKeysOf(oldConversation)).resolves.toEqual([]);
      const left = await contentOf(oldConversation);
      expect(left).not.toContain(MATTER);
      expect(left).not.toContain(t('welcome.greeting'));
      await expect(browserStorage(page, context)).resolves.toEqual({ local: 0, session: 0, cookie: '', cookies: 0 });
      await screenshot(page, '05-kiosk-cleared');
    }, SLOW);

    it('"Jatka keskustelua" keeps the conversation, and "Lopeta ja tyhjennä" clears it at once', async () => {
      await suggestedAction(page, t('menu.choice.livingRoom')).click();
      await bubble(page, t('livingRoom.prompt')).waitFor();
      const conversation = conversations.at(-1)!;
      await waitUntil('the conversation\'s state is in Redis', async () => (await stateKeysOf(conversation)).length > 0);
      const warning = page.getByRole('dialog', { name: words.kiosk.idleTitle });
      await warning.waitFor({ timeout: IDLE.warning * 1000 + 5000 });
      await page.getByRole('button', { name: words.kiosk.continueButton }).click();
      await warning.waitFor({ state: 'hidden' });
      expect(await transcriptText(page)).toContain(t('livingRoom.prompt'));
      expect(conversations.at(-1)).toBe(conversation);

      const ended = page.waitForResponse((response) => response.request().method() === 'DELETE' && response.url().includes(conversation));
      await page.locator('.chat-bar').getByRole('button', { name: words.kiosk.endButton }).click();
      expect((await ended).status()).toBeLessThan(300);
      await waitUntil('a new conversation has started', async () => conversations.at(-1) !== conversation);
      await bubble(page, t('welcome.greeting')).waitFor();
      expect(await transcriptText(page)).not.toContain(t('livingRoom.prompt'));
      await expect(stateKeysOf(conversation)).resolves.toEqual([]);
      expect(await contentOf(conversation)).not.toContain(t('livingRoom.prompt'));
      await expect(browserStorage(page, context)).resolves.toEqual({ local: 0, session: 0, cookie: '', cookies: 0 });
      await context.close();
    }, SLOW);
  });

  describe('the notices', () => {
    it.each([
      ['/tietosuoja', words.privacy.heading, '06-privacy'],
      ['/saavutettavuus', words.accessibility.heading, '07-accessibility'],
    ])('%s is accessible plain Finnish with no script', async (path, heading, shot) => {
      const { page, context, response } = await openPage(path);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).not.toContain('script-src');
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.getByRole('link', { name: words.privacy.backLink }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
      await expectAccessible(page, path);
      await context.close();
    }, SLOW);
  });

  describe('afterwards', () => {
    it('nothing went wrong in the browser: no console errors, page errors or CSP violations', () => {
      expect(problems).toEqual([]);
    });
  });
});
