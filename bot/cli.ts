/**
 * `npm run chat`: talk to the bot from a terminal. Buttons are shown as numbered choices; type the number
 * or anything else. By default the bot runs inside this process (Redis when REDIS_URL, REDIS_CLUSTER_NODES or
 * REDIS_SENTINELS is set, else memory); with `--url http://host:port` it talks to a bot that is already
 * running, over POST /api/messages.
 * Works with piped input too: `printf 'hei\n3\n' | npm run --silent chat`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Activity, CardAction } from 'botbuilder';
import { createApp, type App } from './app';
import { loadConfig, redisTarget, type Config } from './config';
import { createLogger } from '../services/logging/logger';
import { defaultLocalesDir, loadLocale, type Locale } from '../services/locales/locale';
import { createRedisClient, isRedisReachable } from '../services/redis/connection';

interface Reply {
  text?: string;
  suggestedActions?: { actions: CardAction[] };
  attachments?: { content?: { title?: string; text?: string } }[];
}

async function startInProcessBot(config: Config, locale: Locale): Promise<{ url: string; app: App }> {
  const logger = createLogger(config.LOG_LEVEL);
  const target = redisTarget(config);
  const redis = target ? createRedisClient(target, logger) : undefined;
  // A Cluster refuses commands until it is connected: let the first message find it ready.
  if (redis) await isRedisReachable(redis, 3000);
  const app = createApp({ config, logger, locale, redis });
  const port = await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, app };
}

async function send(url: string, activity: Partial<Activity>): Promise<Reply[]> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...activity, deliveryMode: 'expectReplies' }),
  });
  const body = (await response.json().catch(() => ({}))) as { activities?: Reply[]; error?: string };
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body.activities ?? [];
}

/** Prints replies; returns the buttons of the last reply that had any, for numbered answers. */
function show(replies: Reply[], botLabel: string): CardAction[] {
  let buttons: CardAction[] = [];
  const indent = `\n${' '.repeat(botLabel.length + 2)}`;
  for (const reply of replies) {
    if (reply.text) process.stdout.write(`\n${botLabel}: ${reply.text.replace(/\n/g, indent)}\n`);
    for (const card of reply.attachments ?? []) {
      const shown = [card.content?.title?.toUpperCase(), card.content?.text].filter(Boolean).join('\n\n');
      if (shown) process.stdout.write(`\n${botLabel}: ${shown.replace(/\n/g, indent)}\n`);
    }
    const actions = reply.suggestedActions?.actions ?? [];
    if (actions.length > 0) {
      buttons = actions;
      actions.forEach((action, index) => process.stdout.write(`  ${index + 1}) ${action.title ?? String(action.value)}\n`));
    }
  }
  return buttons;
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // The terminal chat talks to its own bot over loopback only, so it runs without Bot Framework credentials.
  const config = loadConfig({ ...process.env, MicrosoftAppId: '', MicrosoftAppPassword: '', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
  const locale = loadLocale(config.LOCALES_DIR ?? defaultLocalesDir());
  const { t } = locale.messages;
  const urlFlag = process.argv.indexOf('--url');
  const remote = urlFlag >= 0 ? process.argv[urlFlag + 1] : undefined;
  const local = remote ? undefined : await startInProcessBot(config, locale);
  const url = remote ?? local!.url;
  const botLabel = t('cli.bot');

  const conversation = { id: `cli-${randomUUID()}` };
  const resident = { id: `resident-${randomUUID()}`, name: 'Asukas' };
  const bot = { id: 'apu-ku-apu-bot', name: 'Apu ku apu' };
  const base = { channelId: 'cli', conversation, recipient: bot, serviceUrl: 'http://127.0.0.1' } as Partial<Activity>;

  process.stdout.write(`${t('cli.title')}\n`);
  let buttons = show(await send(url, { ...base, type: 'conversationUpdate', from: resident, membersAdded: [resident] }), botLabel);

  const input = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  input.setPrompt(`\n${t('cli.you')}: `);
  if (process.stdin.isTTY) input.prompt();
  for await (const line of input) {
    const typed = line.trim();
    if (typed === '/exit') break;
    if (!process.stdin.isTTY) process.stdout.write(`\n${t('cli.you')}: ${typed}\n`);
    const number = /^\d+$/.test(typed) ? Number(typed) : NaN;
    const button = buttons[number - 1];
    const text = button ? String(button.value ?? button.title) : typed;
    try {
      buttons = show(await send(url, { ...base, type: 'message', from: resident, text }), botLabel);
    } catch (error) {
      process.stdout.write(`\n(${t('cli.notDelivered', { reason: error instanceof Error ? error.message : String(error) })})\n`);
    }
    if (process.stdin.isTTY) input.prompt();
  }
  input.close();
  await local?.app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
