// The staff console of Apu ku apu: plain JavaScript, no build step, no inline script or style, so that it runs
// under the strict Content-Security-Policy the server sends. Everything a resident typed is put on the page as
// text (textContent, text nodes), never as markup.

const HELSINKI = 'Europe/Helsinki';
const POLL_MS = 15_000;
const SUMMARY_PREVIEW_CHARS = 160;
const NOTE_MAX_CHARS = 1000;

/** The fixed service ids of the bot's directory; `none` is how statistics count a request with no service. */
const SERVICE_NAMES = {
  kela: 'Kela',
  tyollisyys: 'Työllisyyspalvelut',
  talous: 'Talous- ja velkaneuvonta',
  sosiaalityo: 'Sosiaalityö',
  mielenterveys: 'Mielenterveyspalvelut',
  paihteet: 'Päihdepalvelut',
  asuminen: 'Asuminen',
  terveys: 'Terveyspalvelut',
  digituki: 'Digituki',
  olohuone: 'Olohuone',
  koulutus: 'Koulutus',
};
const NO_SERVICE = 'Ei tiedossa';
const SERVICE_ORDER = [...Object.keys(SERVICE_NAMES), 'none'];

const OUTCOMES = {
  helped: 'Tavoitettiin ja autettiin',
  referred: 'Ohjattiin palveluun',
  no_answer: 'Ei vastannut',
  other: 'Muu',
};

const STATUS_NAMES = { new: 'Uusi', claimed: 'Otettu', closed: 'Suljettu' };

const TIME_KINDS = {
  asap: 'mahdollisimman pian',
  any: 'milloin vain',
  time: 'tiettynä aikana',
  none: 'aikaa ei tunnistettu, soittoaika valittiin aukioloajoista',
};

const CHANNELS = { webchat: 'verkkokeskustelu', directline: 'verkkokeskustelu', kiosk: 'olohuoneen tabletti', emulator: 'testiyhteys', test: 'testiyhteys' };

/** Views reached from the navigation; the three request lists share one renderer. */
const LIST_VIEWS = { jono: 'new', otetut: 'claimed', suljetut: 'closed' };
const VIEW_IDS = ['jono', 'otetut', 'suljetut', 'aloitteet', 'tilastot', 'pyynto'];

const state = {
  username: null,
  // The CSRF token lives in memory only; after a reload it is fetched again from /api/staff/session.
  csrfToken: null,
  view: 'jono',
  detailRef: null,
  /** The list a request was opened from, for the back link. */
  returnView: 'jono',
  lists: { new: [], claimed: [], closed: [] },
  filters: { new: { service: '', urgent: false }, claimed: { service: '', urgent: false }, closed: { service: '', urgent: false } },
  /** References seen in the queue so far (null until the first load), to tell which requests are new arrivals. */
  knownQueue: null,
  /** Requests that arrived while the console was open: marked "Uusi saapunut" until the next login. */
  arrived: new Set(),
  detail: null,
  suggestions: [],
  live: { source: null, pollTimer: null, refreshTimer: null, refreshing: false, refreshAgain: false },
  lastUpdated: null,
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- DOM helpers (text only, never markup)

/**
 * Builds an element. `props`: className, text (textContent), attrs (setAttribute), on (event listeners).
 * Children are nodes or strings; strings become text nodes.
 */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [event, handler] of Object.entries(props.on ?? {})) node.addEventListener(event, handler);
  append(node, children);
  return node;
}

/** Replaces a node's children; like `el`, skips null/false and flattens arrays. */
function setChildren(parent, children) {
  parent.replaceChildren();
  append(parent, children);
}

function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  append(node, children);
  return node;
}

function setText(id, text) {
  $(id).textContent = text;
}

/** Polite announcement for screen readers; the same text twice in a row is still announced. */
function announce(text) {
  const announcer = $('announcer');
  announcer.textContent = '';
  window.setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

// ---------------------------------------------------------------- Finnish words for data

const serviceName = (id) => (id && SERVICE_NAMES[id]) || NO_SERVICE;
const channelName = (channel) => CHANNELS[channel] ?? channel;

const WEEKDAY_INDEX = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const WEEKDAY_ON = ['', 'maanantaina', 'tiistaina', 'keskiviikkona', 'torstaina', 'perjantaina', 'lauantaina', 'sunnuntaina'];
const WEEKDAY_SHORT = ['', 'ma', 'ti', 'ke', 'to', 'pe', 'la', 'su'];

const helsinkiFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: HELSINKI,
  weekday: 'short',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** The wall-clock parts of an instant in Helsinki. */
function helsinki(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  const parts = {};
  for (const part of helsinkiFormat.formatToParts(date)) parts[part.type] = part.value;
  return {
    weekday: WEEKDAY_INDEX[parts.weekday] ?? 0,
    day: Number(parts.day),
    month: Number(parts.month),
    year: Number(parts.year),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    dayKey: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

/** "10", "9.30": the Finnish way of writing a clock time. */
const clock = (time) => (time.minute === 0 ? String(time.hour) : `${time.hour}.${String(time.minute).padStart(2, '0')}`);
const dayMonth = (time) => `${time.day}.${time.month}.`;

/** "torstaina 26.11. klo 10–12" */
function callWindowText(window) {
  const start = window && helsinki(window.start);
  const end = window && helsinki(window.end);
  if (!start || !end) return 'Ei tiedossa';
  if (start.dayKey === end.dayKey) return `${WEEKDAY_ON[start.weekday]} ${dayMonth(start)} klo ${clock(start)}–${clock(end)}`;
  return `${WEEKDAY_ON[start.weekday]} ${dayMonth(start)} klo ${clock(start)} – ${WEEKDAY_ON[end.weekday]} ${dayMonth(end)} klo ${clock(end)}`;
}

/** "tänään klo 9.41", "eilen klo 15", "ke 25.11. klo 9.41" */
function momentText(iso) {
  const time = iso && helsinki(iso);
  if (!time) return 'Ei tiedossa';
  const today = helsinki(new Date().toISOString());
  const yesterday = helsinki(new Date(Date.now() - 86_400_000).toISOString());
  if (today && time.dayKey === today.dayKey) return `tänään klo ${clock(time)}`;
  if (yesterday && time.dayKey === yesterday.dayKey) return `eilen klo ${clock(time)}`;
  const year = today && today.year !== time.year ? String(time.year) : '';
  return `${WEEKDAY_SHORT[time.weekday]} ${dayMonth(time)}${year} klo ${clock(time)}`;
}

/** "45 min", "2 h 5 min", "3 vrk 4 h"; null or missing → "–". */
function minutesText(minutes) {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes)) return '–';
  if (minutes < 1) return 'alle 1 min';
  const total = Math.round(minutes);
  if (total < 60) return `${total} min`;
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const rest = total % 60;
  if (days > 0) return hours > 0 ? `${days} vrk ${hours} h` : `${days} vrk`;
  return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
}

/**
 * An E.164 number in the usual Finnish grouping ("+358401234567" → "040 123 4567", "+358925250111" → "09 2525 0111");
 * foreign numbers stay in international form. The tel: link always uses the E.164 form.
 */
function phoneText(e164) {
  if (typeof e164 !== 'string' || !/^\+\d{7,15}$/.test(e164)) return String(e164 ?? '');
  if (!e164.startsWith('+358')) return e164;
  const national = `0${e164.slice(4)}`;
  let areaLength = 2;
  if (/^0(?:4\d|50)/.test(national) || /^01\d/.test(national) || /^020|^029|^030|^071|^073|^075/.test(national)) areaLength = 3;
  if (/^0(?:800|700|600|100)/.test(national)) areaLength = 4;
  const area = national.slice(0, areaLength);
  const subscriber = national.slice(areaLength);
  return [area, ...groupSubscriber(subscriber)].join(' ');
}

function groupSubscriber(digits) {
  const length = digits.length;
  if (length <= 5) return [digits];
  if (length === 6) return [digits.slice(0, 3), digits.slice(3)];
  if (length === 8) return [digits.slice(0, 4), digits.slice(4)];
  const head = digits.slice(0, length - 4);
  const groups = [];
  for (let end = head.length; end > 0; end -= 3) groups.unshift(head.slice(Math.max(0, end - 3), end));
  return [...groups, digits.slice(length - 4)];
}

/** "2026-W48" → { year: 2026, week: 48 } */
function parseWeek(label) {
  const match = /^(\d{4})-W(\d{1,2})$/.exec(String(label));
  return match ? { year: Number(match[1]), week: Number(match[2]) } : { year: 0, week: 0 };
}
const weekText = (label) => {
  const { year, week } = parseWeek(label);
  return year ? `vk ${week}/${year}` : String(label);
};

function preview(text) {
  const characters = [...String(text ?? '')];
  return characters.length > SUMMARY_PREVIEW_CHARS ? `${characters.slice(0, SUMMARY_PREVIEW_CHARS).join('').trimEnd()}…` : characters.join('');
}

/** Finnish count words: 1 soittopyyntö, 2 soittopyyntöä. */
const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function request(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, null);
  }
  let data = null;
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/**
 * A request of the logged-in console: 401 shows the login form again; 403 (a stale CSRF token, e.g. after a
 * login in another tab) fetches the token again and retries once.
 */
async function api(method, path, body) {
  try {
    return await request(method, path, body);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403 && method !== 'GET') {
      const session = await request('GET', '/api/staff/session').catch(() => null);
      if (session && session.csrfToken && session.csrfToken !== state.csrfToken) {
        state.csrfToken = session.csrfToken;
        return request(method, path, body).catch(handleSessionEnd);
      }
    }
    return handleSessionEnd(error);
  }
}

function handleSessionEnd(error) {
  if (error instanceof ApiError && error.status === 401) sessionEnded();
  throw error;
}

function errorText(error) {
  const status = error instanceof ApiError ? error.status : -1;
  switch (status) {
    case 0:
      return 'Yhteys palvelimeen ei toimi. Yritä hetken päästä uudelleen.';
    case 400:
      return 'Tiedoissa oli virhe. Tarkista ne ja yritä uudelleen.';
    case 401:
      return 'Istunto on päättynyt. Kirjaudu uudelleen.';
    case 403:
      return 'Tämä ei onnistunut. Lataa sivu uudelleen ja yritä sitten uudelleen.';
    case 404:
      return 'Pyyntöä ei löytynyt. Se on ehkä jo poistettu.';
    case 409:
      return 'Joku muu ehti ensin. Näet nyt pyynnön uusimmat tiedot.';
    case 429:
      return 'Liian monta yritystä. Odota hetki ja yritä uudelleen.';
    default:
      return 'Jokin meni vikaan. Yritä hetken päästä uudelleen.';
  }
}

// ---------------------------------------------------------------- login and session

// Whether this browser was signed in: no secret, only a way to skip asking for a session that cannot exist
// (that answer would be a 401). The session itself is the HttpOnly cookie; the CSRF token stays in memory.
const SIGNED_IN_HINT = 'apu-ku-apu.staff.signedIn';

function rememberSignedIn(signedIn) {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_HINT, '1');
    else localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // Storage switched off: the session is asked for on every load instead.
  }
}

function maybeSignedIn() {
  try {
    return localStorage.getItem(SIGNED_IN_HINT) !== null;
  } catch {
    return true;
  }
}

function showLogin(notice = '') {
  stopLive();
  rememberSignedIn(false);
  state.username = null;
  state.csrfToken = null;
  state.knownQueue = null;
  state.arrived.clear();
  state.detail = null;
  $('boot-status').hidden = true;
  $('user-bar').hidden = true;
  $('main-nav').hidden = true;
  for (const id of VIEW_IDS) $(`view-${id}`).hidden = true;
  for (const id of ['new', 'claimed', 'closed', 'suggestions']) $(`list-${id}`).replaceChildren();
  $('stats-body').replaceChildren();
  $('view-login').hidden = false;
  setText('login-notice', notice);
  setText('login-error', '');
  document.title = 'Kirjaudu – Apu ku apu';
}

let ending = false;
function sessionEnded() {
  if (!state.username || ending) return;
  ending = true;
  showLogin('Istunto on päättynyt. Kirjaudu uudelleen.');
  $('login-title').focus();
  ending = false;
}

async function submitLogin(event) {
  event.preventDefault();
  const username = $('login-username');
  const password = $('login-password');
  setText('login-error', '');
  setText('login-notice', '');
  username.removeAttribute('aria-invalid');
  password.removeAttribute('aria-invalid');
  if (!username.value.trim() || !password.value) {
    const missing = !username.value.trim() ? username : password;
    missing.setAttribute('aria-invalid', 'true');
    setText('login-error', 'Kirjoita käyttäjätunnus ja salasana.');
    missing.focus();
    return;
  }
  const submit = $('login-submit');
  submit.disabled = true;
  try {
    const session = await request('POST', '/api/staff/login', { username: username.value.trim(), password: password.value });
    password.value = '';
    enterConsole(session, { focus: true });
  } catch (error) {
    password.value = '';
    setText('login-error', loginErrorText(error));
    password.setAttribute('aria-invalid', 'true');
    password.focus();
  } finally {
    submit.disabled = false;
  }
}

function loginErrorText(error) {
  if (!(error instanceof ApiError)) return errorText(error);
  if (error.status === 401) return 'Käyttäjätunnus tai salasana on väärin.';
  if (error.status === 400) return 'Kirjoita käyttäjätunnus ja salasana.';
  if (error.status === 429) {
    const seconds = Number(error.body && error.body.retryAfterSeconds);
    if (!Number.isFinite(seconds) || seconds <= 0) return 'Liian monta epäonnistunutta yritystä. Odota hetki ja yritä uudelleen.';
    const wait = seconds < 60 ? count(Math.ceil(seconds), 'sekunnin', 'sekunnin') : count(Math.ceil(seconds / 60), 'minuutin', 'minuutin');
    return `Liian monta epäonnistunutta yritystä. Yritä uudelleen ${wait} kuluttua.`;
  }
  return errorText(error);
}

async function logout() {
  try {
    // Through api(): a stale CSRF token is fetched again, so that logging out really ends the session.
    await api('POST', '/api/staff/logout', {});
  } catch (error) {
    // 401: the session had ended already, and api() has shown the login form.
    if (error instanceof ApiError && error.status === 401) return;
    announce('Uloskirjautuminen ei onnistunut. Yritä uudelleen.');
    return;
  }
  showLogin('Olet kirjautunut ulos.');
  $('login-username').focus();
}

function enterConsole(session, { focus }) {
  state.username = session.username;
  state.csrfToken = session.csrfToken;
  rememberSignedIn(true);
  $('boot-status').hidden = true;
  $('view-login').hidden = true;
  setText('user-name', session.username);
  $('user-bar').hidden = false;
  $('main-nav').hidden = false;
  startLive();
  // The queue view loads the queue itself; any other view still needs its count and arrivals.
  if (parseHash().view !== 'jono') void refreshQueue();
  void loadSuggestions({ render: false });
  route({ focus });
}

async function boot() {
  wireStaticControls();
  if (!maybeSignedIn()) {
    showLogin();
    return;
  }
  try {
    const session = await request('GET', '/api/staff/session');
    if (session && session.csrfToken) {
      enterConsole(session, { focus: false });
      return;
    }
    showLogin();
  } catch (error) {
    showLogin(errorText(error));
  }
}

// ---------------------------------------------------------------- navigation

function parseHash() {
  let hash = '';
  try {
    hash = decodeURIComponent(location.hash.slice(1));
  } catch {
    hash = ''; // a broken address opens the queue
  }
  if (hash.startsWith('pyynto/')) return { view: 'pyynto', ref: hash.slice('pyynto/'.length) };
  if (VIEW_IDS.includes(hash) && hash !== 'pyynto') return { view: hash };
  return { view: 'jono' };
}

function route({ focus }) {
  if (!state.username) return;
  const { view, ref } = parseHash();
  if (view !== 'pyynto') state.returnView = view;
  state.view = view;
  state.detailRef = view === 'pyynto' ? ref : null;
  for (const id of VIEW_IDS) $(`view-${id}`).hidden = id !== view;
  for (const link of document.querySelectorAll('#main-nav a')) {
    const current = link.dataset.view === (view === 'pyynto' ? state.returnView : view);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  updateTitle();
  if (LIST_VIEWS[view]) void loadList(LIST_VIEWS[view]);
  else if (view === 'aloitteet') void loadSuggestions({ render: true });
  else if (view === 'tilastot') void loadStats();
  else if (view === 'pyynto') void openDetail(ref);
  if (focus) $(`${view === 'pyynto' ? 'detail' : view}-title`).focus();
}

function updateTitle() {
  const names = { jono: 'Jono', otetut: 'Otetut', suljetut: 'Suljetut', aloitteet: 'Aloitteet', tilastot: 'Tilastot', pyynto: 'Soittopyyntö' };
  const waiting = state.knownQueue ? state.knownQueue.size : 0;
  document.title = `${waiting > 0 ? `(${waiting}) ` : ''}${names[state.view] ?? 'Jono'} – Apu ku apu`;
}

function setNavCount(id, n, label) {
  const badge = $(id);
  badge.replaceChildren();
  badge.hidden = !n;
  if (n) append(badge, [String(n), el('span', { className: 'visually-hidden', text: ` ${label}` })]);
}

// ---------------------------------------------------------------- request lists

function buildFilters(status) {
  const filters = state.filters[status];
  const serviceId = `filter-service-${status}`;
  const urgentId = `filter-urgent-${status}`;
  const select = el(
    'select',
    {
      attrs: { id: serviceId },
      on: {
        change: (event) => {
          filters.service = event.target.value;
          void loadList(status);
        },
      },
    },
    el('option', { attrs: { value: '' }, text: 'Kaikki palvelut' }),
    Object.entries(SERVICE_NAMES).map(([id, name]) => el('option', { attrs: { value: id }, text: name })),
    el('option', { attrs: { value: 'none' }, text: NO_SERVICE }),
  );
  const urgent = el('input', {
    attrs: { id: urgentId, type: 'checkbox' },
    on: {
      change: (event) => {
        filters.urgent = event.target.checked;
        void loadList(status);
      },
    },
  });
  setChildren($(`filters-${status}`), [
    el('div', { className: 'field field-inline' }, el('label', { attrs: { for: serviceId }, text: 'Palvelu' }), select),
    el('div', { className: 'checkbox' }, urgent, el('label', { attrs: { for: urgentId }, text: 'Vain kiireelliset' })),
  ]);
}

function listPath(status, filters = state.filters[status]) {
  const query = new URLSearchParams({ status });
  if (filters.service) query.set('service', filters.service);
  if (filters.urgent) query.set('urgent', 'true');
  return `/api/staff/requests?${query}`;
}

const hasFilters = (status) => Boolean(state.filters[status].service || state.filters[status].urgent);

function sortRequests(status, items) {
  const byTime = (key, direction) => (a, b) => direction * (Date.parse(a[key] ?? '') - Date.parse(b[key] ?? '') || 0);
  const oldestFirst = byTime('createdAt', 1);
  const sorted = [...items];
  if (status === 'new') sorted.sort((a, b) => Number(b.urgent) - Number(a.urgent) || oldestFirst(a, b));
  if (status === 'claimed') {
    const mine = (item) => Number(item.claimedBy === state.username);
    sorted.sort((a, b) => mine(b) - mine(a) || Number(b.urgent) - Number(a.urgent) || oldestFirst(a, b));
  }
  if (status === 'closed') sorted.sort(byTime('closedAt', -1));
  return sorted;
}

async function loadList(status) {
  if (state.lists[status].length === 0) setText(`status-${status}`, 'Haetaan…');
  try {
    const data = await api('GET', listPath(status));
    const items = sortRequests(status, Array.isArray(data && data.items) ? data.items : []);
    state.lists[status] = items;
    if (status === 'new' && !hasFilters('new')) noteQueue(items);
    if (status === 'claimed') updateClaimedCount(items);
    renderList(status);
    markUpdated();
  } catch (error) {
    if (state.username) setText(`status-${status}`, errorText(error));
  }
}

/** The whole queue, unfiltered: the count in the navigation and the announcement of new arrivals. */
async function refreshQueue() {
  try {
    const data = await api('GET', listPath('new', { service: '', urgent: false }));
    const items = sortRequests('new', Array.isArray(data && data.items) ? data.items : []);
    noteQueue(items);
    if (!hasFilters('new')) {
      state.lists.new = items;
      if (state.view === 'jono') renderList('new');
    } else if (state.view === 'jono') {
      await loadList('new');
    }
    markUpdated();
  } catch {
    // A failed background refresh is tried again on the next event or poll; 401 has shown the login form.
  }
}

function noteQueue(items) {
  const refs = new Set(items.map((item) => item.ref));
  if (state.knownQueue) {
    const arrivals = items.filter((item) => !state.knownQueue.has(item.ref));
    for (const item of arrivals) state.arrived.add(item.ref);
    if (arrivals.length > 0) announce(arrivalText(arrivals));
  }
  state.knownQueue = refs;
  const urgent = items.filter((item) => item.urgent).length;
  setNavCount('count-jono', items.length, urgent > 0 ? `odottaa, joista ${urgent} ${urgent === 1 ? 'kiireellinen' : 'kiireellistä'}` : 'odottaa');
  updateTitle();
}

function arrivalText(arrivals) {
  const urgent = arrivals.filter((item) => item.urgent).length;
  if (arrivals.length === 1) return urgent ? 'Jonoon tuli uusi kiireellinen soittopyyntö.' : 'Jonoon tuli uusi soittopyyntö.';
  const urgentPart = urgent === 0 ? '' : urgent === 1 ? ', joista 1 kiireellinen' : `, joista ${urgent} kiireellistä`;
  return `Jonoon tuli ${arrivals.length} uutta soittopyyntöä${urgentPart}.`;
}

function updateClaimedCount(items) {
  const mine = items.filter((item) => item.claimedBy === state.username).length;
  setNavCount('count-otetut', mine, 'sinun ottamaasi');
}

function renderList(status) {
  const items = state.lists[status];
  const list = $(`list-${status}`);
  list.replaceChildren(...items.map((item) => requestCard(item, status)));
  const urgent = items.filter((item) => item.urgent).length;
  const empty = { new: 'Jono on tyhjä.', claimed: 'Kukaan ei ole ottanut pyyntöjä.', closed: 'Suljettuja pyyntöjä ei ole.' }[status];
  const filtered = hasFilters(status) ? ' (rajattu)' : '';
  if (items.length === 0) setText(`status-${status}`, `${empty}${filtered}`);
  else
    setText(
      `status-${status}`,
      `${count(items.length, 'soittopyyntö', 'soittopyyntöä')}${urgent && status !== 'closed' ? `, joista ${urgent} ${urgent === 1 ? 'kiireellinen' : 'kiireellistä'}` : ''}${filtered}.`,
    );
}

function requestCard(item, status) {
  const badges = [];
  if (item.urgent) badges.push(el('span', { className: 'badge badge-urgent', text: 'Kiireellinen' }));
  if (status === 'new' && state.arrived.has(item.ref)) badges.push(el('span', { className: 'badge badge-new', text: 'Uusi saapunut' }));
  if (status === 'claimed' && item.claimedBy === state.username) badges.push(el('span', { className: 'badge badge-mine', text: 'Sinun' }));

  const meta = [['Soittoaika', callWindowText(item.window)], ['Jätetty', momentText(item.createdAt)]];
  if (status === 'claimed') meta.push(['Ottanut', claimerText(item)]);
  if (status === 'closed') {
    meta.push(['Lopputulos', OUTCOMES[item.outcome] ?? 'Ei tiedossa']);
    meta.push(['Suljettu', momentText(item.closedAt)]);
  }

  return el(
    'li',
    { className: `request-card${item.urgent ? ' is-urgent' : ''}` },
    el(
      'h3',
      { className: 'card-title' },
      badges.length ? el('span', { className: 'badges' }, badges) : null,
      el(
        'a',
        { className: 'card-link', attrs: { href: `#pyynto/${encodeURIComponent(item.ref)}` } },
        el('span', { className: 'card-service', text: serviceName(item.service) }),
        ' ',
        el('span', { className: 'card-ref', text: item.ref }),
      ),
    ),
    el('p', { className: 'card-summary', text: preview(item.summary) }),
    el(
      'dl',
      { className: 'card-meta' },
      meta.map(([term, value]) => el('div', {}, el('dt', { text: term }), el('dd', { text: value }))),
    ),
  );
}

function claimerText(item) {
  const who = item.claimedBy === state.username ? 'sinä' : item.claimedBy || 'Ei tiedossa';
  return item.claimedAt ? `${who}, ${momentText(item.claimedAt)}` : who;
}

// ---------------------------------------------------------------- one request

async function openDetail(ref) {
  const back = $('detail-back');
  const backNames = { jono: 'Takaisin jonoon', otetut: 'Takaisin otettuihin', suljetut: 'Takaisin suljettuihin' };
  const returnTo = LIST_VIEWS[state.returnView] ? state.returnView : 'jono';
  back.setAttribute('href', `#${returnTo}`);
  back.textContent = backNames[returnTo];
  setDetailTitle(ref);
  setText('detail-status', '');
  setText('detail-error', '');
  $('detail-body').replaceChildren(el('p', { text: 'Haetaan…' }));
  try {
    const item = await api('GET', `/api/staff/requests/${encodeURIComponent(ref)}`);
    if (state.detailRef !== ref) return;
    state.detail = item;
    renderDetail(item);
  } catch (error) {
    if (state.detailRef !== ref) return;
    state.detail = null;
    $('detail-body').replaceChildren();
    setText('detail-error', errorText(error));
  }
}

function setDetailTitle(ref) {
  $('detail-title').replaceChildren('Soittopyyntö ', el('span', { className: 'nowrap', text: ref }));
}

function renderDetail(item) {
  setDetailTitle(item.ref);
  const rows = [
    ['Tila', statusText(item)],
    ['Palvelu', serviceName(item.service)],
    ['Asukkaan asia', el('p', { className: 'resident-text', text: item.summary ?? '' })],
    ['Puhelin', phoneLink(item.phone)],
  ];
  if (item.firstName) rows.push(['Etunimi', item.firstName]);
  rows.push(['Soittoaika', callWindowText(item.window)]);
  rows.push(['Toivottu aika', preferredTimeText(item.preferredTime)]);
  rows.push(['Jätetty', momentText(item.createdAt)]);
  rows.push(['Kanava', channelName(item.channel)]);
  if (item.status === 'closed') {
    rows.push(['Lopputulos', OUTCOMES[item.outcome] ?? 'Ei tiedossa']);
    if (item.note) rows.push(['Muistiinpano', el('p', { className: 'resident-text', text: item.note })]);
  }

  const badges = [];
  if (item.urgent) badges.push(el('span', { className: 'badge badge-urgent', text: 'Kiireellinen' }));
  badges.push(el('span', { className: `badge badge-status badge-${item.status}`, text: STATUS_NAMES[item.status] ?? item.status }));

  $('detail-body').replaceChildren(
    el('p', { className: 'badges' }, badges),
    el(
      'dl',
      { className: 'detail-list' },
      rows.map(([term, value]) => el('div', { className: 'detail-row' }, el('dt', { text: term }), el('dd', {}, value))),
    ),
    detailActions(item),
  );
}

function statusText(item) {
  if (item.status === 'claimed') return `Otettu (${claimerText(item)})`;
  if (item.status === 'closed') return `Suljettu ${momentText(item.closedAt)}`;
  return 'Uusi, odottaa jonossa';
}

function preferredTimeText(preferred) {
  if (!preferred) return 'Ei tiedossa';
  const said = String(preferred.said ?? '').trim();
  const kind = TIME_KINDS[preferred.kind] ?? '';
  if (!said) return kind ? kind.charAt(0).toUpperCase() + kind.slice(1) : 'Ei tiedossa';
  return preferred.kind === 'none' ? `”${said}” (${kind})` : `”${said}”`;
}

function phoneLink(e164) {
  const shown = phoneText(e164);
  return el(
    'a',
    { className: 'tel-link', attrs: { href: `tel:${e164}` } },
    'Soita ',
    el('span', { className: 'tel-number', text: shown }),
  );
}

function detailActions(item) {
  const claim = actionButton('Ota itselle', 'button-primary', item.status !== 'new', () => act(item.ref, 'claim'));
  // Only the one who holds a claim may release or close it (the server refuses anyone else).
  const mine = item.status === 'claimed' && item.claimedBy === state.username;
  const release = actionButton('Palauta jonoon', 'button-secondary', !mine, () => act(item.ref, 'release'));
  const reopen = actionButton('Avaa uudelleen', 'button-secondary', item.status !== 'closed', () => act(item.ref, 'reopen'));
  const section = el(
    'section',
    { className: 'actions', attrs: { 'aria-labelledby': 'actions-title' } },
    el('h3', { attrs: { id: 'actions-title' }, text: 'Toiminnot' }),
    item.status === 'claimed' && item.claimedBy && item.claimedBy !== state.username
      ? el('p', { className: 'notice', text: `Tämän pyynnön on ottanut ${item.claimedBy}.` })
      : null,
    el('div', { className: 'button-row' }, claim, release, reopen),
  );
  if (mine) section.append(closeForm(item));
  return section;
}

function actionButton(label, variant, disabled, onClick) {
  return el('button', { className: `button ${variant}`, text: label, attrs: { type: 'button', disabled }, on: { click: onClick } });
}

function closeForm(item) {
  const outcome = el(
    'select',
    { attrs: { id: 'close-outcome', name: 'outcome', required: true, 'aria-describedby': 'close-outcome-error' } },
    el('option', { attrs: { value: '' }, text: 'Valitse lopputulos' }),
    Object.entries(OUTCOMES).map(([value, label]) => el('option', { attrs: { value }, text: label })),
  );
  const note = el('textarea', {
    attrs: { id: 'close-note', name: 'note', rows: 3, maxlength: NOTE_MAX_CHARS, 'aria-describedby': 'close-note-hint' },
  });
  const form = el(
    'form',
    { className: 'close-form', attrs: { novalidate: true, 'aria-labelledby': 'close-title' } },
    el('h3', { attrs: { id: 'close-title' }, text: 'Sulje pyyntö' }),
    el('div', { className: 'field' }, el('label', { attrs: { for: 'close-outcome' }, text: 'Lopputulos' }), outcome),
    el('p', { className: 'error-text field-error', attrs: { id: 'close-outcome-error' } }),
    el(
      'div',
      { className: 'field' },
      el('label', { attrs: { for: 'close-note' }, text: 'Muistiinpano (vapaaehtoinen)' }),
      el('p', { className: 'hint', attrs: { id: 'close-note-hint' }, text: 'Kirjoita vain se, mitä työssä tarvitaan. Älä kirjoita henkilötunnusta.' }),
      note,
    ),
    el('button', { className: 'button button-primary', text: 'Sulje pyyntö', attrs: { type: 'submit' } }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = outcome.value;
    if (!OUTCOMES[chosen]) {
      outcome.setAttribute('aria-invalid', 'true');
      setText('close-outcome-error', 'Valitse lopputulos.');
      outcome.focus();
      return;
    }
    const body = { outcome: chosen };
    const written = note.value.trim();
    if (written) body.note = written;
    void act(item.ref, 'close', body);
  });
  return form;
}

const ACTION_DONE = {
  claim: 'Otit pyynnön itsellesi. Soita asukkaalle ja kirjaa sitten lopputulos.',
  release: 'Pyyntö palautettiin jonoon.',
  close: 'Pyyntö suljettiin.',
  reopen: 'Pyyntö avattiin uudelleen ja palautettiin jonoon.',
};

async function act(ref, action, body = {}) {
  const buttons = $('detail-body').querySelectorAll('button, select, textarea');
  for (const control of buttons) control.disabled = true;
  setText('detail-status', 'Tallennetaan…');
  setText('detail-error', '');
  try {
    const answer = await api('POST', `/api/staff/requests/${encodeURIComponent(ref)}/${action}`, body);
    const item = answer && answer.ref === ref && answer.status ? answer : await api('GET', `/api/staff/requests/${encodeURIComponent(ref)}`);
    if (state.detailRef !== ref) return;
    state.detail = item;
    renderDetail(item);
    setText('detail-status', ACTION_DONE[action]);
    $('detail-title').focus();
  } catch (error) {
    if (state.detailRef !== ref || !state.username) return;
    setText('detail-status', '');
    if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
      await openDetail(ref);
      setText('detail-error', errorText(error));
    } else {
      for (const control of buttons) control.disabled = false;
      if (state.detail) renderDetail(state.detail);
      setText('detail-error', errorText(error));
    }
    $('detail-title').focus();
  }
  scheduleRefresh();
}

/** On a live update: the open request is drawn again only when it changed, so a note being typed is kept. */
async function refreshDetail() {
  const ref = state.detailRef;
  if (!ref || !state.detail) return;
  try {
    const item = await api('GET', `/api/staff/requests/${encodeURIComponent(ref)}`);
    if (state.detailRef !== ref || !state.detail) return;
    const changed = ['status', 'claimedBy', 'closedAt', 'outcome', 'note'].some((key) => item[key] !== state.detail[key]);
    if (!changed) return;
    state.detail = item;
    renderDetail(item);
    setText('detail-status', `Pyynnön tila muuttui: ${statusText(item)}.`);
  } catch {
    // Tried again on the next update.
  }
}

// ---------------------------------------------------------------- live updates: server-sent events, else polling

function startLive() {
  stopLive();
  if (typeof EventSource !== 'function') {
    startPolling();
    return;
  }
  const source = new EventSource('/api/staff/events');
  state.live.source = source;
  source.addEventListener('requests', () => scheduleRefresh());
  source.addEventListener('open', () => {
    stopPolling();
    setLiveState();
    // Events may have been missed while the connection was down.
    scheduleRefresh();
  });
  source.addEventListener('error', () => {
    // While the browser reconnects, poll; if it gave up (not an event stream, 401, 404), poll from now on.
    if (source.readyState === EventSource.CLOSED) {
      source.close();
      if (state.live.source === source) state.live.source = null;
    }
    startPolling();
  });
  setLiveState();
}

function startPolling() {
  if (state.live.pollTimer || !state.username) return;
  state.live.pollTimer = window.setInterval(() => scheduleRefresh(), POLL_MS);
  setLiveState();
}

function stopPolling() {
  if (state.live.pollTimer) window.clearInterval(state.live.pollTimer);
  state.live.pollTimer = null;
}

function stopLive() {
  if (state.live.source) state.live.source.close();
  state.live.source = null;
  stopPolling();
  if (state.live.refreshTimer) window.clearTimeout(state.live.refreshTimer);
  state.live.refreshTimer = null;
}

function scheduleRefresh() {
  if (!state.username || state.live.refreshTimer) return;
  state.live.refreshTimer = window.setTimeout(() => {
    state.live.refreshTimer = null;
    void refresh();
  }, 250);
}

async function refresh() {
  if (state.live.refreshing) {
    state.live.refreshAgain = true;
    return;
  }
  state.live.refreshing = true;
  try {
    await refreshQueue();
    if (state.view === 'otetut') await loadList('claimed');
    else if (state.view === 'suljetut') await loadList('closed');
    else await refreshClaimedCount();
    if (state.view === 'pyynto') await refreshDetail();
  } finally {
    state.live.refreshing = false;
    if (state.live.refreshAgain) {
      state.live.refreshAgain = false;
      scheduleRefresh();
    }
  }
}

async function refreshClaimedCount() {
  try {
    const data = await api('GET', listPath('claimed', { service: '', urgent: false }));
    updateClaimedCount(Array.isArray(data && data.items) ? data.items : []);
  } catch {
    // Tried again on the next update.
  }
}

function markUpdated() {
  state.lastUpdated = new Date().toISOString();
  setLiveState();
}

function setLiveState() {
  const live = state.live.source && state.live.source.readyState === EventSource.OPEN;
  const how = live ? 'Jono päivittyy automaattisesti.' : `Jono päivittyy ${POLL_MS / 1000} sekunnin välein.`;
  const when = state.lastUpdated ? ` Päivitetty ${momentText(state.lastUpdated)}.` : '';
  setText('live-state', `${how}${when}`);
}

// ---------------------------------------------------------------- suggestions

async function loadSuggestions({ render }) {
  if (render) setText('status-suggestions', 'Haetaan…');
  setText('error-suggestions', '');
  try {
    const data = await api('GET', '/api/staff/suggestions');
    state.suggestions = Array.isArray(data && data.items) ? data.items : [];
    const unread = state.suggestions.filter((item) => !item.read).length;
    setNavCount('count-aloitteet', unread, 'lukematonta');
    if (render || state.view === 'aloitteet') renderSuggestions();
  } catch (error) {
    if (render && state.username) {
      setText('status-suggestions', '');
      setText('error-suggestions', errorText(error));
    }
  }
}

function renderSuggestions() {
  const items = [...state.suggestions].sort((a, b) => Number(a.read) - Number(b.read) || Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const unread = items.filter((item) => !item.read).length;
  setText(
    'status-suggestions',
    items.length === 0 ? 'Aloitteita ei ole.' : `${count(items.length, 'aloite', 'aloitetta')}, ${unread === 1 ? '1 lukematon' : `${unread} lukematonta`}.`,
  );
  $('list-suggestions').replaceChildren(...items.map(suggestionCard));
}

function suggestionCard(item) {
  const id = String(item.id);
  return el(
    'li',
    { className: `suggestion-card${item.read ? ' is-read' : ''}`, attrs: { id: `suggestion-${id}`, tabindex: -1 } },
    el(
      'p',
      { className: 'card-meta-line' },
      el('span', { className: item.read ? 'badge badge-read' : 'badge badge-new', text: item.read ? 'Luettu' : 'Lukematon' }),
      ` ${momentText(item.createdAt)} · ${channelName(item.channel)}`,
    ),
    el('p', { className: 'resident-text', text: item.text ?? '' }),
    item.read
      ? null
      : el('button', {
          className: 'button button-secondary',
          text: 'Merkitse luetuksi',
          attrs: { type: 'button' },
          on: { click: (event) => markRead(id, event.currentTarget) },
        }),
  );
}

async function markRead(id, button) {
  button.disabled = true;
  setText('error-suggestions', '');
  try {
    await api('POST', `/api/staff/suggestions/${encodeURIComponent(id)}/read`, {});
    const item = state.suggestions.find((suggestion) => String(suggestion.id) === id);
    if (item) item.read = true;
    renderSuggestions();
    setNavCount('count-aloitteet', state.suggestions.filter((suggestion) => !suggestion.read).length, 'lukematonta');
    announce('Aloite merkittiin luetuksi.');
    const card = $(`suggestion-${id}`);
    if (card) card.focus();
  } catch (error) {
    button.disabled = false;
    if (state.username) setText('error-suggestions', errorText(error));
  }
}

// ---------------------------------------------------------------- statistics

async function loadStats() {
  setText('status-stats', 'Haetaan…');
  try {
    const data = await api('GET', '/api/staff/stats');
    const weeks = (Array.isArray(data && data.weeks) ? data.weeks : []).slice().sort((a, b) => {
      const x = parseWeek(a.week);
      const y = parseWeek(b.week);
      return x.year - y.year || x.week - y.week;
    });
    renderStats(weeks);
    setText('status-stats', weeks.length === 0 ? 'Tilastoja ei vielä ole.' : '');
  } catch (error) {
    if (state.username) setText('status-stats', errorText(error));
  }
}

const sum = (weeks, key) => weeks.reduce((total, week) => total + (Number(week[key]) || 0), 0);

function renderStats(weeks) {
  const body = $('stats-body');
  if (weeks.length === 0) {
    body.replaceChildren();
    return;
  }
  const latest = weeks[weeks.length - 1];
  const figures = [
    ['Jätetty', String(Number(latest.created) || 0)],
    ['Suljettu', String(Number(latest.closed) || 0)],
    ['Kiireellisiä', String(Number(latest.urgent) || 0)],
    ['Mediaani ottamiseen', minutesText(latest.medianMinutesToClaim)],
    ['Mediaani sulkemiseen', minutesText(latest.medianMinutesToClose)],
    ['Kriisivastauksia', String(Number(latest.crisisReplies) || 0)],
  ];
  const services = SERVICE_ORDER.filter((id) => weeks.some((week) => Number(week.byService && week.byService[id]) > 0));

  setChildren(body, [
    el('h3', { text: `Viimeisin viikko (${weekText(latest.week)})` }),
    el(
      'dl',
      { className: 'figures' },
      figures.map(([term, value]) => el('div', { className: 'figure' }, el('dt', { text: term }), el('dd', { text: value }))),
    ),
    el(
      'p',
      { className: 'view-intro' },
      `Koko jaksolla (${count(weeks.length, 'viikko', 'viikkoa')}): jätetty ${sum(weeks, 'created')}, suljettu ${sum(weeks, 'closed')}, kiireellisiä ${sum(weeks, 'urgent')}, kriisivastauksia ${sum(weeks, 'crisisReplies')}.`,
    ),
    el('h3', { attrs: { id: 'chart-heading' }, text: 'Soittopyynnöt palveluittain viikoittain' }),
    services.length === 0 ? el('p', { text: 'Jaksolla ei ole soittopyyntöjä.' }) : chartFigure(weeks, services),
    services.length === 0 ? null : serviceTable(weeks, services),
    weekTable(weeks),
  ]);
}

const CHART = { left: 44, right: 12, top: 16, bottom: 44, minColumn: 56, maxColumn: 140, height: 260 };

function niceMax(value) {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function chartFigure(weeks, services) {
  const totals = weeks.map((week) => services.reduce((total, id) => total + (Number(week.byService && week.byService[id]) || 0), 0));
  const max = niceMax(Math.max(...totals, 1));
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  // The figure's inner width (its padding is 2 × 16 px); before layout, a phone's width is a safe guess.
  const room = Math.max(($('stats-body').clientWidth || 360) - 34, 280);
  const column = Math.max(CHART.minColumn, Math.min(CHART.maxColumn, Math.floor((room - CHART.left - CHART.right) / weeks.length)));
  const barWidth = Math.round(column * 0.6);
  const width = CHART.left + weeks.length * column + CHART.right;
  const y = (value) => CHART.top + plotHeight - (value / max) * plotHeight;

  const chart = svg('svg', {
    class: 'chart',
    width,
    height: CHART.height,
    viewBox: `0 0 ${width} ${CHART.height}`,
    role: 'img',
    'aria-labelledby': 'chart-title chart-desc',
  });
  chart.append(
    svg('title', { id: 'chart-title' }, 'Soittopyynnöt palveluittain viikoittain'),
    svg(
      'desc',
      { id: 'chart-desc' },
      `Pinottu pylväskaavio, ${count(weeks.length, 'viikko', 'viikkoa')}. Suurin viikkomäärä on ${Math.max(...totals)}. Samat luvut ovat taulukossa kaavion alla.`,
    ),
  );

  const grid = svg('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  for (let step = 0; step <= 4; step++) {
    const value = (max / 4) * step;
    const lineY = y(value);
    grid.append(
      svg('line', { x1: CHART.left, x2: width - CHART.right, y1: lineY, y2: lineY }),
      svg('text', { x: CHART.left - 6, y: lineY + 4, 'text-anchor': 'end' }, Number.isInteger(value) ? String(value) : value.toFixed(1).replace('.', ',')),
    );
  }
  chart.append(grid);

  weeks.forEach((week, index) => {
    const x = CHART.left + index * column + (column - barWidth) / 2;
    const group = svg('g', { class: 'chart-week' });
    let stacked = 0;
    for (const id of services) {
      const value = Number(week.byService && week.byService[id]) || 0;
      if (value <= 0) continue;
      const top = y(stacked + value);
      const bar = svg('rect', { class: `bar bar-${id}`, x, y: top, width: barWidth, height: y(stacked) - top, 'data-service': id, 'data-value': value });
      bar.append(svg('title', {}, `${serviceName(id === 'none' ? null : id)}, ${weekText(week.week)}: ${value}`));
      group.append(bar);
      stacked += value;
    }
    const { week: number, year } = parseWeek(week.week);
    const label = svg('text', { class: 'chart-label', x: x + barWidth / 2, y: CHART.height - CHART.bottom + 18, 'text-anchor': 'middle' });
    append(label, [
      svg('tspan', { x: x + barWidth / 2 }, year ? `vk ${number}` : String(week.week)),
      year && (index === 0 || parseWeek(weeks[index - 1].week).year !== year) ? svg('tspan', { x: x + barWidth / 2, dy: 16 }, String(year)) : null,
    ]);
    group.append(label);
    chart.append(group);
  });
  chart.append(
    svg('line', {
      class: 'chart-axis',
      x1: CHART.left,
      x2: width - CHART.right,
      y1: CHART.top + plotHeight,
      y2: CHART.top + plotHeight,
      'aria-hidden': 'true',
    }),
  );

  const legend = el(
    'ul',
    { className: 'legend', attrs: { 'aria-label': 'Värien selitykset' } },
    services.map((id) => el('li', {}, el('span', { className: `swatch swatch-${id}`, attrs: { 'aria-hidden': 'true' } }), serviceName(id === 'none' ? null : id))),
  );
  return el(
    'figure',
    { className: 'chart-figure', attrs: { id: 'stats-chart', 'aria-labelledby': 'chart-heading' } },
    el('div', { className: 'chart-scroll', attrs: { tabindex: 0, role: 'group', 'aria-label': 'Kaavio, vieritettävä' } }, chart),
    legend,
  );
}

/** A heading above the table (a caption would scroll away with a wide table on a phone) and the table itself. */
function tableWrap(title, table) {
  return [
    el('h3', { text: title }),
    el('div', { className: 'table-scroll', attrs: { tabindex: 0, role: 'region', 'aria-label': `Taulukko: ${title}` } }, table),
  ];
}

function serviceTable(weeks, services) {
  const head = el('tr', {}, el('th', { attrs: { scope: 'col' }, text: 'Palvelu' }), weeks.map((week) => el('th', { attrs: { scope: 'col' }, text: weekText(week.week) })), el('th', { attrs: { scope: 'col' }, text: 'Yhteensä' }));
  const rows = services.map((id) => {
    const values = weeks.map((week) => Number(week.byService && week.byService[id]) || 0);
    return el(
      'tr',
      {},
      el('th', { attrs: { scope: 'row' }, text: serviceName(id === 'none' ? null : id) }),
      values.map((value) => el('td', { text: String(value) })),
      el('td', { text: String(values.reduce((a, b) => a + b, 0)) }),
    );
  });
  const title = 'Soittopyynnöt palveluittain ja viikoittain';
  return tableWrap(title, el('table', { className: 'data-table' }, el('caption', { className: 'visually-hidden', text: title }), el('thead', {}, head), el('tbody', {}, rows)));
}

function weekTable(weeks) {
  const columns = ['Viikko', 'Jätetty', 'Suljettu', 'Kiireellisiä', 'Mediaani ottamiseen', 'Mediaani sulkemiseen', 'Kriisivastauksia'];
  const rows = [...weeks].reverse().map((week) =>
    el(
      'tr',
      {},
      el('th', { attrs: { scope: 'row' }, text: weekText(week.week) }),
      [String(Number(week.created) || 0), String(Number(week.closed) || 0), String(Number(week.urgent) || 0), minutesText(week.medianMinutesToClaim), minutesText(week.medianMinutesToClose), String(Number(week.crisisReplies) || 0)].map(
        (value) => el('td', { text: value }),
      ),
    ),
  );
  const title = 'Viikoittaiset luvut, uusin ensin';
  return tableWrap(
    title,
    el(
      'table',
      { className: 'data-table' },
      el('caption', { className: 'visually-hidden', text: title }),
      el('thead', {}, el('tr', {}, columns.map((column) => el('th', { attrs: { scope: 'col' }, text: column })))),
      el('tbody', {}, rows),
    ),
  );
}

// ---------------------------------------------------------------- wiring

function wireStaticControls() {
  $('login-form').addEventListener('submit', submitLogin);
  $('logout-button').addEventListener('click', logout);
  // The skip link moves focus without changing the address (the address names the view).
  $('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    $('main').focus();
  });
  window.addEventListener('hashchange', () => route({ focus: true }));
  for (const status of Object.values(LIST_VIEWS)) buildFilters(status);
}

void boot();
