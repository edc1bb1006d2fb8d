/**
 * What one resident says in the load benchmark (bench/load.ts), and how each reply is checked: "hei" → a matter
 * in Finnish → the service card → "Pyydä soittoa" → a phone number → yes → a time → skip the name → consent →
 * the confirmation with an `AKA-` reference. The real bot's script is driven by its replies (the next text is
 * a button of the last reply where there is one); the echo bot gets the same texts and must say them back.
 *
 * Every sentence expected from the bot comes from the locale (locales/fi/messages.json), never typed here.
 */
import type { ServiceId } from '../services/directory/directory';
import type { Locale } from '../services/locales/locale';
import type { MessageKey, MessageValues } from '../services/locales/messages';

/** A reply as both channels deliver it: its text, its buttons and its attachments. */
export interface Reply {
  text: string;
  buttons: string[];
  attachments: { contentType?: string; content?: { title?: string } }[];
}

/** One resident's particulars, drawn from the conversation's number so that every run says the same things. */
export interface Resident {
  matter: string;
  service: ServiceId;
  /** As typed (in one of several everyday formats). */
  phone: string;
  /** The same number in national digits, to compare with the bot's read-back. */
  phoneDigits: string;
  /** A time button by its position among the bot's time buttons, or the resident's own words. */
  time: { button: number } | { words: string };
}

/** Matters told in the resident's own words, and the service the triage should name for each. */
export const MATTERS: readonly { text: string; service: ServiceId }[] = [
  { text: 'Kela ei ole vielä maksanut asumistukea tälle kuulle', service: 'kela' },
  { text: 'miten haen kelasta asumistukea kun muutin yksiöön', service: 'kela' },
  { text: 'tarvitsen apua asumistukihakemuksen kanssa', service: 'kela' },
  { text: 'sain kelalta päätöksen enkä ymmärrä sitä', service: 'kela' },
  { text: 'minulla on paljon velkoja ja perintäkirjeitä tulee koko ajan', service: 'talous' },
  { text: 'luottotiedot menivät ja velat kasvaa', service: 'talous' },
  { text: 'en pysty maksamaan laskujani, tarvitsen velkaneuvontaa', service: 'talous' },
  { text: 'pikavipit on kasautuneet', service: 'talous' },
  { text: 'haen töitä mutta en saa yhtään vastausta hakemuksiin', service: 'tyollisyys' },
  { text: 'miten ilmoittaudun työnhakijaksi työkkäriin', service: 'tyollisyys' },
  { text: 'tarvitsisin apua CV:n tekemiseen ja työnhakuun', service: 'tyollisyys' },
  { text: 'jäin työttömäksi, mitä minun pitää tehdä', service: 'tyollisyys' },
  { text: 'olen yksinäinen ja kaipaan seuraa', service: 'olohuone' },
  { text: 'haluaisin tavata muita ihmisiä ja löytää seuraa', service: 'olohuone' },
  // Not "toimintaa": at the menu that word is a synonym of the living room's button (a branch, not a matter).
  { text: 'kaipaisin juttuseuraa päiviin', service: 'olohuone' },
  { text: 'en osaa käyttää verkkopankkitunnuksia', service: 'digituki' },
  { text: 'tarvitsen apua puhelimen ja sähköpostin käytössä', service: 'digituki' },
  { text: 'miten teen hakemuksen netissä kun en osaa tietokonetta', service: 'digituki' },
  { text: 'miten saan mobiilivarmenteen', service: 'digituki' },
  { text: 'vuokranantaja irtisanoi asuntoni ja tarvitsen uuden asunnon', service: 'asuminen' },
  { text: 'miten haen vuokra-asuntoa kaupungilta', service: 'asuminen' },
  { text: 'haluaisin opiskella uuden ammatin aikuisena', service: 'koulutus' },
];

/** Finnish mobile prefixes (all valid in libphonenumber's full metadata). */
const MOBILE_PREFIXES = ['040', '041', '044', '045', '046', '050'] as const;

/** The same number written as residents write it. */
const PHONE_FORMATS: readonly ((prefix: string, rest: string) => string)[] = [
  (prefix, rest) => `${prefix} ${rest.slice(0, 3)} ${rest.slice(3)}`,
  (prefix, rest) => `${prefix}${rest}`,
  (prefix, rest) => `+358 ${prefix.slice(1)} ${rest.slice(0, 3)} ${rest.slice(3)}`,
  (prefix, rest) => `${prefix}-${rest}`,
  (prefix, rest) => `numero on ${prefix} ${rest}`,
];

/** Times: two of every three residents press a button (any of the four), the others write their own words. */
const OWN_WORDS = ['huomenna kello 10', 'iltapäivällä', 'ylihuomenna aamupäivällä', 'ensi viikolla', 'kahden jälkeen', 'heti', 'torstaina'] as const;

/** A small deterministic mix of the conversation's number, so consecutive residents differ in everything. */
function mix(value: number): number {
  let x = (value + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export function residentFor(index: number): Resident {
  const random = mix(index);
  const matter = MATTERS[index % MATTERS.length]!;
  const prefix = MOBILE_PREFIXES[random % MOBILE_PREFIXES.length]!;
  const rest = String(1_000_000 + (mix(random) % 9_000_000)).padStart(7, '0');
  const format = PHONE_FORMATS[(random >>> 8) % PHONE_FORMATS.length]!;
  const timePick = (random >>> 12) % 12;
  const time = timePick < 8 ? { button: timePick % 4 } : { words: OWN_WORDS[(random >>> 16) % OWN_WORDS.length]! };
  return { matter: matter.text, service: matter.service, phone: format(prefix, rest), phoneDigits: `${prefix}${rest}`, time };
}

/** One step of the script: what the resident says after the previous replies, and what the replies must show. */
export interface Step {
  name: string;
  /** The text to send; `previous` = the replies of the step before (for its buttons). Undefined: off script. */
  say(previous: Reply[]): string | undefined;
  /** Why these replies are not the expected ones, or undefined when they are. */
  check(replies: Reply[], said: string): string | undefined;
}

/** A message with one placeholder as a pattern, e.g. callback.saved with {ref} → /Kiitos! … Viite: (AKA-…)\./ */
function templatePattern(locale: Locale, key: MessageKey, name: string, pattern: string, values: MessageValues = {}): RegExp {
  const marker = '\u0000';
  const text = locale.messages.t(key, { ...values, [name]: marker });
  const [before, after] = text.split(marker) as [string, string];
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(before)}(${pattern})${escape(after)}$`, 'u');
}

const texts = (replies: Reply[]) => replies.map((reply) => reply.text).filter(Boolean);
const lastButtons = (replies: Reply[]) => [...replies].reverse().find((reply) => reply.buttons.length > 0)?.buttons ?? [];

/** The problem when `wanted` is not among the replies' texts (in this order, other texts between allowed). */
function saysInOrder(replies: Reply[], wanted: string[]): string | undefined {
  const said = texts(replies).flatMap((text) => text.split('\n\n'));
  let from = 0;
  for (const sentence of wanted) {
    const at = said.indexOf(sentence, from);
    if (at < 0) return `expected "${sentence.slice(0, 60)}"; got ${JSON.stringify(texts(replies).map((text) => text.slice(0, 60)))}`;
    from = at + 1;
  }
  return undefined;
}

function hasButton(replies: Reply[], label: string): string | undefined {
  const buttons = lastButtons(replies);
  return buttons.includes(label) ? undefined : `expected a button "${label}"; got [${buttons.join(', ')}]`;
}

function pressButton(replies: Reply[], label: string): string | undefined {
  return lastButtons(replies).find((button) => button === label);
}

/**
 * The real bot's script. `firstTurnWelcomes`: on /api/messages the first message opens the conversation (the
 * welcome comes with it); on Direct Line the welcome came when the conversation started.
 */
export function botScript(locale: Locale, resident: Resident, options: { firstTurnWelcomes: boolean; retentionDays: number }): Step[] {
  const { t } = locale.messages;
  const yes = t('confirm.yes');
  const callbackButton = t('triage.choice.callback');
  const skipName = t('callback.choice.skipName');
  const timeButtons = (['callback.choice.asap', 'callback.choice.lateMorning', 'callback.choice.afternoon', 'callback.choice.any'] as const).map((key) => t(key));
  const confirmPhone = templatePattern(locale, 'callback.confirmPhone', 'phone', '[0-9 +]+');
  const saved = templatePattern(locale, 'callback.saved', 'ref', 'AKA-\\d{4}-\\d{6}');
  const window = templatePattern(locale, 'callback.window', 'window', '.+');
  const serviceName = locale.services.get(resident.service).name;

  return [
    {
      name: 'hei',
      say: () => 'hei',
      check: (replies) =>
        saysInOrder(replies, options.firstTurnWelcomes ? [t('welcome.greeting'), t('menu.prompt')] : [t('menu.prompt')]) ?? hasButton(replies, t('menu.choice.matter')),
    },
    {
      name: 'matter',
      say: () => resident.matter,
      check: (replies) => {
        const problem = saysInOrder(replies, [t('triage.found'), t('triage.didItHelp')]) ?? hasButton(replies, callbackButton);
        if (problem) return problem;
        const card = replies.flatMap((reply) => reply.attachments).find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.hero');
        if (card?.content?.title !== serviceName) return `expected the card of "${serviceName}"; got "${card?.content?.title ?? 'no card'}"`;
        return undefined;
      },
    },
    {
      name: 'Pyydä soittoa',
      say: (previous) => pressButton(previous, callbackButton),
      check: (replies) => saysInOrder(replies, [t('callback.intro'), t('callback.askPhone')]),
    },
    {
      name: 'phone',
      say: () => resident.phone,
      check: (replies) => {
        const readBack = texts(replies)
          .map((text) => confirmPhone.exec(text)?.[1])
          .find(Boolean);
        if (!readBack) return `expected the number read back; got ${JSON.stringify(texts(replies).map((text) => text.slice(0, 60)))}`;
        if (readBack.replace(/\D/g, '') !== resident.phoneDigits) return `read back ${readBack}, but ${resident.phone} was given`;
        return hasButton(replies, yes);
      },
    },
    {
      name: 'phone right',
      say: (previous) => pressButton(previous, yes),
      check: (replies) => saysInOrder(replies, [t('callback.askTime')]) ?? timeButtons.map((label) => hasButton(replies, label)).find(Boolean),
    },
    {
      name: 'time',
      say: (previous) => ('words' in resident.time ? resident.time.words : lastButtons(previous).filter((button) => timeButtons.includes(button))[resident.time.button]),
      check: (replies) => saysInOrder(replies, [t('callback.askName')]) ?? hasButton(replies, skipName),
    },
    {
      name: 'skip name',
      say: (previous) => pressButton(previous, skipName),
      check: (replies) => saysInOrder(replies, [t('callback.consent', { days: options.retentionDays }), t('callback.consentQuestion')]) ?? hasButton(replies, yes),
    },
    {
      name: 'consent',
      say: (previous) => pressButton(previous, yes),
      check: (replies) => {
        const said = texts(replies);
        if (!said.some((text) => saved.test(text))) return `expected the confirmation with an AKA- reference; got ${JSON.stringify(said.map((text) => text.slice(0, 60)))}`;
        if (!said.some((text) => window.test(text))) return 'expected the callback window';
        return undefined;
      },
    },
  ];
}

/** The echo bot's script: the texts the real bot's resident would send, each said back exactly once. */
export function echoScript(locale: Locale, resident: Resident): Step[] {
  const { t } = locale.messages;
  const timeButtons = (['callback.choice.asap', 'callback.choice.lateMorning', 'callback.choice.afternoon', 'callback.choice.any'] as const).map((key) => t(key));
  const time = 'words' in resident.time ? resident.time.words : timeButtons[resident.time.button]!;
  const said: [string, string][] = [
    ['hei', 'hei'],
    ['matter', resident.matter],
    ['Pyydä soittoa', t('triage.choice.callback')],
    ['phone', resident.phone],
    ['phone right', t('confirm.yes')],
    ['time', time],
    ['skip name', t('callback.choice.skipName')],
    ['consent', t('confirm.yes')],
  ];
  return said.map(([name, text]) => ({
    name,
    say: () => text,
    check: (replies) => (replies.length === 1 && replies[0]!.text === text ? undefined : `expected "${text}" said back once; got ${JSON.stringify(texts(replies))}`),
  }));
}

/** What the bot says when a Direct Line conversation starts: the welcome and the menu (the echo bot: nothing). */
export function checkStart(locale: Locale, replies: Reply[], echo: boolean): string | undefined {
  if (echo) return replies.length === 0 ? undefined : `expected no welcome from the echo bot; got ${replies.length} replies`;
  const { t } = locale.messages;
  return saysInOrder(replies, [t('welcome.greeting'), t('menu.prompt')]) ?? hasButton(replies, t('menu.choice.matter'));
}

/** The step names, in order (both scripts share them). */
export const STEP_NAMES = ['hei', 'matter', 'Pyydä soittoa', 'phone', 'phone right', 'time', 'skip name', 'consent'] as const;
