/**
 * One benchmark variant as its own process: the real HTTP server from `createApp` on 127.0.0.1 (any free
 * port), started by bench/turns.ts or bench/load.ts with `fork` and talking to it over IPC only. It never opens
 * a connection anywhere but 127.0.0.1 (the Redis URL it is given is the parent's private redis-server, or
 * BENCH_REDIS_URL). It serves /api/messages and the self-hosted Direct Line channel (/v3/directline).
 *
 *   redis  (a) the real HelpDeskBot, RedisStorage + RedisTurnLock
 *   memory (b) the real HelpDeskBot, no Redis client at all: MemoryStorage + LocalTurnLock (in-process)
 *   echo   (c) EchoBot below, on the same adapter, server, middleware, RedisStorage and RedisTurnLock as (a)
 *   dialog (d) DialogFloorBot below: the same echo, but answered through botbuilder-dialogs (a ComponentDialog
 *              holding a WaterfallDialog and a TextPrompt), on the same stack as (a) and (c)
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ActivityHandler, ActivityTypes, type ConversationState, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { ComponentDialog, DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog, type DialogState, type WaterfallStepContext } from 'botbuilder-dialogs';
import { createApp } from '../bot/app';
import { DialogContexts } from '../dialogs/dialogRunner';
import { loadConfig } from '../bot/config';
import { defaultLocalesDir, loadLocale } from '../services/locales/locale';
import { createLogger } from '../services/logging/logger';
import { createRedisClient, isRedisReachable, type RedisClient } from '../services/redis/connection';

export type VariantName = 'redis' | 'memory' | 'echo' | 'dialog';

/** Messages between the benchmark (bench/turns.ts, bench/load.ts) and this process. */
export type ToServer = { type: 'usage' } | { type: 'memory' } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; port: number }
  | { type: 'usage'; cpuUserMicros: number; cpuSystemMicros: number; rssBytes: number }
  /** After a full garbage collection when the process runs with --expose-gc (`collected` says whether it did). */
  | { type: 'memory'; collected: boolean; rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number }
  | { type: 'failed'; message: string };

/**
 * Environment of the child: BENCH_CHILD_REDIS_URL, BENCH_CHILD_PREFIX, BENCH_CHILD_CPU_PROFILE (a file), and
 * BENCH_CHILD_CONFIG, a JSON object of further configuration variables (e.g. the Direct Line limits) laid
 * over the defaults below.
 */
function configOverrides(): Record<string, string> {
  const raw = process.env.BENCH_CHILD_CONFIG;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((value) => typeof value === 'string')) {
    throw new Error('BENCH_CHILD_CONFIG: expected a JSON object of strings');
  }
  return parsed as Record<string, string>;
}

/** Collects garbage twice (the second pass frees what the first one's finalizers let go), if allowed to. */
function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

/**
 * The floor of the stack: the same turn pipeline as the help-desk bot (HTTP, restify, body parser, activity
 * check, CloudAdapter, ResidentInputMiddleware, TurnLockMiddleware, one ConversationState read and one
 * write per turn, replies collected for expectReplies) but no dialogs: it answers with the resident's text.
 */
export class EchoBot extends ActivityHandler {
  private readonly turns: StatePropertyAccessor<number>;

  constructor(private readonly conversationState: ConversationState) {
    super();
    this.turns = conversationState.createProperty<number>('echoTurns');
    this.onMessage(async (context, next) => {
      const seen = await this.turns.get(context, 0);
      await this.turns.set(context, seen + 1);
      await context.sendActivity({ type: ActivityTypes.Message, text: context.activity.text ?? '' });
      await next();
    });
  }

  /** Saved once at the end of the turn, exactly like HelpDeskBot.run. */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context);
  }
}

/** What the dialog floor's waterfall is started with: the text to say back before it waits again. */
interface FloorOptions {
  say?: string;
}

/**
 * The dialog floor: EchoBot's answer (the resident's text said back once), but given the way this project's
 * architecture prescribes a turn: a DialogSet over the `dialogState` property (as dialogs/dialogRunner.ts),
 * continueDialog, and beginDialog when nothing is in progress; one ComponentDialog `floor` whose initial
 * (first added) dialog is a WaterfallDialog `floor.steps`, beside a TextPrompt `floor.say`. The waterfall says
 * the text it was started with, waits in the prompt (which says nothing), and on the next message replaces
 * itself with that message as the text to say. So every turn runs the framework's usual path – the dialog stack
 * read from and written into the conversation state, a prompt's recognition, a waterfall step, replaceDialog –
 * and nothing of the product. Between the echo floor and the real bot it shows how much of the real bot's cost
 * is the dialog framework itself, and how much is the bot's own work.
 */
export class DialogFloorBot extends ActivityHandler {
  private readonly contexts: DialogContexts;

  constructor(private readonly conversationState: ConversationState) {
    super();
    const dialogState: StatePropertyAccessor<DialogState> = conversationState.createProperty('dialogState');
    const floor = new ComponentDialog('floor');
    // The first dialog added is the component's initial dialog; ComponentDialog.onBeginDialog hands it the options.
    floor.addDialog(
      new WaterfallDialog<FloorOptions>('floor.steps', [
        async (step: WaterfallStepContext<FloorOptions>) => {
          const say = step.options?.say;
          if (typeof say === 'string') await step.context.sendActivity(say);
          // No prompt text: the prompt says nothing, it only waits for the next message.
          return step.prompt('floor.say', {});
        },
        async (step: WaterfallStepContext<FloorOptions>) => step.replaceDialog('floor.steps', { say: String(step.result) } satisfies FloorOptions),
      ]),
    );
    floor.addDialog(new TextPrompt('floor.say'));
    const dialogs = new DialogSet(dialogState);
    dialogs.add(floor);
    // Root dialog contexts made as the real bot makes them (dialogs/dialogRunner.ts), so that the two differ
    // only in their dialogs.
    this.contexts = new DialogContexts(dialogs);
    this.onMessage(async (context, next) => {
      const dc = await this.contexts.create(context);
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog('floor', { say: context.activity.text ?? '' } satisfies FloorOptions);
      await next();
    });
  }

  /** Saved once at the end of the turn, exactly like HelpDeskBot.run. */
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context);
  }
}

function send(message: FromServer): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const variant = process.argv[2] as VariantName | undefined;
  if (variant !== 'redis' && variant !== 'memory' && variant !== 'echo' && variant !== 'dialog') throw new Error(`unknown variant "${String(variant)}"`);
  const redisUrl = process.env.BENCH_CHILD_REDIS_URL;
  const prefix = process.env.BENCH_CHILD_PREFIX ?? `bench:${variant}:`;
  const usesRedis = variant !== 'memory';
  if (usesRedis && !redisUrl) throw new Error('BENCH_CHILD_REDIS_URL is not set');

  const config = loadConfig({
    NODE_ENV: usesRedis ? 'production' : 'development',
    LOG_LEVEL: 'error',
    ...(usesRedis ? { REDIS_URL: redisUrl } : {}),
    REDIS_KEY_PREFIX: prefix,
    // Short state TTL: the benchmark's conversations should not outlive it on a shared Redis.
    STATE_TTL_SECONDS: '600',
    // Production requires a signing key for the web chat's tokens; one per run is enough here.
    DIRECT_LINE_SECRET: randomBytes(48).toString('base64'),
    ...configOverrides(),
  });
  const logger = createLogger(config.LOG_LEVEL);
  const locale = loadLocale(defaultLocalesDir());

  let redis: RedisClient | undefined;
  if (usesRedis && config.REDIS_URL) {
    redis = createRedisClient(config.REDIS_URL, logger);
    if (!(await isRedisReachable(redis, 5000))) throw new Error(`Redis at ${config.REDIS_URL} does not answer`);
  }

  const app = createApp({
    config,
    logger,
    locale,
    redis,
    ...(variant === 'echo' ? { createBot: ({ conversationState }: { conversationState: ConversationState }) => new EchoBot(conversationState) } : {}),
    ...(variant === 'dialog' ? { createBot: ({ conversationState }: { conversationState: ConversationState }) => new DialogFloorBot(conversationState) } : {}),
  });
  const port = await app.listen(0, '127.0.0.1');

  // A CPU profile of the serving phase only (from ready to stop), not of loading the modules.
  const profileFile = process.env.BENCH_CHILD_CPU_PROFILE;
  let profiler: Session | undefined;
  if (profileFile) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (profiler && profileFile) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      profiler.disconnect();
    }
    await app.close();
    process.exit(0);
  };
  process.on('message', (message: ToServer) => {
    if (message.type === 'usage') {
      const cpu = process.cpuUsage();
      send({ type: 'usage', cpuUserMicros: cpu.user, cpuSystemMicros: cpu.system, rssBytes: process.memoryUsage().rss });
    } else if (message.type === 'memory') {
      const collected = collectGarbage();
      const usage = process.memoryUsage();
      send({ type: 'memory', collected, rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external });
    } else if (message.type === 'stop') {
      void stop();
    }
  });
  // The parent went away (crashed or was killed): do not linger.
  process.on('disconnect', () => void stop());
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
