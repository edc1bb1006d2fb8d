/**
 * The two ways a resident's messages reach the bot in the load benchmark (bench/load.ts), as HTTP clients:
 *
 *   api         POST /api/messages with deliveryMode "expectReplies": the replies come in the response.
 *   directline  the self-hosted Direct Line 3.0 channel, polled as Web Chat does: POST tokens/generate →
 *               POST conversations → per turn POST conversations/:id/activities, then GET
 *               conversations/:id/activities?watermark=… until the bot's replies to that activity are seen.
 *
 * Every request has a timeout; nothing but 127.0.0.1 is ever called.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Reply } from './loadScript';

export type ChannelName = 'api' | 'directline';

/** Why a request or a turn failed, by kind (counted in the report). */
export class TurnFailure extends Error {
  constructor(
    readonly kind: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'TurnFailure';
  }
}

export interface Target {
  port: number;
  agent: http.Agent;
  timeoutMs: number;
}

interface Answer {
  status: number;
  body: unknown;
}

function request(target: Target, method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: '127.0.0.1', port: target.port, path, method, agent: target.agent, headers, timeout: target.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => reject(new TurnFailure('network', error.message)));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          return reject(new TurnFailure(`HTTP ${response.statusCode ?? 0} (not JSON)`, text.slice(0, 200)));
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new TurnFailure('timeout', `${method} ${path.replace(/[?].*/, '')}: no answer within ${target.timeoutMs} ms`)));
    outgoing.on('error', (error: Error & { code?: string }) =>
      reject(error instanceof TurnFailure ? error : new TurnFailure(`network ${error.code ?? 'error'}`, `${method} ${path.replace(/[?].*/, '')}: ${error.message}`)),
    );
    outgoing.end(payload);
  });
}

/** A non-2xx answer as a failure, named by its status (and Direct Line's error code). */
function expectStatus(answer: Answer, statuses: number[], what: string): void {
  if (statuses.includes(answer.status)) return;
  const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
  throw new TurnFailure(`HTTP ${answer.status}${code ? ` ${code}` : ''}`, `${what}: ${JSON.stringify(answer.body)?.slice(0, 200)}`);
}

interface WireActivity {
  type?: string;
  id?: string;
  text?: string;
  replyToId?: string;
  from?: { role?: string };
  suggestedActions?: { actions?: { title?: string; value?: unknown }[] };
  attachments?: { contentType?: string; content?: { title?: string } }[];
}

function asReply(activity: WireActivity): Reply {
  return {
    text: activity.text ?? '',
    buttons: activity.suggestedActions?.actions?.map((action) => action.title ?? String(action.value)) ?? [],
    attachments: activity.attachments ?? [],
  };
}

/**
 * Opens `count` connections to the server at once (GET /healthz on each), so that a measured block starts on
 * open keep-alive connections instead of with a burst of new ones: the server then serves the requests of
 * connections it has already accepted before it accepts the rest, and a resident whose connection came last
 * would wait seconds for a first answer – a way residents never arrive, and nothing of the bot's.
 */
export async function openConnections(target: Target, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async () => {
      const answer = await request(target, 'GET', '/healthz');
      expectStatus(answer, [200], 'GET /healthz');
    }),
  );
}

/** What one turn took: its replies, and for Direct Line how many polls it needed. */
export interface TurnResult {
  replies: Reply[];
  ms: number;
  polls: number;
}

/** One resident's conversation over one channel. */
export interface ChannelConversation {
  /** Direct Line only: the conversation is started (the bot welcomes); undefined for /api/messages. */
  start(): Promise<TurnResult | undefined>;
  say(text: string): Promise<TurnResult>;
  /**
   * The resident leaves the page after the last reply: Direct Line's page polls once more with its watermark
   * (Web Chat polls every second), which tells the server the last replies were read. Not a turn; not timed.
   */
  leave(): Promise<void>;
}

/** A resident's message to POST /api/messages, asking for the replies in the response (expectReplies). */
export function residentMessage(conversationId: string, text: string) {
  return {
    type: 'message',
    id: randomUUID(),
    text,
    channelId: 'bench',
    deliveryMode: 'expectReplies',
    conversation: { id: conversationId },
    from: { id: `resident-${conversationId}`, name: 'Asukas' },
    recipient: { id: 'apu-ku-apu-bot', name: 'Apu ku apu' },
    serviceUrl: 'http://127.0.0.1:1',
    locale: 'fi-FI',
  };
}

export function apiConversation(target: Target, conversationId: string): ChannelConversation {
  return {
    start: () => Promise.resolve(undefined),
    leave: () => Promise.resolve(),
    async say(text) {
      const body = residentMessage(conversationId, text);
      const started = performance.now();
      const answer = await request(target, 'POST', '/api/messages', { body });
      const ms = performance.now() - started;
      expectStatus(answer, [200], 'POST /api/messages');
      const activities = (answer.body as { activities?: WireActivity[] } | undefined)?.activities ?? [];
      return { replies: activities.map(asReply), ms, polls: 0 };
    },
  };
}

const DIRECT_LINE = '/v3/directline';

/**
 * A Direct Line conversation. The turn's latency runs from sending the POST until the poll that shows the
 * bot's replies to it has been read. The server answers the POST once the replies are stored (all of one
 * turn in one Redis script), so the first poll after the POST normally has them; if it has none, the client
 * polls again every `pollIntervalMs` until the request timeout.
 */
export function directLineConversation(target: Target, userId: string, pollIntervalMs: number): ChannelConversation {
  let token = '';
  let conversationId = '';
  let watermark = '';
  let clientActivities = 0;

  /** Polls until `done` says the replies seen so far are the whole answer; returns the bot's replies seen. */
  const pollUntil = async (done: (botActivities: WireActivity[]) => boolean, deadline: number): Promise<{ replies: WireActivity[]; polls: number }> => {
    const seen: WireActivity[] = [];
    for (let polls = 1; ; polls++) {
      const answer = await request(target, 'GET', `${DIRECT_LINE}/conversations/${conversationId}/activities?watermark=${watermark}`, { token });
      expectStatus(answer, [200], 'GET activities');
      const page = answer.body as { activities: WireActivity[]; watermark: string };
      watermark = page.watermark;
      seen.push(...page.activities.filter((activity) => activity.from?.role === 'bot'));
      if (done(seen)) return { replies: seen, polls };
      if (performance.now() + pollIntervalMs > deadline) throw new TurnFailure('no reply seen by polling', `no reply within ${target.timeoutMs} ms (${polls} polls)`);
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  };

  return {
    async start() {
      const started = performance.now();
      const generated = await request(target, 'POST', `${DIRECT_LINE}/tokens/generate`, { body: { user: { id: userId } } });
      expectStatus(generated, [200], 'POST tokens/generate');
      ({ token, conversationId } = generated.body as { token: string; conversationId: string });
      const opened = await request(target, 'POST', `${DIRECT_LINE}/conversations`, { token, body: {} });
      expectStatus(opened, [201], 'POST conversations');
      // The welcome (if the bot gives one) is stored before the start is answered: one poll reads it.
      const { replies, polls } = await pollUntil(() => true, started + target.timeoutMs);
      return { replies: replies.map(asReply), ms: performance.now() - started, polls };
    },
    async say(text) {
      const started = performance.now();
      const posted = await request(target, 'POST', `${DIRECT_LINE}/conversations/${conversationId}/activities`, {
        token,
        body: { type: 'message', text, from: { id: userId, role: 'user' }, channelData: { clientActivityID: `${userId}-${++clientActivities}` }, locale: 'fi-FI' },
      });
      expectStatus(posted, [200], 'POST activities');
      const { id } = posted.body as { id: string };
      const { replies, polls } = await pollUntil((seen) => seen.some((activity) => activity.replyToId === id), started + target.timeoutMs);
      const ms = performance.now() - started;
      return { replies: replies.filter((activity) => activity.replyToId === id).map(asReply), ms, polls };
    },
    async leave() {
      const answer = await request(target, 'GET', `${DIRECT_LINE}/conversations/${conversationId}/activities?watermark=${watermark}`, { token });
      expectStatus(answer, [200], 'GET activities');
    },
  };
}
