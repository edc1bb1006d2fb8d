/**
 * Load benchmark (issue 7): many residents at once, each with a whole callback conversation – "hei" → a matter
 * in Finnish → the service card → "Pyydä soittoa" → phone → yes → time → skip the name → consent → the
 * confirmation with an AKA- reference (bench/loadScript.ts) – over both channels, /api/messages with
 * expectReplies and the self-hosted Direct Line channel (bench/loadChannels.ts), and beside it, in the same
 * run, two floors on the same server, adapter, middleware, RedisStorage and turn lock: an echo bot, so that
 * every figure has the floor of the stack next to it, and the same echo answered through botbuilder-dialogs,
 * so that it also has the floor of the dialog framework next to it.
 *
 *   bot     the real HelpDeskBot (bench/variantServer.ts "redis")
 *   echo    EchoBot (bench/variantServer.ts "echo"): one state read and write per turn, says the text back
 *   dialog  the dialog floor, DialogFloorBot (bench/variantServer.ts "dialog"): says the text back from a
 *           WaterfallDialog in a ComponentDialog, waiting in a TextPrompt between turns (--floors echo: left out)
 *
 * Each is its own child process (fork through tsx, --expose-gc), on a private redis-server of this run. The
 * measured blocks take turns: blocks of the real bot (--block conversations each, the channels in turn; every
 * process's memory is sampled after a forced GC after every block), and among them floor blocks of the same
 * size on the same channel, spread evenly – wherever an echo block runs, a dialog-floor block of the same size
 * runs next to it – with the order of bot, echo and dialog floor rotating from one such group to the next, so
 * that drift on the machine hits all alike and all have the same ramp-up and ramp-down at the ends of a block.
 * Before every block CONFIG RESETSTAT, after it INFO commandstats: only one block runs at a time, so Redis's
 * counts are that block's. At the end a census of the keys left (MEMORY USAGE of a sample of each kind).
 *
 *   npm run bench:load                         (defaults: 200 concurrent, 10 000 bot conversations in all)
 *   npm run bench:load -- --total 1000 --echo-total 1000 --block 250 --warmup 50
 *   npm run bench:load -- --floors echo        (the real bot beside the echo bot only, without the dialog floor)
 *   npm run bench:load -- --help
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { loadConfig } from '../bot/config';
import { defaultLocalesDir, loadLocale, type Locale } from '../services/locales/locale';
import { startPrivateRedis, type PrivateRedis } from '../tests/support/redisServer';
import { apiConversation, directLineConversation, openConnections, TurnFailure, type ChannelConversation, type ChannelName, type Target } from './loadChannels';
import { botScript, checkStart, echoScript, residentFor, STEP_NAMES, type Reply } from './loadScript';
import { fixed, mean, percentile, printProfile, table } from './report';
import { addStats, infoField, keyCensus, parseCommandStats, redisCpuMicros, usedMemory, type CommandStats, type KindCensus } from './redisFigures';
import type { FromServer, ToServer, VariantName } from './variantServer';

// ---------------------------------------------------------------------------------------------------------
// Options

interface Options {
  /** Conversations in flight at once. */
  concurrency: number;
  /** Conversations of the real bot in all, split evenly over the channels. */
  total: number;
  /** Conversations of the echo bot in all, split the same way (and as many of the dialog floor). */
  echoTotal: number;
  /** The floors run beside the real bot: always the echo bot, and the dialog floor unless left out. */
  floors: FloorName[];
  /** Conversations of the real bot per measured block (its memory is sampled after each). */
  block: number;
  /** Conversations per bot and channel before measuring (not in the latency figures). */
  warmup: number;
  channels: ChannelName[];
  /** A request that takes longer than this is an error ("timeout"). */
  timeoutMs: number;
  /** Direct Line: wait between two polls when a poll did not yet show the turn's replies. */
  pollMs: number;
  /** The whole run is stopped (exit code 2) if it takes longer than this. */
  maxSeconds: number;
  /** A resident's pause before each message (0: the next message goes as soon as the replies are read). */
  thinkMs: number;
  /** Print the first conversation of each bot and channel, turn by turn. */
  transcript: boolean;
  /** When set, all servers record a CPU profile of their serving phase into this directory; the top of each is printed. */
  cpuProfDir?: string;
}

const HELP = `Usage: npm run bench:load -- [options]
  --conversations N   conversations in flight at once (default 200)
  --total N           conversations of the real bot in all, split evenly over the channels (default 10000)
  --echo-total N      conversations of the echo bot in all, split the same way, and as many of the dialog floor
                      (default 4000)
  --floors LIST       the floors beside the real bot: echo,dialog (default) or echo (the echo bot only, as before
                      the dialog floor); echo = EchoBot, dialog = the same echo through a ComponentDialog with a
                      WaterfallDialog and a TextPrompt
  --block N           bot conversations per measured block; its process memory is sampled after each (default 1000)
  --warmup N          conversations per bot and channel before measuring (default 200)
  --channels LIST     api,directline (default both)
  --timeout-ms N      per request (default 15000)
  --poll-ms N         Direct Line: wait between polls when a poll has not yet shown the replies (default 25)
  --think-ms N        a resident's pause before each message, 0.5–1.5 × N at random (default 0: at once)
  --max-seconds N     stop the whole run after this long, exit code 2 (default 1800)
  --transcript        print the first conversation of each bot and channel
  --cpu-prof DIR      all servers record a CPU profile (warm-up, blocks, trace) into DIR; the top of each is printed
                      (the profiler's own cost is in every figure of such a run: for finding where time goes only)
Exit code: 0 when every target holds, 1 when one does not (or on errors), 2 when stopped by --max-seconds.`;

function parseOptions(argv: string[]): Options {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    process.exit(0);
  }
  const options: Options = {
    concurrency: 200,
    total: 10_000,
    echoTotal: 4000,
    floors: ['echo', 'dialog'],
    block: 1000,
    warmup: 200,
    channels: ['api', 'directline'],
    timeoutMs: 15_000,
    pollMs: 25,
    maxSeconds: 1800,
    thinkMs: 0,
    transcript: false,
  };
  const integer = (flag: string, value: string | undefined, min: number, max: number): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new Error(`${flag}: expected a whole number from ${min} to ${max}`);
    return parsed;
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const value = argv[index + 1];
    index++;
    switch (flag) {
      case '--conversations':
        options.concurrency = integer(flag, value, 1, 2000);
        break;
      case '--total':
        options.total = integer(flag, value, 1, 1_000_000);
        break;
      case '--echo-total':
        options.echoTotal = integer(flag, value, 0, 1_000_000);
        break;
      case '--block':
        options.block = integer(flag, value, 1, 1_000_000);
        break;
      case '--warmup':
        options.warmup = integer(flag, value, 0, 100_000);
        break;
      case '--timeout-ms':
        options.timeoutMs = integer(flag, value, 100, 120_000);
        break;
      case '--poll-ms':
        options.pollMs = integer(flag, value, 1, 5000);
        break;
      case '--think-ms':
        options.thinkMs = integer(flag, value, 0, 60_000);
        break;
      case '--max-seconds':
        options.maxSeconds = integer(flag, value, 10, 7200);
        break;
      case '--channels': {
        const names = (value ?? '').split(',').filter(Boolean);
        if (names.length === 0 || !names.every((name): name is ChannelName => name === 'api' || name === 'directline')) {
          throw new Error('--channels: expected a comma-separated list of api, directline');
        }
        options.channels = [...new Set(names)];
        break;
      }
      case '--floors': {
        const names = (value ?? '').split(',').filter(Boolean);
        // The echo bot always runs: the targets compare the real bot with it.
        if (!names.includes('echo') || !names.every((name): name is FloorName => name === 'echo' || name === 'dialog')) {
          throw new Error('--floors: expected echo or echo,dialog');
        }
        options.floors = FLOOR_NAMES.filter((name) => names.includes(name));
        break;
      }
      case '--cpu-prof':
        if (!value) throw new Error('--cpu-prof: expected a directory');
        options.cpuProfDir = path.resolve(value);
        mkdirSync(options.cpuProfDir, { recursive: true });
        break;
      case '--transcript':
        options.transcript = true;
        index--;
        break;
      default:
        throw new Error(`unknown option "${flag}"\n${HELP}`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------------
// The servers (child processes)

type BotName = 'bot' | 'echo' | 'dialog';
/** The servers that say the resident's text back (the echo script), beside the real bot. */
type FloorName = Exclude<BotName, 'bot'>;
const FLOOR_NAMES: readonly FloorName[] = ['echo', 'dialog'];
const isFloor = (name: BotName): name is FloorName => name !== 'bot';

interface Server {
  name: BotName;
  child: ChildProcess;
  target: Target;
  prefix: string;
}

/**
 * Configuration of all servers beyond bench/variantServer.ts's defaults. The Direct Line limits are per
 * conversation and per client address; every resident here comes from 127.0.0.1, so the token limit is
 * raised to its maximum, and the others far above what one scripted conversation does.
 */
const SERVER_CONFIG: Record<string, string> = {
  DIRECT_LINE_ACTIVITIES_PER_MINUTE: '10000',
  DIRECT_LINE_POLLS_PER_MINUTE: '100000',
  DIRECT_LINE_TOKENS_PER_MINUTE: '100000',
  // The desk "open" every day around the clock, so every time a resident asks for gets a window at once,
  // whenever the benchmark runs (holidays are still skipped by the product).
  OFFICE_DAYS: '1,2,3,4,5,6,7',
  OFFICE_OPENS: '00:00',
  OFFICE_CLOSES: '23:59',
  // The product's default: nothing a conversation leaves expires during the run, so the census counts it.
  STATE_TTL_SECONDS: '86400',
};

const LABEL: Record<BotName, string> = { bot: 'bot', echo: 'echo', dialog: 'dialog floor' };
/** The variant of bench/variantServer.ts each server runs. */
const VARIANT: Record<BotName, VariantName> = { bot: 'redis', echo: 'echo', dialog: 'dialog' };
const CHANNEL_LABEL: Record<ChannelName, string> = { api: '/api/messages', directline: 'Direct Line' };
const label = (name: BotName, channel: ChannelName) => `${LABEL[name]} ${CHANNEL_LABEL[channel]}`;

const profileFile = (directory: string, name: BotName, runId: string) => path.join(directory, `load-${name}-${runId}.cpuprofile`);

function startServer(name: BotName, redisUrl: string, runId: string, options: Options): Promise<Server> {
  const { timeoutMs, cpuProfDir } = options;
  const prefix = `load:${runId}:${name}:`;
  const child = fork(path.join(__dirname, 'variantServer.ts'), [VARIANT[name]], {
    execArgv: ['--import', 'tsx', '--no-deprecation', '--expose-gc'],
    env: { ...process.env, BENCH_CHILD_REDIS_URL: redisUrl, BENCH_CHILD_PREFIX: prefix, BENCH_CHILD_CPU_PROFILE: cpuProfDir ? profileFile(cpuProfDir, name, runId) : '', BENCH_CHILD_CONFIG: JSON.stringify(SERVER_CONFIG) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ${name} server did not start within 60 s`));
    }, 60_000);
    const onMessage = (message: FromServer) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        // Idle keep-alive sockets are dropped after 2 s, before the server's 5 s keep-alive timeout, so a socket
        // is never reused just as the server closes it.
        const agent = new http.Agent({ keepAlive: true, maxSockets: 4000, timeout: 2000 });
        resolve({ name, child, prefix, target: { port: message.port, agent, timeoutMs } });
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the ${name} server failed to start: ${message.message}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} server exited with code ${String(code)} before it was ready`));
    });
  });
}

function ask<T extends FromServer['type']>(server: Server, request: ToServer, answer: T): Promise<Extract<FromServer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.child.off('message', onMessage);
      reject(new Error(`the ${server.name} server did not answer "${request.type}"`));
    }, 30_000);
    const onMessage = (message: FromServer) => {
      if (message.type !== answer) return;
      clearTimeout(timer);
      server.child.off('message', onMessage);
      resolve(message as Extract<FromServer, { type: T }>);
    };
    server.child.on('message', onMessage);
    server.child.send(request);
  });
}

const serverCpu = async (server: Server) => {
  const usage = await ask(server, { type: 'usage' }, 'usage');
  return usage.cpuUserMicros + usage.cpuSystemMicros;
};

function stopServer(server: Server): Promise<void> {
  server.target.agent.destroy();
  if (server.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.child.kill('SIGKILL');
      resolve();
    }, 15_000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.child.send({ type: 'stop' } satisfies ToServer);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Conversations

interface Figures {
  latenciesMs: number[];
  byStep: number[][];
  startMs: number[];
  turns: number;
  started: number;
  finished: number;
  errors: Map<string, { count: number; example: string }>;
  wallMs: number;
  polls: number;
  serverCpuMicros: number;
  redisCpuMicros: number;
  loadCpuMicros: number;
  /** INFO memory used_memory after the blocks minus before them. */
  usedMemoryGrowth: number;
  commands: CommandStats;
}

const newFigures = (): Figures => ({
  latenciesMs: [],
  byStep: STEP_NAMES.map(() => []),
  startMs: [],
  turns: 0,
  started: 0,
  finished: 0,
  errors: new Map(),
  wallMs: 0,
  polls: 0,
  serverCpuMicros: 0,
  redisCpuMicros: 0,
  loadCpuMicros: 0,
  usedMemoryGrowth: 0,
  commands: new Map(),
});

interface Context {
  options: Options;
  locale: Locale;
  runId: string;
  retentionDays: number;
  /** Conversations started so far per server and channel, warm-up and trace included (for the key census). */
  startedAll: Map<string, number>;
}

type Transcript = { said: string; replies: Reply[] }[];

function openConversation(context: Context, server: Server, channel: ChannelName, index: number): ChannelConversation {
  const id = `${context.runId}-${server.name}-${index}`;
  return channel === 'api' ? apiConversation(server.target, id) : directLineConversation(server.target, `resident-${id}`, context.options.pollMs);
}

/** One resident's whole conversation; a failure ends it (the rest of its script cannot follow) and is counted by kind. */
async function converse(context: Context, server: Server, channel: ChannelName, index: number, figures: Figures | undefined, transcript?: Transcript): Promise<void> {
  const key = `${server.name}|${channel}`;
  context.startedAll.set(key, (context.startedAll.get(key) ?? 0) + 1);
  if (figures) figures.started++;
  const resident = residentFor(index);
  const echo = isFloor(server.name);
  const steps = echo ? echoScript(context.locale, resident) : botScript(context.locale, resident, { firstTurnWelcomes: channel === 'api', retentionDays: context.retentionDays });
  const conversation = openConversation(context, server, channel, index);
  let step = 'start';
  try {
    const start = await conversation.start();
    let previous: Reply[] = [];
    if (start) {
      transcript?.push({ said: '(conversation started)', replies: start.replies });
      const problem = checkStart(context.locale, start.replies, echo);
      if (problem) throw new TurnFailure('off-script at "start"', problem);
      figures?.startMs.push(start.ms);
      if (figures) figures.polls += start.polls;
      previous = start.replies;
    }
    for (const [position, scripted] of steps.entries()) {
      step = scripted.name;
      const text = scripted.say(previous);
      if (text === undefined) throw new TurnFailure(`off-script at "${step}"`, 'the button to press was not among the replies');
      if (context.options.thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, context.options.thinkMs * (0.5 + Math.random())));
      const result = await conversation.say(text);
      transcript?.push({ said: text, replies: result.replies });
      const problem = scripted.check(result.replies, text);
      if (problem) throw new TurnFailure(`off-script at "${step}"`, problem);
      if (figures) {
        figures.turns++;
        figures.polls += result.polls;
        figures.latenciesMs.push(result.ms);
        figures.byStep[position]!.push(result.ms);
      }
      previous = result.replies;
    }
    step = 'leave';
    await conversation.leave();
    if (figures) figures.finished++;
  } catch (error) {
    const failure = error instanceof TurnFailure ? error : new TurnFailure('load generator', error instanceof Error ? error.message : String(error));
    if (!figures) throw new Error(`${label(server.name, channel)}: ${failure.kind} at "${step}": ${failure.message}`);
    const kind = failure.kind.startsWith('off-script') ? failure.kind : `${failure.kind} (at "${step}")`;
    const entry = figures.errors.get(kind) ?? { count: 0, example: failure.message };
    entry.count++;
    figures.errors.set(kind, entry);
  }
}

/** `count` conversations, at most `concurrency` at once, on connections opened beforehand; the indexes run from `firstIndex`. */
async function runConversations(context: Context, server: Server, channel: ChannelName, count: number, firstIndex: number, figures: Figures | undefined): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = firstIndex + next++;
      await converse(context, server, channel, index, figures);
    }
  };
  const workers = Math.min(context.options.concurrency, count);
  await openConnections(server.target, workers);
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, worker));
  return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------------------
// MONITOR trace of one conversation: the commands each turn sends, and those its Lua scripts run

interface TracedTurn {
  step: string;
  sent: string[];
  inLua: string[];
}

async function traceConversation(context: Context, server: Server, channel: ChannelName, redisUrl: string, index: number): Promise<TracedTurn[]> {
  const tracer = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectionName: 'load-trace' });
  tracer.on('error', () => undefined);
  const monitor = await tracer.monitor();
  const seen: { source: string; command: string }[] = [];
  // Nothing else talks to the private Redis now; our own connections send nothing while the trace runs.
  monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ source, command: (args[0] ?? '').toUpperCase() }));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  await settle();
  const turns: TracedTurn[] = [];
  const record = (step: string, from: number) => {
    const mine = seen.slice(from);
    turns.push({ step, sent: mine.filter(({ source }) => source !== 'lua').map(({ command }) => command), inLua: mine.filter(({ source }) => source === 'lua').map(({ command }) => command) });
  };
  try {
    const resident = residentFor(index);
    const steps = isFloor(server.name) ? echoScript(context.locale, resident) : botScript(context.locale, resident, { firstTurnWelcomes: channel === 'api', retentionDays: context.retentionDays });
    context.startedAll.set(`${server.name}|${channel}`, (context.startedAll.get(`${server.name}|${channel}`) ?? 0) + 1);
    const conversation = openConversation(context, server, channel, index);
    let mark = seen.length;
    const start = await conversation.start();
    let previous = start?.replies ?? [];
    if (start) {
      await settle();
      record('start', mark);
    }
    for (const step of steps) {
      mark = seen.length;
      const result = await conversation.say(step.say(previous) ?? '');
      await settle();
      record(step.name, mark);
      previous = result.replies;
    }
  } finally {
    monitor.disconnect();
    tracer.disconnect();
  }
  return turns;
}

/** "EVALSHA×2 GET" */
function compact(commands: string[]): string {
  const counts = new Map<string, number>();
  for (const command of commands) counts.set(command, (counts.get(command) ?? 0) + 1);
  return [...counts].map(([command, count]) => (count > 1 ? `${command}×${count}` : command)).join(' ') || '–';
}

// ---------------------------------------------------------------------------------------------------------
// Figures

const megabytes = (bytes: number) => fixed(bytes / 1024 / 1024, 1);
const sortedCopy = (values: number[]) => Float64Array.from(values).sort() as unknown as number[];

type ServerMemory = Extract<FromServer, { type: 'memory' }>;

interface MemorySample {
  point: string;
  botConversations: number;
  /** Every server's reading, by name (the real bot's is always there). */
  of: Map<BotName, ServerMemory>;
}

const botMemory = (sample: MemorySample) => sample.of.get('bot')!;

/** Least-squares slope of the real bot's heapUsed against conversations, in bytes per conversation. */
function slope(samples: MemorySample[]): number {
  const xs = samples.map((sample) => sample.botConversations);
  const ys = samples.map((sample) => botMemory(sample).heapUsedBytes);
  const mx = mean(xs);
  const my = mean(ys);
  const numerator = xs.reduce((sum, x, index) => sum + (x - mx) * (ys[index]! - my), 0);
  const denominator = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

function commitLine(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).stdout.trim() !== '';
  return head ? `${head}${dirty ? ' with uncommitted work' : ''}` : 'unknown';
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const runId = randomUUID().slice(0, 8);
  const startedAt = performance.now();
  const servers: Server[] = [];
  let privateRedis: PrivateRedis | undefined;
  let monitor: Redis | undefined;

  const cleanUp = async () => {
    await Promise.all(servers.map(stopServer));
    monitor?.disconnect();
    await privateRedis?.stop();
  };
  const watchdog = setTimeout(() => {
    console.error(`\nThe benchmark took longer than --max-seconds ${options.maxSeconds}: stopped.`);
    for (const server of servers) server.child.kill('SIGKILL');
    privateRedis?.process.kill('SIGKILL');
    process.exit(2);
  }, options.maxSeconds * 1000);
  watchdog.unref();

  try {
    privateRedis = await startPrivateRedis();
    const redisUrl = privateRedis.url;
    monitor = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectionName: 'load-monitor' });
    // A failed command rejects its own promise; the connection's error events need no second report.
    monitor.on('error', () => undefined);
    const redisVersion = infoField(await monitor.info('server'), 'redis_version');
    const locale = loadLocale(defaultLocalesDir());
    const productConfig = loadConfig({ ...SERVER_CONFIG, NODE_ENV: 'test' });
    const context: Context = { options, locale, runId, retentionDays: productConfig.CALLBACK_RETENTION_DAYS, startedAll: new Map() };

    const cpus = os.cpus();
    const floorsTitle = options.floors.map((name) => (name === 'echo' ? 'an echo bot' : 'a dialog floor')).join(' and ');
    console.log(`Apu ku apu: load benchmark (whole callback conversations, /api/messages and Direct Line, real bot beside ${floorsTitle})`);
    console.log(`commit ${commitLine()} | node ${process.version} | ${os.platform()} ${os.arch()} | nproc ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'} | redis-server ${redisVersion ?? '?'} (private, port ${privateRedis.port})`);
    const perChannel = (count: number) => options.channels.map((channel) => `${Math.floor(count / options.channels.length) + (options.channels.indexOf(channel) < count % options.channels.length ? 1 : 0)} over ${CHANNEL_LABEL[channel]}`).join(', ');
    const floorCounts = options.floors.map((name) => `${name === 'echo' ? 'echo bot' : 'dialog floor'}: ${options.echoTotal} (${perChannel(options.echoTotal)})`).join('; ');
    console.log(`${options.concurrency} conversations in flight; real bot: ${options.total} conversations (${perChannel(options.total)}); ${floorCounts}`);
    console.log(
      options.floors.includes('dialog')
        ? `blocks of ${options.block} conversations, channels in turn; the echo blocks (same size) spread among the bot blocks of their channel, ` +
            `each with a dialog-floor block of the same size next to it, the order of bot, echo and dialog floor rotating; warm-up ${options.warmup} conversations per server and channel`
        : `blocks of ${options.block} conversations, channels in turn; the echo blocks (same size) spread among the bot blocks of their channel; ` +
            `warm-up ${options.warmup} conversations per bot and channel`,
    );
    if (options.floors.includes('dialog')) {
      console.log(
        'dialog floor: the echo bot\'s answer given through botbuilder-dialogs (DialogSet over dialogState → ComponentDialog → WaterfallDialog, ' +
          'waiting in a TextPrompt; replaceDialog each turn): how much of the real bot\'s cost is the dialog framework itself',
      );
    }
    console.log(`script (${STEP_NAMES.length} turns): ${STEP_NAMES.map((name) => `"${name}"`).join(' → ')}; the real bot's next text is read from its buttons`);
    console.log(
      `servers: bench/variantServer.ts, one child process each (--expose-gc), configured with ${Object.entries(SERVER_CONFIG)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}`,
    );
    console.log('  (Direct Line limits raised: all residents come from 127.0.0.1; desk hours around the clock so every time asked for gets a window)');
    console.log(
      options.thinkMs > 0
        ? `residents pause ${options.thinkMs / 2}–${(options.thinkMs * 3) / 2} ms before each message (not in the latency)`
        : 'no pause between a reply and the next message: a closed loop at full speed, so the servers are saturated and p50 ≈ conversations in flight ÷ throughput',
    );
    console.log(`Direct Line turn: from sending POST activities until the GET activities?watermark= that shows the bot's replies to it has been read; polled at once after the POST's answer, then every ${options.pollMs} ms`);
    console.log(`load average at start (1/5/15 min): ${os.loadavg().map((load) => fixed(load, 2)).join(' ')}\n`);

    const started = await Promise.allSettled((['bot', ...options.floors] as const).map((name) => startServer(name, redisUrl, runId, options)));
    for (const outcome of started) if (outcome.status === 'fulfilled') servers.push(outcome.value);
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    const serverOf = (name: BotName) => servers.find((server) => server.name === name)!;
    const bot = serverOf('bot');
    const floors = servers.filter((server) => isFloor(server.name));

    const memorySamples: MemorySample[] = [];
    let botConversations = 0;
    const sampleMemory = async (point: string) => {
      const readings = await Promise.all(servers.map(async (server) => [server.name, await ask(server, { type: 'memory' }, 'memory')] as const));
      memorySamples.push({ point, botConversations, of: new Map(readings) });
    };
    await sampleMemory('ready');
    const usedMemoryAtStart = await usedMemory(monitor);

    // Indexes: each server and channel has its own range, so residents differ and conversation ids never repeat.
    const nextIndex = new Map<string, number>();
    const take = (name: BotName, channel: ChannelName, count: number) => {
      const key = `${name}|${channel}`;
      const first = nextIndex.get(key) ?? 0;
      nextIndex.set(key, first + count);
      return first;
    };

    if (options.transcript) {
      for (const server of servers) {
        for (const channel of options.channels) {
          const transcript: Transcript = [];
          const shown = newFigures();
          try {
            await converse(context, server, channel, take(server.name, channel, 1), shown, transcript);
          } finally {
            for (const [kind, { example }] of shown.errors) console.log(`transcript conversation failed: ${kind}: ${example}`);
            console.log(`transcript, ${label(server.name, channel)}:`);
            for (const { said, replies } of transcript) {
              console.log(`  > ${said}`);
              for (const reply of replies) {
                const extras = [reply.buttons.length ? `[${reply.buttons.join(' | ')}]` : '', ...reply.attachments.map((attachment) => `{${attachment.contentType ?? '?'}: ${attachment.content?.title ?? ''}}`)];
                console.log(`    < ${reply.text.replace(/\n+/g, ' / ').slice(0, 160)} ${extras.join(' ')}`);
              }
            }
          }
        }
      }
      console.log('');
    }

    for (const server of servers) {
      for (const channel of options.channels) {
        if (options.warmup === 0) continue;
        const warm = newFigures();
        const wallMs = await runConversations(context, server, channel, options.warmup, take(server.name, channel, options.warmup), warm);
        const errors = [...warm.errors.values()].reduce((sum, { count }) => sum + count, 0);
        console.log(`warm-up ${label(server.name, channel).padEnd(26)} ${warm.finished}/${warm.started} conversations, ${errors} errors, ${fixed(wallMs / 1000, 1)} s`);
        if (errors > 0) for (const [kind, { count, example }] of warm.errors) console.log(`  ${count} × ${kind}: ${example}`);
      }
    }
    await sampleMemory('before (after warm-up)');

    const figures = new Map<string, Figures>();
    for (const { name } of servers) for (const channel of options.channels) figures.set(`${name}|${channel}`, newFigures());

    // The plan: bot blocks of --block conversations, channels in turn; floor blocks of the same size (so all
    // have the same ramp-up and ramp-down at the ends of a block), spread evenly among the bot blocks of their
    // channel: beside a bot block, as many blocks of each floor (echo, dialog floor) of the same sizes, the
    // order of the three rotating from one bot block with floors beside it to the next.
    const botBlocks = Math.ceil(options.total / options.block);
    const echoBeside = new Map<number, number[]>();
    for (const [position, channel] of options.channels.entries()) {
      const ownBlocks = Array.from({ length: botBlocks }, (_, block) => block).filter((block) => block % options.channels.length === position);
      const echoOfChannel = Math.floor(options.echoTotal / options.channels.length) + (position < options.echoTotal % options.channels.length ? 1 : 0);
      const sizes = Array.from({ length: Math.ceil(echoOfChannel / options.block) }, (_, index) => Math.min(options.block, echoOfChannel - index * options.block));
      sizes.forEach((size, index) => {
        const beside = ownBlocks[Math.min(ownBlocks.length - 1, Math.floor(((index + 0.5) * ownBlocks.length) / sizes.length))];
        if (beside === undefined) throw new Error(`no bot block over ${CHANNEL_LABEL[channel]} to put the floor blocks beside`);
        echoBeside.set(beside, [...(echoBeside.get(beside) ?? []), size]);
      });
    }
    const runBlock = async (server: Server, channel: ChannelName, count: number, title: string) => {
      if (count === 0) return;
      const total = figures.get(`${server.name}|${channel}`)!;
      const memoryBefore = await usedMemory(monitor!);
      await monitor!.config('RESETSTAT');
      const statsBefore = parseCommandStats(await monitor!.info('commandstats'));
      const redisCpuBefore = await redisCpuMicros(monitor!);
      const cpuBefore = await serverCpu(server);
      const loadBefore = process.cpuUsage();
      const block = newFigures();
      const wallMs = await runConversations(context, server, channel, count, take(server.name, channel, count), block);
      const loadCpu = process.cpuUsage(loadBefore);
      const cpuAfter = await serverCpu(server);
      const redisCpuAfter = await redisCpuMicros(monitor!);
      addStats(total.commands, statsBefore, parseCommandStats(await monitor!.info('commandstats')));
      total.redisCpuMicros += redisCpuAfter - redisCpuBefore;
      total.usedMemoryGrowth += (await usedMemory(monitor!)) - memoryBefore;
      total.serverCpuMicros += cpuAfter - cpuBefore;
      total.loadCpuMicros += loadCpu.user + loadCpu.system;
      total.wallMs += wallMs;
      for (const latency of block.latenciesMs) total.latenciesMs.push(latency);
      block.byStep.forEach((latencies, step) => total.byStep[step]!.push(...latencies));
      total.startMs.push(...block.startMs);
      total.turns += block.turns;
      total.started += block.started;
      total.finished += block.finished;
      total.polls += block.polls;
      let errors = 0;
      for (const [kind, { count: times, example }] of block.errors) {
        errors += times;
        const entry = total.errors.get(kind) ?? { count: 0, example };
        entry.count += times;
        total.errors.set(kind, entry);
      }
      const sorted = sortedCopy(block.latenciesMs);
      console.log(
        `${title.padEnd(12)} ${label(server.name, channel).padEnd(26)} ${String(count).padStart(5)} conv ${fixed(block.turns / (wallMs / 1000), 0).padStart(5)} turns/s  ` +
          `p50 ${fixed(percentile(sorted, 50))} ms  p95 ${fixed(percentile(sorted, 95))} ms  p99 ${fixed(percentile(sorted, 99))} ms  errors ${errors}`,
      );
    };

    // The order of [bot, echo, dialog floor] rotates by one from one bot block with floor blocks beside it to the
    // next, so that each goes first, in the middle and last in turn.
    let rotation = 0;
    for (let block = 0; block < botBlocks; block++) {
      const channel = options.channels[block % options.channels.length]!;
      const botCount = Math.min(options.block, options.total - block * options.block);
      const title = `block ${block + 1}/${botBlocks}`;
      const sizes = echoBeside.get(block) ?? [];
      const order = [bot, ...floors];
      if (sizes.length > 0) {
        const shift = rotation % order.length;
        order.push(...order.splice(0, shift));
        rotation++;
      }
      for (const server of order) {
        if (server === bot) await runBlock(bot, channel, botCount, title);
        else for (const size of sizes) await runBlock(server, channel, size, title);
      }
      botConversations += botCount;
      await sampleMemory(`after block ${block + 1}`);
    }
    const usedMemoryAfterBlocks = await usedMemory(monitor);

    // The trace comes after the measured blocks, so MONITOR's own cost is in none of the figures.
    const traces = new Map<string, TracedTurn[]>();
    for (const server of servers) for (const channel of options.channels) traces.set(`${server.name}|${channel}`, await traceConversation(context, server, channel, redisUrl, take(server.name, channel, 1)));

    const census = new Map<BotName, KindCensus[]>();
    for (const server of servers) census.set(server.name, await keyCensus(monitor, server.prefix));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await sampleMemory('after (1 s later)');

    // ------------------------------------------------------------------ results
    const rows = [...figures.entries()].map(([key, total]) => {
      const [name, channel] = key.split('|') as [BotName, ChannelName];
      return { key, name, channel, total, sorted: sortedCopy(total.latenciesMs) };
    });
    const row = (name: BotName, channel: ChannelName) => rows.find((candidate) => candidate.name === name && candidate.channel === channel)!;
    const errorCount = (total: Figures) => [...total.errors.values()].reduce((sum, { count }) => sum + count, 0);
    const commandCalls = (total: Figures) => [...total.commands.values()].reduce((sum, { calls }) => sum + calls, 0);
    const throughput = (total: Figures) => total.turns / (total.wallMs / 1000);
    const cpuPerTurn = (total: Figures) => total.serverCpuMicros / total.turns;
    const ratio = (x: number, y: number) => `${fixed(x / y, 2)}×`;

    console.log(`\nProcess memory of the servers after a forced GC (MB; "bot conv." = the real bot's measured conversations so far)\n`);
    console.log(
      table(
        ['point', 'bot conv.', 'bot RSS', 'bot heapUsed', 'bot external', ...floors.flatMap(({ name }) => [`${LABEL[name]} RSS`, `${LABEL[name]} heapUsed`])],
        memorySamples.map((sample) => [
          sample.point,
          String(sample.botConversations),
          megabytes(botMemory(sample).rssBytes),
          megabytes(botMemory(sample).heapUsedBytes),
          megabytes(botMemory(sample).externalBytes),
          ...floors.flatMap(({ name }) => [megabytes(sample.of.get(name)!.rssBytes), megabytes(sample.of.get(name)!.heapUsedBytes)]),
        ]),
      ),
    );
    if (memorySamples[0] && !botMemory(memorySamples[0]).collected) console.log('(no forced GC: the server was not started with --expose-gc)');

    console.log('\nTurns (measured blocks only; latency in ms from sending the message until its replies were read)\n');
    console.log(
      table(
        ['variant', 'conversations', 'turns', 'errors', 'turns/s', 'conv/s', 'mean', 'p50', 'p95', 'p99', 'max', 'Redis cmds/turn', 'server CPU µs/turn', 'Redis CPU µs/turn', 'polls/turn'],
        rows.map(({ name, channel, total, sorted }) => [
          label(name, channel),
          `${total.finished}/${total.started}`,
          String(total.turns),
          String(errorCount(total)),
          fixed(throughput(total), 0),
          fixed(total.finished / (total.wallMs / 1000), 1),
          fixed(mean(sorted)),
          fixed(percentile(sorted, 50)),
          fixed(percentile(sorted, 95)),
          fixed(percentile(sorted, 99)),
          fixed(sorted[sorted.length - 1] ?? Number.NaN),
          fixed(commandCalls(total) / total.turns, 2),
          fixed(cpuPerTurn(total), 0),
          fixed(total.redisCpuMicros / total.turns, 0),
          channel === 'directline' ? fixed(total.polls / (total.turns + total.startMs.length), 2) : '–',
        ]),
      ),
    );
    console.log('Redis cmds/turn: INFO commandstats over the blocks (commands inside Lua scripts included) ÷ message turns; on Direct Line the');
    console.log('conversation start (token, conversation, welcome turn, first poll) is included and spread over its turns. Load generator CPU:');
    console.log(`  ${rows.map(({ name, channel, total }) => `${label(name, channel)} ${fixed(total.loadCpuMicros / total.turns, 0)} µs/turn`).join(', ')}`);

    console.log('\nThe real bot as a ratio to the echo floor on the same channel\n');
    const ratioRows = options.channels.map((channel) => {
      const a = row('bot', channel);
      const c = row('echo', channel);
      const step = STEP_NAMES.indexOf('matter');
      return [
        CHANNEL_LABEL[channel],
        ratio(percentile(a.sorted, 50), percentile(c.sorted, 50)),
        ratio(percentile(sortedCopy(a.total.byStep[step]!), 50), percentile(sortedCopy(c.total.byStep[step]!), 50)),
        ratio(percentile(a.sorted, 95), percentile(c.sorted, 95)),
        ratio(percentile(a.sorted, 99), percentile(c.sorted, 99)),
        ratio(throughput(c.total), throughput(a.total)),
        ratio(cpuPerTurn(a.total), cpuPerTurn(c.total)),
        ratio(commandCalls(a.total) / a.total.turns, commandCalls(c.total) / c.total.turns),
      ];
    });
    console.log(table(['channel', 'p50', 'p50 of the triage turn ("matter")', 'p95', 'p99', 'throughput echo/bot', 'server CPU/turn', 'Redis cmds/turn'], ratioRows));

    if (options.floors.includes('dialog')) {
      console.log('\nThe dialog floor between them: the real bot ÷ the dialog floor, and the dialog floor ÷ the echo floor, on the same channel\n');
      console.log(
        table(
          ['channel', 'p50 bot/dialog floor', 'p50 dialog floor/echo', 'server CPU/turn bot/dialog floor', 'server CPU/turn dialog floor/echo', 'Redis cmds/turn dialog floor/echo'],
          options.channels.map((channel) => {
            const a = row('bot', channel);
            const d = row('dialog', channel);
            const c = row('echo', channel);
            return [
              CHANNEL_LABEL[channel],
              ratio(percentile(a.sorted, 50), percentile(d.sorted, 50)),
              ratio(percentile(d.sorted, 50), percentile(c.sorted, 50)),
              ratio(cpuPerTurn(a.total), cpuPerTurn(d.total)),
              ratio(cpuPerTurn(d.total), cpuPerTurn(c.total)),
              ratio(commandCalls(d.total) / d.total.turns, commandCalls(c.total) / c.total.turns),
            ];
          }),
        ),
      );
    }

    console.log('\np50 by step of the script (ms)\n');
    const stepRows: string[][] = [];
    if (options.channels.includes('directline')) {
      stepRows.push(['start (Direct Line: token, conversation, first poll)', ...rows.map(({ channel, total }) => (channel === 'directline' ? fixed(percentile(sortedCopy(total.startMs), 50)) : '–'))]);
    }
    STEP_NAMES.forEach((name, step) => stepRows.push([`"${name}"`, ...rows.map(({ total }) => fixed(percentile(sortedCopy(total.byStep[step]!), 50)))]));
    console.log(table(['step', ...rows.map(({ name, channel }) => label(name, channel))], stepRows));

    console.log('\nRedis commands per message turn by name (INFO commandstats over the measured blocks; top 12 by the busiest variant)\n');
    const names = new Map<string, number>();
    for (const { total } of rows) for (const [command, { calls }] of total.commands) names.set(command, Math.max(names.get(command) ?? 0, calls / total.turns));
    const ranked = [...names.entries()].sort((x, y) => y[1] - x[1]);
    const shown = ranked.slice(0, 12).map(([command]) => command);
    console.log(
      table(
        ['command', ...rows.map(({ name, channel }) => label(name, channel))],
        [
          ...shown.map((command) => [command, ...rows.map(({ total }) => fixed((total.commands.get(command)?.calls ?? 0) / total.turns, 2))]),
          ...(ranked.length > shown.length
            ? [[`${ranked.length - shown.length} others`, ...rows.map(({ total }) => fixed([...total.commands].filter(([command]) => !shown.includes(command)).reduce((sum, [, { calls }]) => sum + calls, 0) / total.turns, 2))]]
            : []),
          ['total', ...rows.map(({ total }) => fixed(commandCalls(total) / total.turns, 2))],
        ],
      ),
    );

    console.log('\nRedis commands of one traced conversation (MONITOR, after the blocks): sent by the server / [run inside its Lua scripts]');
    for (const [key, trace] of traces) {
      const [name, channel] = key.split('|') as [BotName, ChannelName];
      const sent = trace.reduce((sum, turn) => sum + turn.sent.length, 0);
      const messageTurns = trace.filter((turn) => turn.step !== 'start').length;
      console.log(`\n${label(name, channel)}: ${sent} commands sent in ${trace.length} turns (${fixed(sent / messageTurns, 2)} per message turn, start included)`);
      for (const turn of trace) console.log(`  ${`"${turn.step}"`.padEnd(16)} ${compact(turn.sent)}   [${compact(turn.inLua)}]`);
    }

    // Redis memory: what the finished conversations left, by kind of key.
    console.log('\nRedis memory left by the conversations: key census after the run (MEMORY USAGE … SAMPLES 0 of up to 200 keys per kind × keys)');
    const perConversation = new Map<BotName, Map<ChannelName, number>>();
    const transcriptless = new Map<BotName, Map<ChannelName, number>>();
    for (const [name, kinds] of census) {
      const conversationsOf = (owner: KindCensus['owner']) =>
        owner === 'shared' ? options.channels.reduce((sum, channel) => sum + (context.startedAll.get(`${name}|${channel}`) ?? 0), 0) : (context.startedAll.get(`${name}|${owner}`) ?? 0);
      console.log(`\n${LABEL[name]} (${options.channels.map((channel) => `${context.startedAll.get(`${name}|${channel}`) ?? 0} conversations over ${CHANNEL_LABEL[channel]}`).join(', ')}, warm-up and trace included)\n`);
      console.log(
        table(
          ['kind of key', 'of', 'keys', 'mean bytes/key', 'MB', 'bytes per conversation', 'lasts', 'TTL seen'],
          kinds.map((kind) => [
            kind.kind,
            kind.owner === 'shared' ? 'all channels' : CHANNEL_LABEL[kind.owner],
            kind.entries !== undefined ? `${kind.keys} (${kind.entries} entries)` : String(kind.keys),
            fixed(kind.bytes / kind.keys, 0),
            megabytes(kind.bytes),
            fixed(kind.bytes / Math.max(1, conversationsOf(kind.owner)), 0),
            kind.lasting ? kind.lifetime : `transient: ${kind.lifetime}`,
            kind.ttlSeconds !== undefined ? `${kind.ttlSeconds} s` : '–',
          ]),
        ),
      );
      const byChannel = new Map<ChannelName, number>();
      const afterTranscript = new Map<ChannelName, number>();
      for (const channel of options.channels) {
        const lasting = kinds.filter((kind) => kind.lasting && (kind.owner === channel || kind.owner === 'shared'));
        const bytesOf = (chosen: KindCensus[]) => chosen.reduce((sum, kind) => sum + kind.bytes / Math.max(1, conversationsOf(kind.owner)), 0);
        byChannel.set(channel, bytesOf(lasting));
        afterTranscript.set(channel, bytesOf(lasting.filter((kind) => !kind.kind.startsWith('Direct Line'))));
      }
      perConversation.set(name, byChannel);
      transcriptless.set(name, afterTranscript);
      console.log(`lasting bytes per finished conversation: ${options.channels.map((channel) => `${CHANNEL_LABEL[channel]} ${fixed(byChannel.get(channel)!, 0)} B`).join(', ')}`);
      if (options.channels.includes('directline')) {
        console.log(`  of which left once the Direct Line transcript has expired (DIRECT_LINE_TOKEN_TTL_SECONDS after the last use): ${fixed(afterTranscript.get('directline')!, 0)} B`);
      }
    }
    console.log(
      `\nINFO memory used_memory growth during each variant's measured blocks ÷ its conversations there (includes the 60 s rate-limit counters ` +
        `of Direct Line blocks, and minus those of earlier blocks that expired meanwhile): ${rows.map(({ name, channel, total }) => `${label(name, channel)} ${fixed(total.usedMemoryGrowth / total.started, 0)} B`).join(', ')}`,
    );
    const allConversations = [...context.startedAll.values()].reduce((sum, count) => sum + count, 0);
    const censusBytes = [...census.values()].flat().reduce((sum, kind) => sum + kind.bytes, 0);
    console.log(
      `\nINFO memory used_memory: ${megabytes(usedMemoryAtStart)} MB before the first conversation, ${megabytes(usedMemoryAfterBlocks)} MB after the blocks ` +
        `(+${megabytes(usedMemoryAfterBlocks - usedMemoryAtStart)} MB for ${allConversations} conversations of all ${servers.length} servers, ` +
        `${fixed((usedMemoryAfterBlocks - usedMemoryAtStart) / allConversations, 0)} B each); the census sums to ${megabytes(censusBytes)} MB`,
    );

    // Errors by kind.
    const anyErrors = rows.some(({ total }) => errorCount(total) > 0);
    if (anyErrors) {
      console.log('\nErrors by kind (a failed turn ends its conversation)\n');
      console.log(
        table(
          ['variant', 'kind', 'count', 'example'],
          rows.flatMap(({ name, channel, total }) => [...total.errors].map(([kind, { count, example }]) => [label(name, channel), kind, String(count), example.replace(/\s+/g, ' ').slice(0, 140)])),
        ),
      );
    }

    // Targets.
    console.log('\nTargets');
    const verdicts: boolean[] = [];
    const verdict = (holds: boolean, line: string) => {
      verdicts.push(holds);
      console.log(`${holds ? 'PASS' : 'FAIL'}  ${line}`);
    };
    for (const channel of options.channels) {
      const a = row('bot', channel);
      const c = row('echo', channel);
      const p50Ratio = percentile(a.sorted, 50) / percentile(c.sorted, 50);
      verdict(p50Ratio <= 1.5, `p50 turn of the real bot within 1.5× of the echo bot's, ${CHANNEL_LABEL[channel]}: ${fixed(percentile(a.sorted, 50))} / ${fixed(percentile(c.sorted, 50))} ms = ${fixed(p50Ratio, 2)}×`);
    }
    for (const channel of options.channels) {
      const step = STEP_NAMES.indexOf('matter');
      const a = percentile(sortedCopy(row('bot', channel).total.byStep[step]!), 50);
      const c = percentile(sortedCopy(row('echo', channel).total.byStep[step]!), 50);
      verdict(a / c <= 1.5, `p50 of the triage turn itself ("matter": classify, service card) within 1.5× of the echo bot's same turn, ${CHANNEL_LABEL[channel]}: ${fixed(a)} / ${fixed(c)} ms = ${fixed(a / c, 2)}×`);
    }
    if (options.floors.includes('dialog')) {
      // Information only, not targets: where the real bot's cost lies between the two floors.
      const info = (line: string) => console.log(`info  ${line}`);
      for (const channel of options.channels) {
        const a = percentile(row('bot', channel).sorted, 50);
        const d = percentile(row('dialog', channel).sorted, 50);
        info(`p50 turn of the real bot ÷ the dialog floor's, ${CHANNEL_LABEL[channel]}: ${fixed(a)} / ${fixed(d)} ms = ${fixed(a / d, 2)}×`);
      }
      for (const channel of options.channels) {
        const d = percentile(row('dialog', channel).sorted, 50);
        const c = percentile(row('echo', channel).sorted, 50);
        info(`p50 turn of the dialog floor ÷ the echo bot's, ${CHANNEL_LABEL[channel]}: ${fixed(d)} / ${fixed(c)} ms = ${fixed(d / c, 2)}×`);
      }
    }
    const totalErrors = rows.reduce((sum, { total }) => sum + errorCount(total), 0);
    verdict(totalErrors === 0, `no errors at ${options.concurrency} concurrent conversations: ${totalErrors} (${rows.map(({ name, channel, total }) => `${label(name, channel)} ${errorCount(total)}`).join(', ')})`);
    for (const channel of options.channels) {
      const bytes = perConversation.get('bot')?.get(channel) ?? Number.NaN;
      const later = channel === 'directline' ? `; ${fixed(transcriptless.get('bot')?.get(channel) ?? Number.NaN, 0)} B once its transcript has expired` : '';
      verdict(bytes < 4096, `Redis memory per finished conversation of the real bot under 4 KB, ${CHANNEL_LABEL[channel]}: ${fixed(bytes, 0)} B (keys it leaves, census)${later}`);
    }
    const measured = memorySamples.filter((sample) => sample.point.startsWith('after block'));
    const half = measured.slice(Math.floor(measured.length / 2));
    // Fewer points than this in the second half, and the heap's noise after a GC (some 0.5 MB) decides the slope.
    if (half.length >= 3) {
      const perThousand = slope(half) * 1000;
      verdict(
        perThousand < 1024 * 1024,
        `the real bot's heap levels off: heapUsed after GC grows ${fixed(perThousand / 1024, 0)} KB per 1 000 conversations over the second half of the run ` +
          `(${half[0]!.botConversations}–${half[half.length - 1]!.botConversations}; limit 1 024 KB, i.e. under ~1 KB kept per conversation); whole run ${fixed((slope(measured) * 1000) / 1024, 0)} KB per 1 000`,
      );
    } else {
      console.log(`----  heap levelling not judged: ${measured.length} blocks (needs at least 6); heapUsed after GC ${memorySamples.map((sample) => megabytes(botMemory(sample).heapUsedBytes)).join(' → ')} MB`);
    }
    console.log(`\ntotal run time ${fixed((performance.now() - startedAt) / 1000, 1)} s; load average at end: ${os.loadavg().map((load) => fixed(load, 2)).join(' ')}`);
    process.exitCode = verdicts.every(Boolean) ? 0 : 1;
  } finally {
    await cleanUp();
    clearTimeout(watchdog);
  }
  if (options.cpuProfDir) {
    for (const name of ['bot', ...options.floors] as const) printProfile(LABEL[name], profileFile(options.cpuProfDir, name, runId), 'warm-up, blocks and trace');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
