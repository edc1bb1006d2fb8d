/**
 * The staff console (web/staff/) in a real browser: Debian's Chromium driven by playwright-core, against the real
 * bot started in this process, with axe-core checking WCAG 2.1 A/AA. Screenshots go to test-artifacts/staff-console/.
 *
 * WHAT THIS TEST EXPECTS OF THE SERVER (issue 5; the staff API is written alongside this test):
 * - Accounts: `services/staff/accounts.ts` exports `StaffAccounts`, `new StaffAccounts(redis, { prefix })` with
 *   `add(username, password)`; the bot from `startBot()` finds an account added under its own `REDIS_KEY_PREFIX`.
 * - Pages: `createApp` serves GET /staff (web/staff/index.html), /staff/app.js and /staff/app.css, the page with a
 *   Content-Security-Policy header that has `script-src 'self'` and no 'unsafe-inline'.
 * - Session: POST /api/staff/login {username, password} → 200 {username, csrfToken} and a session cookie the browser
 *   sends back over plain http://127.0.0.1 (so not `Secure` on a plain-HTTP request); GET /api/staff/session →
 *   {username, csrfToken}; POST /api/staff/logout. Every POST carries `x-csrf-token`.
 * - Requests: GET /api/staff/requests?status=new|claimed|closed → {items}, urgent first, holding the requests the
 *   callback dialog filed through POST /api/messages (the bot's own CallbackStore under the same prefix);
 *   GET /api/staff/requests/:ref → the request (ref, status, claimedBy, outcome, note, window, phone, …);
 *   POST /api/staff/requests/:ref/claim and /close {outcome, note}.
 * - Live updates: GET /api/staff/events sends an event `requests` when a request is filed (the page falls back to
 *   polling every 15 s, so a new request must show within 20 s either way).
 * - Suggestions: GET /api/staff/suggestions → {items:[{id, createdAt, text, channel, read}]},
 *   POST /api/staff/suggestions/:id/read.
 * - Statistics: GET /api/staff/stats → {weeks:[{week, created, closed, urgent, byService, …}]} counting this test's
 *   requests in the current week (a request with no service under `none`); GET /api/staff/stats.csv → 200.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type Redis from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { StaffAccounts } from '../../services/staff/accounts';
import { formatCallbackWindow } from '../../services/time/callbackWindow';
import { finnish, message, startBot, texts, type RunningBot } from '../support/botTestKit';
import { connectTestRedis, deleteKeysWithPrefix } from '../support/testRedis';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'staff-console');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const USERNAME = 'testi.tyontekija';
const PASSWORD = 'pitkä testisalasana 2026';
const SCRIPT = '<script>alert(1)</script>';
const MATTER = `Kelan päätös on epäselvä ${SCRIPT}`;
const IDEA = 'Lautapeli-ilta olohuoneeseen <b>kiitos</b>';
const NOTE = 'Soitettu, neuvottu hakemaan oikaisua.';
const SLOW = 60_000;

const { t } = finnish().messages;

/** Chromium is required, never skipped: without it the test fails saying how to install it. */
function chromiumExecutable(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}. The staff console's browser test needs Debian's Chromium: ` +
        'install it with `apt-get install chromium` (.ci/run does this when it is missing), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return CHROMIUM_PATH;
}

/** Files a callback request through the bot's own POST /api/messages, as a resident would, and returns its reference. */
async function fileCallback(bot: RunningBot, conversation: string, answers: { urgent?: boolean; matter: string; phone: string; name?: string }): Promise<string> {
  const skipName = t('callback.choice.skipName');
  const steps = answers.urgent
    ? ['hei', t('crisis.choice.urgentCallback'), answers.matter, answers.phone, t('confirm.yes'), answers.name ?? skipName]
    : ['hei', t('menu.choice.callback'), answers.matter, answers.phone, t('confirm.yes'), t('callback.choice.any'), answers.name ?? skipName];
  for (const text of steps) {
    const { status } = await bot.send(message(conversation, text));
    expect(status).toBe(200);
  }
  const { replies } = await bot.send(message(conversation, t('confirm.yes')));
  const ref = /AKA-\d{4}-\d{6,}/.exec(texts(replies).join('\n'))?.[0];
  if (!ref) throw new Error(`the callback dialog filed nothing; the bot said: ${texts(replies).join(' | ')}`);
  return ref;
}

async function leaveSuggestion(bot: RunningBot, conversation: string, idea: string): Promise<void> {
  for (const text of ['hei', t('menu.choice.suggestion'), idea]) {
    const { status } = await bot.send(message(conversation, text));
    expect(status).toBe(200);
  }
}

/** axe with the WCAG 2.1 A and AA rules: no serious or critical violation on the view. */
async function expectAccessible(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} – ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect({ view, serious }).toEqual({ view, serious: [] });
}

const screenshot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('the staff console in Chromium', () => {
  let browser: Browser;
  let bot: RunningBot;
  let redis: Redis;
  let page: Page;
  let normalRef = '';
  let urgentRef = '';
  /** Console errors, page errors, CSP violations and alert dialogs: none may happen. */
  const problems: string[] = [];
  /** The steps after logging in build on it: without it they fail at once, saying why, instead of timing out. */
  let signedIn = false;
  const requireSignedIn = () => {
    if (!signedIn) throw new Error('not run: logging in to the staff console failed in an earlier test of this file');
  };

  beforeAll(async () => {
    const executablePath = chromiumExecutable();
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    bot = await startBot();
    redis = connectTestRedis();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fi-FI', timezoneId: 'Europe/Helsinki' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));",
    });
    page.on('console', (entry) => {
      if (entry.type() === 'error') problems.push(`console: ${entry.text()} (${entry.location().url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`a ${dialog.type()} dialog ran: ${dialog.message()}`);
      void dialog.dismiss();
    });
  }, SLOW);

  afterAll(async () => {
    await browser?.close();
    if (bot) {
      await bot.stop();
      await deleteKeysWithPrefix(redis, bot.config.REDIS_KEY_PREFIX);
    }
    await redis?.quit();
  });

  it('files callback requests and a suggestion through the bot\'s own POST /api/messages', async () => {
    normalRef = await fileCallback(bot, 'staff-console-normal', { matter: MATTER, phone: '040 123 4567', name: 'Aino' });
    urgentRef = await fileCallback(bot, 'staff-console-urgent', { urgent: true, matter: 'Tarvitsen apua vuokran maksamisessa', phone: '050 765 4321' });
    await leaveSuggestion(bot, 'staff-console-idea', IDEA);
    expect(normalRef).not.toBe(urgentRef);
  }, SLOW);

  it('serves the login page under a strict Content-Security-Policy, accessible', async () => {
    const response = await page.goto(`${bot.url}/staff`);
    expect(response?.status()).toBe(200);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    await page.getByRole('heading', { name: 'Kirjaudu sisään' }).waitFor();
    await expect(page.getByLabel('Käyttäjätunnus').getAttribute('autocomplete')).resolves.toBe('username');
    await expect(page.getByLabel('Salasana').getAttribute('autocomplete')).resolves.toBe('current-password');
    await screenshot(page, '01-login');
    await expectAccessible(page, 'login');
  }, SLOW);

  it('logs in and shows the queue, the urgent request first and marked "Kiireellinen"', async () => {
    await new StaffAccounts(redis, { prefix: bot.config.REDIS_KEY_PREFIX }).add(USERNAME, PASSWORD);

    await page.getByLabel('Käyttäjätunnus').fill(USERNAME);
    await page.getByLabel('Salasana').fill(PASSWORD);
    await page.getByRole('button', { name: 'Kirjaudu sisään' }).click();
    await page.getByRole('heading', { name: 'Jono', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Kirjaudu ulos' }).waitFor();

    const cards = page.locator('#list-new > li');
    await cards.filter({ hasText: normalRef }).waitFor();
    await expect(cards.first().textContent()).resolves.toContain(urgentRef);
    await expect(cards.first().textContent()).resolves.toContain('Kiireellinen');
    await expect(cards.filter({ hasText: normalRef }).textContent()).resolves.not.toContain('Kiireellinen');
    signedIn = true;
    await screenshot(page, '02-queue');
    await expectAccessible(page, 'queue');
  }, SLOW);

  it('shows what a resident typed as text: a <script> in a summary does not run', async () => {
    requireSignedIn();
    const card = page.locator('#list-new > li').filter({ hasText: normalRef });
    await expect(card.textContent()).resolves.toContain(SCRIPT);
    await expect(page.locator('#list-new script').count()).resolves.toBe(0);
    expect(problems.filter((problem) => problem.includes('dialog'))).toEqual([]);
  });

  it('updates the queue by itself when a request arrives, and says so politely', async () => {
    requireSignedIn();
    const laterRef = await fileCallback(bot, 'staff-console-later', { matter: 'Digituki: en osaa kirjautua OmaKelaan', phone: '044 987 6543' });
    await page.locator('#list-new > li').filter({ hasText: laterRef }).waitFor({ timeout: 20_000 });
    await page.locator('[aria-live="polite"]').filter({ hasText: 'Jonoon tuli uusi soittopyyntö' }).waitFor({ state: 'attached' });
  }, SLOW);

  it('opens a request: the matter, the preferred time, the callback window in Finnish and the phone as a tel: link', async () => {
    requireSignedIn();
    await page.getByRole('link', { name: normalRef }).click();
    await page.getByRole('heading', { name: `Soittopyyntö ${normalRef}` }).waitFor();
    await page.getByRole('button', { name: 'Ota itselle' }).waitFor();

    const stored = (await (await page.request.get(`${bot.url}/api/staff/requests/${normalRef}`)).json()) as { window: { start: string; end: string } };
    const window = formatCallbackWindow({ start: new Date(stored.window.start), end: new Date(stored.window.end) }, finnish().time);
    const detail = page.locator('#detail-body');
    await expect(detail.textContent()).resolves.toContain(window);
    await expect(detail.textContent()).resolves.toContain(MATTER);
    await expect(detail.textContent()).resolves.toContain('Aino');
    await expect(detail.textContent()).resolves.toContain(t('callback.choice.any'));
    const phone = page.getByRole('link', { name: /040 123 4567/ });
    await expect(phone.getAttribute('href')).resolves.toBe('tel:+358401234567');
    await expect(page.locator('#detail-body script').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Palauta jonoon' }).isDisabled()).resolves.toBe(true);
    await screenshot(page, '03-detail');
    await expectAccessible(page, 'detail');
  }, SLOW);

  it('claims the request and closes it with an outcome and a note', async () => {
    requireSignedIn();
    await page.getByRole('button', { name: 'Ota itselle' }).click();
    await page.getByText('Otit pyynnön itsellesi').waitFor();
    const claimed = (await (await page.request.get(`${bot.url}/api/staff/requests/${normalRef}`)).json()) as Record<string, unknown>;
    expect(claimed).toMatchObject({ ref: normalRef, status: 'claimed', claimedBy: USERNAME });

    await page.getByLabel('Lopputulos').selectOption({ label: 'Tavoitettiin ja autettiin' });
    await page.getByLabel('Muistiinpano (vapaaehtoinen)').fill(NOTE);
    await screenshot(page, '04-closing');
    await page.getByRole('button', { name: 'Sulje pyyntö' }).click();
    await page.getByText('Pyyntö suljettiin.').waitFor();
    await expect(page.getByRole('button', { name: 'Avaa uudelleen' }).isEnabled()).resolves.toBe(true);
    const closed = (await (await page.request.get(`${bot.url}/api/staff/requests/${normalRef}`)).json()) as Record<string, unknown>;
    expect(closed).toMatchObject({ ref: normalRef, status: 'closed', outcome: 'helped', note: NOTE });
    await screenshot(page, '05-closed');

    await page.getByRole('link', { name: 'Suljetut' }).click();
    await page.locator('#list-closed > li').filter({ hasText: normalRef }).waitFor();
  }, SLOW);

  it('shows suggestions as text and marks one read', async () => {
    requireSignedIn();
    await page.getByRole('link', { name: 'Aloitteet' }).click();
    const card = page.locator('#list-suggestions > li').filter({ hasText: IDEA });
    await card.waitFor();
    await expect(page.locator('#list-suggestions b').count()).resolves.toBe(0);
    await card.getByRole('button', { name: 'Merkitse luetuksi' }).click();
    await card.getByText('Luettu').waitFor();
  }, SLOW);

  it('draws the statistics: an SVG bar chart with a title, a data table, the figures and the CSV link', async () => {
    requireSignedIn();
    await page.getByRole('link', { name: 'Tilastot' }).click();
    const chart = page.locator('#stats-chart svg');
    await chart.locator('rect.bar').first().waitFor();
    expect(await chart.locator('rect.bar').count()).toBeGreaterThan(0);
    await expect(chart.getAttribute('role')).resolves.toBe('img');
    await expect(chart.locator('title').first().textContent()).resolves.toBeTruthy();
    await page.getByRole('table', { name: 'Soittopyynnöt palveluittain ja viikoittain' }).waitFor();
    await page.getByText('Mediaani ottamiseen').first().waitFor();
    const csv = page.getByRole('link', { name: 'Lataa CSV' });
    await expect(csv.getAttribute('href')).resolves.toBe('/api/staff/stats.csv');
    expect((await page.request.get(`${bot.url}/api/staff/stats.csv`)).status()).toBe(200);
    await screenshot(page, '06-statistics');
    await expectAccessible(page, 'statistics');
  }, SLOW);

  it('fits a phone screen', async () => {
    requireSignedIn();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: /^Jono\b/ }).click();
    await page.locator('#list-new > li').first().waitFor();
    await screenshot(page, '07-phone-queue');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, SLOW);

  it('logs out to the login form', async () => {
    requireSignedIn();
    await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
    await page.getByRole('heading', { name: 'Kirjaudu sisään' }).waitFor();
    expect((await page.request.get(`${bot.url}/api/staff/session`)).status()).toBe(401);
  }, SLOW);

  it('raised no console error, page error, CSP violation or dialog on the way', () => {
    expect(problems).toEqual([]);
  });
});
