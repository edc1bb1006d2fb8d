/** Talking to the self-hosted Direct Line endpoints (/v3/directline) over HTTP, as Web Chat's client does. */

export interface DirectLineActivity {
  id: string;
  type: string;
  timestamp: string;
  text?: string;
  name?: string;
  replyToId?: string;
  from: { id: string; role?: string; name?: string };
  recipient?: { id: string; role?: string };
  conversation: { id: string };
  channelData?: { clientActivityID?: string };
  suggestedActions?: { actions: Array<{ title?: string; value?: unknown }> };
  attachments?: unknown[];
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Conversation {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl?: string;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export const DIRECT_LINE = '/v3/directline';

/** One request; `token` goes in the Authorization header, `body` as JSON (or `rawBody` as it is). */
export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; authorization?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${DIRECT_LINE}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: the test looks at the raw text.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** A token for a new conversation, as the page asks for it. */
export async function generateToken(baseUrl: string, body?: unknown): Promise<Conversation> {
  const answer = await call<Conversation>(baseUrl, 'POST', '/tokens/generate', { body });
  if (answer.status !== 200) throw new Error(`tokens/generate answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A token, and the conversation started with it (the bot has welcomed the resident by the time this resolves). */
export async function startConversation(baseUrl: string): Promise<Conversation> {
  const { token } = await generateToken(baseUrl);
  const answer = await call<Conversation>(baseUrl, 'POST', '/conversations', { token, body: {} });
  if (answer.status !== 201) throw new Error(`POST /conversations answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

let clientActivityCount = 0;

/** Posts a message as Web Chat does (with a clientActivityID); resolves with the status and the id given. */
export async function say(baseUrl: string, conversation: Conversation, text: string): Promise<{ status: number; id: string; clientActivityID: string }> {
  const clientActivityID = `client-${++clientActivityCount}`;
  const answer = await call<{ id: string }>(baseUrl, 'POST', `/conversations/${conversation.conversationId}/activities`, {
    token: conversation.token,
    body: { type: 'message', text, from: { id: 'whatever-the-page-says', role: 'user' }, channelData: { clientActivityID }, locale: 'fi-FI' },
  });
  return { status: answer.status, id: answer.body.id, clientActivityID };
}

/** Everything after the watermark. */
export async function poll(baseUrl: string, conversation: Conversation, watermark = ''): Promise<{ activities: DirectLineActivity[]; watermark: string }> {
  const answer = await call<{ activities: DirectLineActivity[]; watermark: string }>(
    baseUrl,
    'GET',
    `/conversations/${conversation.conversationId}/activities?watermark=${watermark}`,
    { token: conversation.token },
  );
  if (answer.status !== 200) throw new Error(`GET activities answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** The claims inside a token (a JWT). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The texts of the bot's activities among these. */
export function botTexts(activities: DirectLineActivity[]): string[] {
  return activities.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text ?? '');
}
