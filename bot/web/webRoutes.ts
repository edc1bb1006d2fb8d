import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { LocaleDataError } from '../../services/locales/dataFile';
import { defaultLocalesDir, type DeskContact } from '../../services/locales/locale';
import { WEB_TEXTS_FILE, fillWebText, loadWebTexts, type Notice, type WebTextValues, type WebTexts } from '../../services/locales/webTexts';
import { isHttps } from '../staff/http';
import { Markup, Template, jsonForScript, type View } from './template';

export interface ResidentPagesOptions {
  /** Where locales/ is; the pages' words are in `<localesDir>/<language>/web.json`. */
  localesDir: string;
  language?: string;
  /** The desk's phone, hours and e-mail, shown on every page and in the notices (locales/fi/desk.json). */
  desk: DeskContact;
  /** Kiosk: quiet seconds before "Oletko vielä siellä?", and before the conversation is cleared. */
  idleWarningSeconds: number;
  idleResetSeconds: number;
  /** Told in the privacy notice: how long a closed callback request and a conversation's state are kept. */
  callbackRetentionDays: number;
  stateTtlSeconds: number;
  /** The longest message the bot takes; Web Chat counts down to it. */
  maxMessageChars: number;
  /** Behind a reverse proxy: HTTPS (and so Strict-Transport-Security) is read from X-Forwarded-Proto. */
  trustProxy?: boolean;
  /** The pages' templates, script and style (default: the project's web/resident). */
  webDir?: string;
}

/** Where the self-hosted Direct Line channel is (bot/directLine). */
export const DIRECT_LINE_PATH = '/v3/directline';
const WEB_CHAT_LOCALE = 'fi-FI';

export const PAGE_PATHS = { chat: '/', kiosk: '/kiosk', privacy: '/tietosuoja', accessibility: '/saavutettavuus' } as const;
/** A notice opened from the kiosk links back to the kiosk (no other effect: it is not a setting). */
const FROM_KIOSK = 'kioski';

/**
 * The hash of an empty text. Web Chat 4.18 does not hand its nonce to the scroll panel of its transcript
 * (react-scroll-to-bottom), whose emotion cache inserts an empty <style> and then fills it with insertRule, which
 * CSP does not govern. Allowing only the empty element keeps the panel scrolling and lets in no style text.
 */
export const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

/**
 * Web Chat injects its styles as <style> elements, which carry this response's nonce; nothing else may add
 * styles or scripts. No 'unsafe-inline', no 'unsafe-eval'. Web Chat draws its typing and upload animations from
 * blob: images that it makes itself from GIFs in its bundle.
 */
export function chatPagePolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}' ${EMPTY_STYLE_HASH}`,
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The notices have no script at all. */
export const NOTICE_POLICY = ["default-src 'none'", "style-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** The assets' addresses carry a version, so they may be cached for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const NONCE_MARK = 'NONCE-MARK-7b1f0c';

interface Asset {
  path: string;
  type: string;
  body: Buffer;
  version: string;
  gzipped?: Promise<Buffer>;
}

/**
 * The residents' pages, served by the bot itself with no CDN: the web chat (/), the living room's kiosk
 * (/kiosk), the privacy notice (/tietosuoja) and the accessibility statement (/saavutettavuus), and their
 * assets under /web/ (Web Chat from botframework-webchat's own prebuilt bundle). Every word comes from
 * web.json; the pages are rendered once here, so a missing text or a broken template stops start-up.
 */
export function registerResidentPages(server: Server, options: ResidentPagesOptions): void {
  const { idleWarningSeconds, idleResetSeconds } = options;
  if (!Number.isInteger(idleWarningSeconds) || !Number.isInteger(idleResetSeconds) || idleWarningSeconds < 1 || idleResetSeconds <= idleWarningSeconds) {
    throw new Error(`kiosk idle times: the warning (${idleWarningSeconds} s) must be a whole number of seconds, at least 1, and before the reset (${idleResetSeconds} s)`);
  }
  const language = options.language ?? 'fi';
  const webDir = options.webDir ?? join(dirname(defaultLocalesDir()), 'web', 'resident');
  const texts = loadWebTexts(options.localesDir, language);
  const webChat = webChatBundle();
  checkWebChatKeys(texts.webChat, join(options.localesDir, language, WEB_TEXTS_FILE), webChat.stringKeys);

  const asset = (path: string, type: string, body: Buffer, version = contentVersion(body)): Asset => ({ path, type, body, version });
  const assets = {
    siteCss: asset('/web/site.css', 'text/css; charset=utf-8', readFileSync(join(webDir, 'site.css'))),
    chatJs: asset('/web/chat.js', 'text/javascript; charset=utf-8', readFileSync(join(webDir, 'chat.js'))),
    webChatJs: asset('/web/webchat.js', 'text/javascript; charset=utf-8', webChat.bundle, webChat.version),
  };
  const assetUrls = Object.fromEntries(Object.entries(assets).map(([name, { path, version }]) => [name, `${path}?v=${encodeURIComponent(version)}`]));

  const values: WebTextValues = {
    phone: options.desk.phone,
    phoneDigits: options.desk.phone.replace(/[^\d+]/g, ''),
    phoneHours: options.desk.phoneHours,
    email: options.desk.email,
    deskName: options.desk.name,
    days: options.callbackRetentionDays,
    stateHours: Math.max(1, Math.ceil(options.stateTtlSeconds / 3600)),
    seconds: idleResetSeconds - idleWarningSeconds,
  };
  const words = fillAll(texts, values);
  const template = (name: string) => new Template(`${name}.html`, readFileSync(join(webDir, `${name}.html`), 'utf8'));
  const layout = template('layout');
  const chat = template('chat');
  const kiosk = template('kiosk');
  const notice = template('notice');

  const links = (fromKiosk: boolean) => ({
    privacy: fromKiosk ? `${PAGE_PATHS.privacy}?${FROM_KIOSK}` : PAGE_PATHS.privacy,
    accessibility: fromKiosk ? `${PAGE_PATHS.accessibility}?${FROM_KIOSK}` : PAGE_PATHS.accessibility,
    back: fromKiosk ? PAGE_PATHS.kiosk : PAGE_PATHS.chat,
  });
  const page = (view: { title: string; bodyClass: string; content: Markup; fromKiosk: boolean; config?: unknown }) =>
    new NoncedPage(
      layout.render({
        lang: language,
        nonce: NONCE_MARK,
        title: view.title,
        bodyClass: view.bodyClass,
        assets: assetUrls,
        chatScripts: view.config !== undefined,
        config: jsonForScript(view.config ?? null),
        page: words.page,
        links: links(view.fromKiosk),
        deskContact: words.page.deskContact,
        content: view.content,
      }).html,
    );
  const chatConfig = (mode: 'chat' | 'kiosk', modeTexts: Record<string, string>) => ({
    mode,
    locale: WEB_CHAT_LOCALE,
    directLine: DIRECT_LINE_PATH,
    maxMessageChars: options.maxMessageChars,
    webChatStrings: words.webChat,
    texts: modeTexts,
    ...(mode === 'kiosk' ? { idle: { warningSeconds: idleWarningSeconds, resetSeconds: idleResetSeconds } } : {}),
  });

  const chatPage = page({
    title: words.chat.title,
    bodyClass: 'web-chat',
    fromKiosk: false,
    content: chat.render({ chat: words.chat, noscript: words.page.noscript }),
    config: chatConfig('chat', pick(words.chat, ['connecting', 'connectFailed', 'restartCommand'])),
  });
  const kioskPage = page({
    title: words.kiosk.title,
    bodyClass: 'kiosk',
    fromKiosk: true,
    content: kiosk.render({ kiosk: words.kiosk, idleText: words.kiosk.idleText, noscript: words.page.noscript }),
    config: chatConfig('kiosk', pick(words.kiosk, ['connecting', 'connectFailed', 'clearing', 'cleared'])),
  });
  const noticePages = (text: Notice) => {
    const render = (fromKiosk: boolean) =>
      page({ title: text.title, bodyClass: 'notice-page', fromKiosk, content: notice.render({ notice: noticeView(text), page: words.page, links: links(fromKiosk) }) });
    return { web: render(false), kiosk: render(true) };
  };
  const privacy = noticePages(words.privacy);
  const accessibility = noticePages(words.accessibility);

  const headers = (req: Request, res: Response) => {
    for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
    if (isHttps(req, options.trustProxy ?? false)) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  };
  const sendPage = (res: Response, html: string, policy: string) => {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.writeHead(200);
    res.end(html);
  };
  const chatRoute = (nonced: NoncedPage) => async (req: Request, res: Response) => {
    headers(req, res);
    const nonce = randomBytes(18).toString('base64');
    sendPage(res, nonced.withNonce(nonce), chatPagePolicy(nonce));
  };
  const noticeRoute = (variants: { web: NoncedPage; kiosk: NoncedPage }) => async (req: Request, res: Response) => {
    headers(req, res);
    const fromKiosk = new URLSearchParams(req.getQuery()).has(FROM_KIOSK);
    sendPage(res, (fromKiosk ? variants.kiosk : variants.web).withNonce(''), NOTICE_POLICY);
  };

  server.get(PAGE_PATHS.chat, chatRoute(chatPage));
  server.get(PAGE_PATHS.kiosk, chatRoute(kioskPage));
  server.get(PAGE_PATHS.privacy, noticeRoute(privacy));
  server.get(PAGE_PATHS.accessibility, noticeRoute(accessibility));

  for (const served of Object.values(assets)) {
    server.get(served.path, async (req: Request, res: Response) => {
      headers(req, res);
      res.setHeader('Cache-Control', IMMUTABLE);
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Content-Type', served.type);
      let body = served.body;
      // Web Chat's bundle is 3.9 MB; compressed once, on first use, it is about a quarter of that.
      if (body.length > 64 * 1024 && acceptsGzip(req)) {
        served.gzipped ??= promisify(gzip)(served.body);
        body = await served.gzipped;
        res.setHeader('Content-Encoding', 'gzip');
      }
      res.setHeader('Content-Length', body.length);
      res.writeHead(200);
      res.end(body);
    });
  }
}

/** A rendered page with a mark where each response's nonce goes. */
class NoncedPage {
  private readonly parts: string[];
  constructor(html: string) {
    this.parts = html.split(NONCE_MARK);
  }
  withNonce(nonce: string): string {
    return this.parts.join(nonce);
  }
}

function noticeView(notice: Notice): View {
  return {
    ...notice,
    sections: notice.sections.map((section) => ({ ...section, hasList: section.list.length > 0, hasLinks: section.links.length > 0 })),
  };
}

/** Every text with its {placeholders} filled; a notice's {date} is its own date, written the Finnish way. */
function fillAll(texts: WebTexts, values: WebTextValues): WebTexts {
  const fill = <T>(value: T, at: string, with_: WebTextValues): T => {
    if (typeof value === 'string') return fillWebText(value, with_, at) as T;
    if (Array.isArray(value)) return value.map((item, index) => fill(item, `${at}.${index}`, with_)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, key === 'date' ? item : fill(item, `${at}.${key}`, with_)])) as T;
    }
    return value;
  };
  const notice = (name: 'privacy' | 'accessibility') => fill(texts[name], name, { ...values, date: finnishFullDate(texts[name].date) });
  return {
    page: fill(texts.page, 'page', values),
    chat: fill(texts.chat, 'chat', values),
    kiosk: fill(texts.kiosk, 'kiosk', values),
    webChat: texts.webChat,
    privacy: notice('privacy'),
    accessibility: notice('accessibility'),
  };
}

function finnishFullDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${Number(day)}.${Number(month)}.${year}`;
}

function pick<T extends Record<string, string>>(record: T, keys: (keyof T & string)[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, String(record[key])]));
}

function contentVersion(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 12);
}

function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
}

/** The folder of an installed package, found from its entry point (its exports do not list package.json). */
function packageRoot(name: string, from?: string): string {
  let dir = dirname(require.resolve(name, from ? { paths: [from] } : undefined));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the folder of the package ${name}`);
    dir = parent;
  }
  return dir;
}

/** botframework-webchat's prebuilt browser bundle, its version, and the keys of its own UI strings. */
function webChatBundle(): { bundle: Buffer; version: string; stringKeys: Set<string> } {
  const root = packageRoot('botframework-webchat');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const strings = JSON.parse(readFileSync(join(packageRoot('botframework-webchat-api', root), 'lib', 'localization', 'en-US.json'), 'utf8')) as Record<string, string>;
  return { bundle: readFileSync(join(root, 'dist', 'webchat.js')), version, stringKeys: new Set(Object.keys(strings)) };
}

/** An override of a string Web Chat does not have would silently do nothing: refuse it at start-up. */
function checkWebChatKeys(overrides: Record<string, string>, file: string, known: Set<string>): void {
  for (const key of Object.keys(overrides)) {
    if (!known.has(key)) throw new LocaleDataError(file, `webChat.${key}`, 'Web Chat has no string with this key');
  }
}
