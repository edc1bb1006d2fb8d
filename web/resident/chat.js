// The residents' chat of Apu ku apu, on the web page (/) and on the living room's shared kiosk (/kiosk).
// Plain JavaScript, no build step, no inline script or style: it runs under the pages' strict
// Content-Security-Policy. Web Chat (window.WebChat, served by the bot from botframework-webchat's own bundle)
// puts its styles in <style> elements that carry the per-response nonce read from <meta property="csp-nonce">.
//
// Nothing of a conversation is kept in the browser: no localStorage, sessionStorage or cookies. The user id is
// random for each conversation and lives in memory only, so a reload starts a new conversation.

const config = JSON.parse(document.getElementById('page-config').textContent);
const { texts } = config;
const KIOSK = config.mode === 'kiosk';
/** Web Chat's style elements need the nonce; the browser hides the attribute but keeps the property. */
const nonce = document.querySelector('meta[property="csp-nonce"]')?.nonce || undefined;

/** On the kiosk, a conversation nobody touched is renewed after this, so its token and state never grow stale. */
const UNTOUCHED_RENEW_MS = 60 * 60 * 1000;
/** After a failed start the kiosk tries again by itself; the web page waits for the resident's "Yritä uudelleen". */
const KIOSK_RETRY_MS = 15_000;

const $ = (id) => document.getElementById(id);
const statusLine = $('chat-status');
const errorBox = $('chat-error');
const errorText = $('chat-error-text');
const actionButton = $(KIOSK ? 'end-button' : 'restart-button');
let container = $('webchat');

/** The conversation on screen: its number (Web Chat's React key), Direct Line client, store and token. */
let current = null;
let generation = 0;
let retryTimer = null;

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Liberation Sans', Arial, sans-serif";
const STYLE_OPTIONS = {
  primaryFont: FONT,
  accent: '#0b5394',
  subtle: '#4a4f55',
  timestampColor: '#4a4f55',
  bubbleBorderRadius: 6,
  bubbleFromUserBorderRadius: 6,
  bubbleFromUserBackground: '#e3eef9',
  bubbleBorderColor: '#767b82',
  bubbleBorderWidth: 1,
  bubbleFromUserBorderColor: '#0b5394',
  bubbleFromUserBorderWidth: 1,
  bubbleMaxWidth: 720,
  hideUploadButton: true,
  maxMessageLength: config.maxMessageChars,
  sendBoxButtonColor: '#0b5394',
  sendBoxBorderTop: 'solid 1px #767b82',
  suggestedActionLayout: 'flow',
  suggestedActionsStackedLayoutButtonTextWrap: true,
  suggestedActionBorderColor: '#0b5394',
  suggestedActionBorderWidth: 2,
  suggestedActionBorderRadius: 6,
  suggestedActionTextColor: '#0b5394',
  suggestedActionHeight: 44,
  transcriptVisualKeyboardIndicatorColor: '#1b1b1b',
  transcriptVisualKeyboardIndicatorWidth: 3,
  ...(KIOSK
    ? { fontSizeSmall: '90%', suggestedActionHeight: 56, sendBoxHeight: 64, bubbleMinHeight: 56, paddingRegular: 12 }
    : {}),
};

// ------------------------------------------------------------------ status and errors

function setStatus(text) {
  statusLine.textContent = text;
}

function showError(text) {
  setStatus('');
  errorText.textContent = text;
  errorBox.hidden = false;
}

function hideError() {
  errorBox.hidden = true;
  errorText.textContent = '';
}

// ------------------------------------------------------------------ Direct Line

/**
 * 32 random hex digits; getRandomValues works on plain http too (randomUUID needs a secure context). No "dl_"
 * prefix: Web Chat reserves it for ids embedded in an Azure token.
 */
function randomUserId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A token for a new conversation; the browser never holds a secret. */
async function generateToken(userId) {
  const response = await fetch(`${config.directLine}/tokens/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: { id: userId } }),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) throw new Error(`tokens/generate answered ${response.status}`);
  const body = await response.json();
  if (typeof body.token !== 'string' || !body.token) throw new Error('tokens/generate gave no token');
  return body;
}

/** Ends a conversation on the server: its activities and the bot's state are deleted and the token revoked. */
function deleteConversation(conversation) {
  const conversationId = conversation.directLine.conversationId || conversation.conversationId;
  // The Direct Line client refreshes its token now and then; the newest one is the valid one.
  const token = conversation.directLine.token || conversation.token;
  if (!conversationId) return Promise.resolve();
  return fetch(`${config.directLine}/conversations/${encodeURIComponent(conversationId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
    cache: 'no-store',
    credentials: 'omit',
    // A kiosk page that is closed or reloaded still ends its conversation.
    keepalive: true,
  }).then(
    () => undefined,
    () => undefined, // unreachable server: the conversation expires on its own (STATE_TTL_SECONDS)
  );
}

/** Web Chat's store: the welcome event once connected, and the kiosk's note of a resident at work. */
function createStore(number, connectedNotice) {
  return window.WebChat.createStore({}, ({ dispatch }) => (next) => (action) => {
    if (number === generation) {
      if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
        dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { language: config.locale } } });
        setStatus(connectedNotice);
        actionButton.disabled = false;
      } else if (action.type === 'DIRECT_LINE/CONNECT_REJECTED') {
        connectionFailed();
      } else if (KIOSK && (action.type === 'WEB_CHAT/SEND_MESSAGE' || action.type === 'WEB_CHAT/SUBMIT_SEND_BOX')) {
        idle.activity();
      }
    }
    return next(action);
  });
}

/**
 * Starts a new conversation with a new user id and token, and shows it in place of the one before.
 * `connectedNotice` is what the status line says once it is open (nothing, or the kiosk's "cleared").
 */
async function startConversation(connectedNotice = '') {
  const number = ++generation;
  window.clearTimeout(retryTimer);
  hideError();
  setStatus(texts.connecting);
  actionButton.disabled = true;
  const userId = randomUserId();
  let token;
  try {
    token = await generateToken(userId);
  } catch {
    if (number === generation) connectionFailed();
    return;
  }
  if (number !== generation) return; // a newer start overtook this one

  const directLine = window.WebChat.createDirectLine({
    token: token.token,
    domain: `${location.origin}${config.directLine}`,
    webSocket: false,
    pollingInterval: 1000,
  });
  const store = createStore(number, connectedNotice);
  current = { number, directLine, store, token: token.token, conversationId: token.conversationId, startedAt: Date.now() };
  // A new key makes React unmount the previous Web Chat (its transcript, timers and store) and mount a new one.
  window.WebChat.renderWebChat(
    {
      key: `conversation-${number}`,
      directLine,
      store,
      userID: userId,
      locale: config.locale,
      overrideLocalizedStrings: config.webChatStrings,
      nonce,
      role: 'region',
      sendTypingIndicator: false,
      styleOptions: STYLE_OPTIONS,
    },
    container,
  );
  container.hidden = false;
  container.dataset.mounted = 'true';
}

function connectionFailed() {
  const failed = current;
  current = null;
  failed?.directLine.end();
  actionButton.disabled = true;
  container.hidden = true;
  if (container.dataset.mounted) {
    // Without a new conversation to render in its place, the old Web Chat goes with its element.
    const fresh = container.cloneNode(false);
    delete fresh.dataset.mounted;
    container.replaceWith(fresh);
    container = fresh;
  }
  showError(texts.connectFailed);
  if (KIOSK) retryTimer = window.setTimeout(() => void startConversation(), KIOSK_RETRY_MS);
}

$('retry-button').addEventListener('click', () => void startConversation());

// ------------------------------------------------------------------ the web page: "Aloita alusta"

if (!KIOSK) {
  // The bot takes "alusta" as "start again" at any step: the transcript stays for the resident to read back,
  // the conversation and its Direct Line token stay the same, and the bot answers with its main menu.
  actionButton.addEventListener('click', () => {
    current?.store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: texts.restartCommand } });
  });
}

// ------------------------------------------------------------------ the kiosk: idle warning and clearing

const idle = KIOSK ? createIdleWatch() : null;

function createIdleWatch() {
  const dialog = $('idle-dialog');
  const warningMs = config.idle.warningSeconds * 1000;
  const resetMs = config.idle.resetSeconds * 1000;
  let lastActivity = Date.now();
  /** Only a conversation someone has used is asked about and cleared; an untouched welcome just waits. */
  let engaged = false;
  let ending = false;

  function activity() {
    if (dialog.open || ending) return;
    lastActivity = Date.now();
    engaged = true;
    if (statusLine.textContent === texts.cleared) setStatus('');
  }

  function warn() {
    if (dialog.open) return;
    dialog.showModal();
    $('continue-button').focus();
  }

  function carryOn() {
    if (dialog.open) dialog.close();
    lastActivity = Date.now();
  }

  async function endAndStartAgain() {
    if (ending) return;
    ending = true;
    engaged = false;
    if (dialog.open) dialog.close();
    const ended = current;
    current = null;
    // The transcript leaves the screen at once; the next render unmounts it for good.
    container.hidden = true;
    actionButton.disabled = true;
    setStatus(texts.clearing);
    if (ended) {
      ended.directLine.end();
      await deleteConversation(ended);
    }
    await startConversation(texts.cleared);
    $('chat-heading').focus();
    lastActivity = Date.now();
    ending = false;
  }

  function check() {
    if (ending) return;
    const quiet = Date.now() - lastActivity;
    if (engaged && quiet >= resetMs) void endAndStartAgain();
    else if (engaged && quiet >= warningMs) warn();
    else if (!engaged && current && Date.now() - current.startedAt >= UNTOUCHED_RENEW_MS) void endAndStartAgain();
  }

  for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input']) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  }
  document.addEventListener('visibilitychange', check);
  window.setInterval(check, 500);

  $('continue-button').addEventListener('click', carryOn);
  dialog.addEventListener('cancel', (event) => {
    // Escape means "still here", not "clear".
    event.preventDefault();
    carryOn();
  });
  $('dialog-end-button').addEventListener('click', () => void endAndStartAgain());
  actionButton.addEventListener('click', () => void endAndStartAgain());
  // Leaving the kiosk page (reload, another address) ends the conversation too.
  window.addEventListener('pagehide', () => {
    if (current) void deleteConversation(current);
  });

  return { activity };
}

void startConversation();
