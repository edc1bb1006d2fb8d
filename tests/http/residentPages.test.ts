import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import restify, { type Server } from 'restify';
import { registerResidentPages, type ResidentPagesOptions } from '../../bot/web/webRoutes';
import { escapeHtml } from '../../bot/web/template';
import { LocaleDataError } from '../../services/locales/dataFile';
import { defaultLocalesDir } from '../../services/locales/locale';
import { loadWebTexts, type WebTexts } from '../../services/locales/webTexts';
import { finnish } from '../support/botTestKit';

const words = loadWebTexts(defaultLocalesDir());
const desk = finnish().desk;

function options(overrides: Partial<ResidentPagesOptions> = {}): ResidentPagesOptions {
  return {
    localesDir: defaultLocalesDir(),
    desk,
    idleWarningSeconds: 90,
    idleResetSeconds: 120,
    callbackRetentionDays: 30,
    stateTtlSeconds: 86_400,
    maxMessageChars: 2000,
    ...overrides,
  };
}

async function serve(pageOptions: ResidentPagesOptions): Promise<{ url: string; server: Server }> {
  const server = restify.createServer({ handleUncaughtExceptions: false });
  registerResidentPages(server, pageOptions);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, server };
}

/** A copy of the project's Finnish locale with web.json changed, to see how start-up takes it. */
function localesWith(change: (texts: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'aka-web-'));
  cpSync(join(defaultLocalesDir(), 'fi'), join(dir, 'fi'), { recursive: true });
  const file = join(dir, 'fi', 'web.json');
  const texts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(texts);
  writeFileSync(file, JSON.stringify(texts, null, 2));
  return dir;
}

const section = (texts: Record<string, unknown>, name: keyof WebTexts) => texts[name] as Record<string, unknown>;

describe('the residents\' pages over HTTP', () => {
  let url: string;
  let server: Server;

  beforeAll(async () => {
    ({ url, server } = await serve(options()));
  });
  afterAll(() => server.close());

  it.each([
    ['/', words.chat.restartButton],
    ['/kiosk', words.kiosk.endButton],
    ['/tietosuoja', words.privacy.heading],
    ['/saavutettavuus', words.accessibility.heading],
  ])('%s answers in Finnish with the strict security headers', async (path, text) => {
    const response = await fetch(`${url}${path}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/^<!doctype html>\s*<html lang="fi">/);
    expect(html).toContain(escapeHtml(text));
    expect(html).toContain(escapeHtml(words.page.privacyLink));
    expect(html).toContain(escapeHtml(words.page.accessibilityLink));

    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('gives each chat page response a nonce of its own, for Web Chat\'s style elements only', async () => {
    const nonces = [];
    for (const path of ['/', '/', '/kiosk']) {
      const response = await fetch(`${url}${path}`);
      const html = await response.text();
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self';");
      const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];
      expect(nonce).toBeDefined();
      expect(html).toContain(`<meta property="csp-nonce" nonce="${nonce}">`);
      nonces.push(nonce);
    }
    expect(new Set(nonces).size).toBe(3);
  });

  it('the notices run no script at all', async () => {
    for (const path of ['/tietosuoja', '/saavutettavuus']) {
      const response = await fetch(`${url}${path}`);
      const html = await response.text();
      expect(response.headers.get('content-security-policy')).not.toContain('script-src');
      expect(html).not.toContain('<script');
    }
  });

  it('the privacy notice tells how long things are kept and whom to ask, from the configuration and desk.json', async () => {
    const { url: otherUrl, server: other } = await serve(options({ callbackRetentionDays: 45, stateTtlSeconds: 12 * 3600 }));
    try {
      const html = await (await fetch(`${otherUrl}/tietosuoja`)).text();
      expect(html).toContain('45 päivän kuluttua');
      expect(html).toContain('12 tunnin kuluttua');
      expect(html).toContain(escapeHtml(desk.email));
      expect(html).toContain(`href="tel:${desk.phone.replace(/[^\d+]/g, '')}"`);
      expect(html).toContain('Päivitetty 23.11.2026.');
    } finally {
      other.close();
    }
  });

  it('the accessibility statement names the law, the feedback channel, the supervisor and the date', async () => {
    const html = await (await fetch(`${url}/saavutettavuus`)).text();
    expect(html).toContain('306/2019');
    expect(html).toContain(`href="mailto:${desk.email}"`);
    expect(html).toContain('href="https://www.saavutettavuusvaatimukset.fi"');
    expect(html).toContain('Seloste on laadittu 23.11.2026.');
  });

  it('a notice opened from the kiosk links back to the kiosk', async () => {
    const fromKiosk = await (await fetch(`${url}/tietosuoja?kioski`)).text();
    const fromWeb = await (await fetch(`${url}/tietosuoja`)).text();
    expect(fromKiosk).toContain(`<a href="/kiosk">${escapeHtml(words.privacy.backLink)}</a>`);
    expect(fromWeb).toContain(`<a href="/">${escapeHtml(words.privacy.backLink)}</a>`);
  });

  it('the kiosk page carries its idle times and warning from the server\'s configuration', async () => {
    const { url: otherUrl, server: other } = await serve(options({ idleWarningSeconds: 2, idleResetSeconds: 4 }));
    try {
      const html = await (await fetch(`${otherUrl}/kiosk`)).text();
      const config = JSON.parse(/<script type="application\/json" id="page-config">(.*?)<\/script>/s.exec(html)![1]!) as Record<string, unknown>;
      expect(config).toMatchObject({ mode: 'kiosk', locale: 'fi-FI', directLine: '/v3/directline', idle: { warningSeconds: 2, resetSeconds: 4 } });
      expect(html).toContain(escapeHtml(words.kiosk.idleTitle));
      expect(html).toContain('2 sekunnin kuluttua');
      // Nothing a visitor could put in the address changes them.
      const withQuery = await (await fetch(`${otherUrl}/kiosk?idleWarningSeconds=1&warning=1`)).text();
      expect(withQuery).toContain('"idle":{"warningSeconds":2,"resetSeconds":4}');
    } finally {
      other.close();
    }
  });

  it('serves Web Chat from the installed package, compressed on request, with a long cache', async () => {
    const bundle = readFileSync(join(defaultLocalesDir(), '..', 'node_modules', 'botframework-webchat', 'dist', 'webchat.js'));
    const page = await (await fetch(`${url}/`)).text();
    const src = /<script defer src="(\/web\/webchat\.js\?v=[^"]+)"><\/script>/.exec(page)?.[1];
    const { version } = JSON.parse(readFileSync(join(defaultLocalesDir(), '..', 'node_modules', 'botframework-webchat', 'package.json'), 'utf8')) as { version: string };
    expect(src).toBe(`/web/webchat.js?v=${version}`);

    const plain = await fetch(`${url}${src}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await plain.arrayBuffer()).equals(bundle)).toBe(true);

    const response = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      // fetch would unpack the body itself; read the raw bytes.
      void import('node:http').then(({ get }) =>
        get(`${url}${src}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        }).on('error', reject),
      );
    });
    expect(response.encoding).toBe('gzip');
    expect(response.body.length).toBeLessThan(bundle.length / 2);
    expect(gunzipSync(response.body).equals(bundle)).toBe(true);
  });

  it.each([
    ['/web/chat.js', 'text/javascript; charset=utf-8'],
    ['/web/site.css', 'text/css; charset=utf-8'],
  ])('serves %s with its content type, versioned by its content', async (path, type) => {
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toMatch(new RegExp(`${path.replace(/\./g, '\\.')}\\?v=[0-9a-f]{12}"`));
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('the residents\' pages\' words', () => {
  const dirs: string[] = [];
  const broken = (change: (texts: Record<string, unknown>) => void) => {
    const dir = localesWith(change);
    dirs.push(dir);
    return () => registerResidentPages(restify.createServer(), options({ localesDir: dir }));
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('a missing text stops start-up, naming the file and the key', () => {
    const start = broken((texts) => delete section(texts, 'kiosk').endButton);
    expect(start).toThrow(LocaleDataError);
    expect(start).toThrow(/fi[/\\]web\.json at kiosk\.endButton/);
  });

  it('an empty text stops start-up too', () => {
    expect(broken((texts) => (section(texts, 'chat').restartButton = '  '))).toThrow(/web\.json at chat\.restartButton: expected non-empty text/);
  });

  it('an unknown placeholder stops start-up, naming the key', () => {
    expect(broken((texts) => (section(texts, 'page').deskContact = 'Soita {puhelin}'))).toThrow(/web\.json at page\.deskContact: unknown placeholder \{puhelin\}/);
  });

  it('a "start again" command the bot would not understand stops start-up', () => {
    expect(broken((texts) => (section(texts, 'chat').restartCommand = 'nollaa'))).toThrow(/web\.json at chat\.restartCommand/);
  });

  it('an override of a Web Chat string that does not exist stops start-up', () => {
    expect(broken((texts) => (section(texts, 'webChat').TEXT_INPUT_PLACEHOLDR = 'Kirjoita'))).toThrow(/web\.json at webChat\.TEXT_INPUT_PLACEHOLDR: Web Chat has no string/);
  });

  it('an http:// link in a notice stops start-up', () => {
    expect(
      broken((texts) => {
        const sections = section(texts, 'privacy').sections as { links: { text: string; href: string }[] }[];
        sections[0]!.links.push({ text: 'Linkki', href: 'http://example.fi' });
      }),
    ).toThrow(/web\.json at privacy\.sections\.0\.links\.\d+\.href/);
  });

  it('texts are escaped: markup in web.json shows as text', async () => {
    const dir = localesWith((texts) => (section(texts, 'chat').intro = 'Kysy <b>mitä</b> vain & "heti"'));
    dirs.push(dir);
    const { url, server } = await serve(options({ localesDir: dir }));
    try {
      const html = await (await fetch(`${url}/`)).text();
      expect(html).toContain('Kysy &lt;b&gt;mitä&lt;/b&gt; vain &amp; &quot;heti&quot;');
      expect(html).not.toContain('<b>mitä</b>');
    } finally {
      server.close();
    }
  });

  it('refuses idle times where the warning does not come before the reset', () => {
    expect(() => registerResidentPages(restify.createServer(), options({ idleWarningSeconds: 120, idleResetSeconds: 90 }))).toThrow(/kiosk idle times/);
  });
});
