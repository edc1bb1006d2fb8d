/**
 * Turn latency and throughput of POST /api/messages (deliveryMode "expectReplies") under many concurrent
 * conversations, for three variants measured side by side in one run:
 *
 *   (a) redis   the real HelpDeskBot on RedisStorage + RedisTurnLock
 *   (b) memory  the real HelpDeskBot without Redis: MemoryStorage + in-process LocalTurnLock
 *   (c) echo    an echo bot (one state read + write per turn) on the same adapter, server, middleware,
 *               RedisStorage and RedisTurnLock as (a): the floor of the stack
 *
 * Each variant is its own child process (bench/variantServer.ts, started with `fork` through tsx), so the
 * load generator here does not share an event loop with the server it measures. All three are started
 * first, each gets a warm-up, then the measured blocks run one variant at a time in a rotating order
 * (a b c, b c a, c a b, ...) so that drift on the machine hits all three alike.
 *
 * Redis: a private redis-server on a free port (startPrivateRedis), so INFO commandstats counts only this
 * run; or BENCH_REDIS_URL (then commandstats are before/after differences and include anyone else's traffic).
 *
 * Bounded: a fixed number of turns, a timeout on every request, and a hard time limit for the whole run.
 * Traffic goes only to 127.0.0.1.
 *
 *   npm run bench                                   (defaults: --conversations 50 --rounds 2 --blocks 6 --warmup 4)
 *   npm run bench -- --conversations 1 --cpu-prof /tmp/bench-profiles
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { answersPing, startPrivateRedis, type PrivateRedis } from '../tests/support/redisServer';
import { fixed, mean, percentile, printProfile, table } from './report';
import { residentMessage } from './loadChannels';
import type { FromServer, ToServer, VariantName } from './variantServer';

// ---------------------------------------------------------------------------------------------------------
// Options

interface Options {
  /** Conversations in flight at once (one worker each; a worker's turns are sequential). */
  conversations: number;
  /** Conversations each worker runs one after another, per measured block. */
  rounds: number;
  /** Measured blocks per variant (the variants take turns block by block). */
  blocks: number;
  /** Conversations each worker runs per variant before measuring (not counted). */
  warmupRounds: number;
  /** A turn that takes longer than this counts as an error. */
  requestTimeoutMs: number;
  /** The whole run is stopped (exit code 2) if it takes longer than this. */
  maxSeconds: number;
  variants: VariantName[];
  /** When set, every child records a CPU profile of its serving phase into this directory, and the top of each is printed. */
  cpuProfDir?: string;
}

const HELP = `Usage: npm run bench -- [--conversations 50] [--rounds 2] [--blocks 6] [--warmup 4]
                        [--timeout-ms 10000] [--max-seconds 170] [--variants redis,memory,echo]
                        [--cpu-prof DIR]
Environment: BENCH_REDIS_URL=redis://127.0.0.1:6379 to use an existing Redis (default: a private redis-server).`;

function parseOptions(argv: string[]): Options {
  const options: Options = {
    conversations: 50,
    rounds: 2,
    blocks: 6,
    warmupRounds: 4,
    requestTimeoutMs: 10_000,
    maxSeconds: 170,
    variants: ['redis', 'memory', 'echo'],
  };
  const integer = (flag: string, value: string | undefined, min: number, max: number): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new Error(`${flag}: expected a whole number from ${min} to ${max}`);
    return parsed;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    process.exit(0);
  }
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const value = argv[index + 1];
    switch (flag) {
      case '--conversations':
        options.conversations = integer(flag, value, 1, 500);
        break;
      case '--rounds':
        options.rounds = integer(flag, value, 1, 100);
        break;
      case '--blocks':
        options.blocks = integer(flag, value, 1, 20);
        break;
      case '--warmup':
        options.warmupRounds = integer(flag, value, 0, 20);
        break;
      case '--timeout-ms':
        options.requestTimeoutMs = integer(flag, value, 100, 60_000);
        break;
      case '--max-seconds':
        options.maxSeconds = integer(flag, value, 10, 1800);
        break;
      case '--variants': {
        const names = (value ?? '').split(',').filter(Boolean);
        if (names.length === 0 || !names.every((name): name is VariantName => name === 'redis' || name === 'memory' || name === 'echo')) {
          throw new Error('--variants: expected a comma-separated list of redis, memory, echo');
        }
        options.variants = [...new Set(names)];
        break;
      }
      case '--cpu-prof':
        if (!value || value.startsWith('--')) throw new Error('--cpu-prof: expected a directory');
        options.cpuProfDir = path.resolve(value);
        mkdirSync(options.cpuProfDir, { recursive: true });
        break;
      default:
        throw new Error(`unknown option "${flag}"\n${HELP}`);
    }
    index++;
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------------
// The conversation every worker has, and how a reply is checked

interface ScriptTurn {
  text: string;
  /** Something the real bot's replies contain on this step (to notice a conversation that went off script). */
  expect: RegExp;
}

/** Welcome + menu, the living room, its opening hours, its groups, back to the menu, "tell your matter". */
const SCRIPT: ScriptTurn[] = [
  { text: 'hei', expect: /Tervetuloa/ },
  { text: '3', expect: /olohuoneesta/ },
  { text: 'aukioloajat', expect: /Aukioloajat/ },
  { text: 'ryhmät', expect: /Ryhmät/ },
  { text: 'takaisin', expect: /Voinko auttaa/ },
  // Free text at the menu is the matter: the triage answers with a service card.
  { text: 'kela ei oo maksanu toimeentulotukea', expect: /Auttoiko/ },
];

const LABELS: Record<VariantName, string> = {
  redis: '(a) bot + Redis',
  memory: '(b) bot + Memory',
  echo: '(c) echo + Redis',
  // Not among this benchmark's --variants (its script needs the real bot's answers); bench/load.ts runs it.
  dialog: '(d) dialog floor + Redis',
};

// ---------------------------------------------------------------------------------------------------------
// Child processes

interface Variant {
  name: VariantName;
  child: ChildProcess;
  port: number;
  agent: http.Agent;
  usesRedis: boolean;
  prefix: string;
}

function profileFile(directory: string, name: VariantName, runId: string): string {
  return path.join(directory, `${name}-${runId}.cpuprofile`);
}

function startVariant(name: VariantName, redisUrl: string | undefined, runId: string, cpuProfDir: string | undefined): Promise<Variant> {
  const prefix = `bench:${runId}:${name}:`;
  const child = fork(path.join(__dirname, 'variantServer.ts'), [name], {
    execArgv: ['--import', 'tsx', '--no-deprecation'],
    env: {
      ...process.env,
      BENCH_CHILD_REDIS_URL: redisUrl ?? '',
      BENCH_CHILD_PREFIX: prefix,
      BENCH_CHILD_CPU_PROFILE: cpuProfDir ? profileFile(cpuProfDir, name, runId) : '',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`variant ${name} did not start within 30 s`));
    }, 30_000);
    const onMessage = (message: FromServer) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        // Idle keep-alive sockets are dropped by the client after 2 s, well before the server's 5 s keep-alive
        // timeout, so a socket is never reused just as the server closes it (ECONNRESET).
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1000, timeout: 2000 });
        resolve({ name, child, port: message.port, agent, usesRedis: name !== 'memory', prefix });
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`variant ${name} failed to start: ${message.message}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`variant ${name} exited with code ${String(code)} before it was ready`));
    });
  });
}

function askUsage(variant: Variant): Promise<{ cpuMicros: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`variant ${variant.name} did not report its CPU use`)), 5000);
    const onMessage = (message: FromServer) => {
      if (message.type !== 'usage') return;
      clearTimeout(timer);
      variant.child.off('message', onMessage);
      resolve({ cpuMicros: message.cpuUserMicros + message.cpuSystemMicros });
    };
    variant.child.on('message', onMessage);
    variant.child.send({ type: 'usage' } satisfies ToServer);
  });
}

function stopVariant(variant: Variant): Promise<void> {
  variant.agent.destroy();
  if (variant.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      variant.child.kill('SIGKILL');
      resolve();
    }, 15_000);
    variant.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    variant.child.send({ type: 'stop' } satisfies ToServer);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Load

interface TurnOutcome {
  ok: boolean;
  offScript: boolean;
}

function postTurn(variant: Variant, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: variant.port,
        path: '/api/messages',
        method: 'POST',
        agent: variant.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

function activity(conversationId: string, text: string): string {
  return JSON.stringify(residentMessage(conversationId, text));
}

function checkReply(variant: Variant, turn: ScriptTurn, status: number, text: string): TurnOutcome {
  if (status !== 200) return { ok: false, offScript: false };
  let activities: { text?: string }[] = [];
  try {
    activities = (JSON.parse(text) as { activities?: { text?: string }[] }).activities ?? [];
  } catch {
    return { ok: false, offScript: false };
  }
  if (activities.length === 0) return { ok: false, offScript: false };
  const said = activities.map((reply) => reply.text ?? '').join('\n');
  const offScript = variant.name === 'echo' ? said !== turn.text : !turn.expect.test(said);
  return { ok: true, offScript };
}

interface LoadResult {
  latenciesMs: number[];
  /** The same latencies by step of the script (SCRIPT[index]). */
  byStep: number[][];
  turns: number;
  errors: number;
  offScript: number;
  wallMs: number;
  firstError?: string;
}

async function runLoad(variant: Variant, options: Options, rounds: number, label: string): Promise<LoadResult> {
  const result: LoadResult = { latenciesMs: [], byStep: SCRIPT.map(() => []), turns: 0, errors: 0, offScript: 0, wallMs: 0 };
  const worker = async (workerIndex: number) => {
    for (let round = 0; round < rounds; round++) {
      const conversationId = `${variant.prefix}${label}:${workerIndex}:${round}`;
      for (const [step, turn] of SCRIPT.entries()) {
        const body = activity(conversationId, turn.text);
        const started = performance.now();
        let outcome: TurnOutcome;
        try {
          const { status, text } = await postTurn(variant, body, options.requestTimeoutMs);
          outcome = checkReply(variant, turn, status, text);
          if (!outcome.ok) result.firstError ??= `HTTP ${status}: ${text.slice(0, 200)}`;
        } catch (error) {
          outcome = { ok: false, offScript: false };
          result.firstError ??= error instanceof Error ? error.message : String(error);
        }
        const elapsed = performance.now() - started;
        result.turns++;
        if (outcome.ok) {
          result.latenciesMs.push(elapsed);
          result.byStep[step]!.push(elapsed);
        } else {
          result.errors++;
        }
        if (outcome.offScript) result.offScript++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.conversations }, (_, index) => worker(index)));
  result.wallMs = performance.now() - started;
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Redis statistics

type CommandStats = Map<string, { calls: number; usec: number }>;

/** Our own monitoring commands, left out of the bot's count. */
const MONITOR_COMMANDS = new Set(['info', 'config|resetstat', 'config']);

function parseCommandStats(info: string): CommandStats {
  const stats: CommandStats = new Map();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

async function redisCpuMicros(monitor: Redis): Promise<number> {
  const info = await monitor.info('cpu');
  return Math.round((Number(infoField(info, 'used_cpu_user')) + Number(infoField(info, 'used_cpu_sys'))) * 1e6);
}

function addStats(total: CommandStats, before: CommandStats, after: CommandStats): void {
  for (const [name, { calls, usec }] of after) {
    if (MONITOR_COMMANDS.has(name)) continue;
    const earlier = before.get(name) ?? { calls: 0, usec: 0 };
    const sum = total.get(name) ?? { calls: 0, usec: 0 };
    sum.calls += calls - earlier.calls;
    sum.usec += usec - earlier.usec;
    if (sum.calls > 0) total.set(name, sum);
  }
}

/**
 * The Redis commands of one conversation, turn by turn, seen with MONITOR (after the measured blocks, so
 * MONITOR's own cost is not in the figures): what the bot sends, and what runs inside its Lua scripts
 * (INFO commandstats counts both).
 */
async function traceConversation(variant: Variant, redisUrl: string, options: Options): Promise<{ text: string; sent: string[]; inLua: string[] }[]> {
  const tracer = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectionName: 'bench-trace' });
  tracer.on('error', () => undefined);
  const monitor = await tracer.monitor();
  const seen: { source: string; command: string }[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    // Only this variant's keys: on a shared Redis (BENCH_REDIS_URL) MONITOR sees everyone.
    if (args.some((arg) => arg.includes(variant.prefix))) seen.push({ source, command: (args[0] ?? '').toUpperCase() });
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  await settle();
  const conversationId = `${variant.prefix}trace`;
  const turns: { text: string; sent: string[]; inLua: string[] }[] = [];
  try {
    for (const turn of SCRIPT) {
      const mark = seen.length;
      await postTurn(variant, activity(conversationId, turn.text), options.requestTimeoutMs);
      await settle();
      const mine = seen.slice(mark);
      turns.push({
        text: turn.text,
        sent: mine.filter(({ source }) => source !== 'lua').map(({ command }) => command),
        inLua: mine.filter(({ source }) => source === 'lua').map(({ command }) => command),
      });
    }
  } finally {
    monitor.disconnect();
    tracer.disconnect();
  }
  return turns;
}

// ---------------------------------------------------------------------------------------------------------
// Figures

interface Totals {
  latenciesMs: number[];
  byStep: number[][];
  turns: number;
  errors: number;
  offScript: number;
  wallMs: number;
  serverCpuMicros: number;
  redisCpuMicros: number;
  loadCpuMicros: number;
  commands: CommandStats;
  firstError?: string;
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const runId = randomUUID().slice(0, 8);
  const startedAt = performance.now();
  const variants: Variant[] = [];
  let privateRedis: PrivateRedis | undefined;
  let monitor: Redis | undefined;

  const cleanUp = async () => {
    await Promise.all(variants.map(stopVariant));
    monitor?.disconnect();
    await privateRedis?.stop();
  };
  const watchdog = setTimeout(() => {
    console.error(`\nThe benchmark took longer than --max-seconds ${options.maxSeconds}: stopped.`);
    for (const variant of variants) variant.child.kill('SIGKILL');
    privateRedis?.process.kill('SIGKILL');
    process.exit(2);
  }, options.maxSeconds * 1000);
  watchdog.unref();

  try {
    const needsRedis = options.variants.some((name) => name !== 'memory');
    let redisUrl: string | undefined;
    if (needsRedis) {
      redisUrl = process.env.BENCH_REDIS_URL;
      if (redisUrl) {
        const { hostname } = new URL(redisUrl);
        if (hostname !== '127.0.0.1' && hostname !== 'localhost') throw new Error('BENCH_REDIS_URL must point at 127.0.0.1');
        if (!(await answersPing(redisUrl))) throw new Error(`BENCH_REDIS_URL=${redisUrl} does not answer PING`);
      } else {
        privateRedis = await startPrivateRedis();
        redisUrl = privateRedis.url;
      }
      monitor = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectionName: 'bench-monitor' });
      // A failed command rejects its own promise; the connection's error events need no second report.
      monitor.on('error', () => undefined);
    }
    const redisVersion = monitor ? infoField(await monitor.info('server'), 'redis_version') : undefined;

    const cpus = os.cpus();
    console.log('Apu ku apu: turn benchmark (POST /api/messages, deliveryMode expectReplies)');
    console.log(
      `node ${process.version} | ${os.platform()} ${os.arch()} | ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'} | ` +
        `redis-server ${redisVersion ?? '–'} (${privateRedis ? `private, port ${privateRedis.port}` : monitor ? 'BENCH_REDIS_URL' : 'not used'})`,
    );
    const perBlock = options.conversations * options.rounds * SCRIPT.length;
    console.log(
      `${options.conversations} concurrent conversations × ${options.rounds} conversation(s) each × ${SCRIPT.length} turns = ` +
        `${perBlock} turns per block; ${options.blocks} block(s) per variant; warm-up ${options.warmupRounds} round(s) per variant`,
    );
    console.log(`script: ${SCRIPT.map((turn) => `"${turn.text}"`).join(' → ')}`);
    console.log('servers: one child process per variant (bench/variantServer.ts); load generator: this process');
    console.log(`load average at start (1/5/15 min): ${os.loadavg().map((load) => fixed(load, 2)).join(' ')}${options.cpuProfDir ? ' | CPU profiler ON (figures include its overhead)' : ''}\n`);

    const started = await Promise.allSettled(options.variants.map((name) => startVariant(name, redisUrl, runId, options.cpuProfDir)));
    for (const outcome of started) if (outcome.status === 'fulfilled') variants.push(outcome.value);
    const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;

    for (const variant of variants) {
      if (options.warmupRounds === 0) continue;
      const warm = await runLoad(variant, options, options.warmupRounds, 'warmup');
      console.log(`warm-up ${LABELS[variant.name].padEnd(17)} ${warm.turns} turns, ${warm.errors} errors, ${fixed(warm.wallMs / 1000, 2)} s`);
    }

    const totals = new Map<VariantName, Totals>(
      variants.map((variant) => [
        variant.name,
        { latenciesMs: [], byStep: SCRIPT.map(() => []), turns: 0, errors: 0, offScript: 0, wallMs: 0, serverCpuMicros: 0, redisCpuMicros: 0, loadCpuMicros: 0, commands: new Map() },
      ]),
    );

    for (let block = 0; block < options.blocks; block++) {
      const order = variants.map((_, index) => variants[(index + block) % variants.length]!);
      for (const variant of order) {
        const total = totals.get(variant.name)!;
        let statsBefore: CommandStats = new Map();
        let redisCpuBefore = 0;
        if (monitor) {
          if (privateRedis) await monitor.config('RESETSTAT');
          statsBefore = parseCommandStats(await monitor.info('commandstats'));
          redisCpuBefore = await redisCpuMicros(monitor);
        }
        const serverBefore = await askUsage(variant);
        const loadBefore = process.cpuUsage();

        const result = await runLoad(variant, options, options.rounds, `b${block}`);

        const loadCpu = process.cpuUsage(loadBefore);
        const serverAfter = await askUsage(variant);
        if (monitor) {
          const redisCpuAfter = await redisCpuMicros(monitor);
          const statsAfter = parseCommandStats(await monitor.info('commandstats'));
          // Only one variant runs at a time, so what Redis did meanwhile is this variant's (or nobody's).
          if (variant.usesRedis) {
            addStats(total.commands, statsBefore, statsAfter);
            total.redisCpuMicros += redisCpuAfter - redisCpuBefore;
          }
        }
        for (const latency of result.latenciesMs) total.latenciesMs.push(latency);
        result.byStep.forEach((latencies, step) => total.byStep[step]!.push(...latencies));
        total.turns += result.turns;
        total.errors += result.errors;
        total.offScript += result.offScript;
        total.wallMs += result.wallMs;
        total.serverCpuMicros += serverAfter.cpuMicros - serverBefore.cpuMicros;
        total.loadCpuMicros += loadCpu.user + loadCpu.system;
        total.firstError ??= result.firstError;
        const sorted = [...result.latenciesMs].sort((x, y) => x - y);
        console.log(
          `block ${block + 1}/${options.blocks} ${LABELS[variant.name].padEnd(17)} ${fixed(result.turns / (result.wallMs / 1000), 0).padStart(5)} turns/s  ` +
            `mean ${fixed(mean(sorted))} ms  p50 ${fixed(percentile(sorted, 50))} ms  p95 ${fixed(percentile(sorted, 95))} ms  errors ${result.errors}`,
        );
      }
    }

    const traces = new Map<VariantName, Awaited<ReturnType<typeof traceConversation>>>();
    if (redisUrl) {
      for (const variant of variants) if (variant.usesRedis) traces.set(variant.name, await traceConversation(variant, redisUrl, options));
    }

    // ------------------------------------------------------------------ results
    const summary = variants.map((variant) => {
      const total = totals.get(variant.name)!;
      const sorted = [...total.latenciesMs].sort((x, y) => x - y);
      return { variant, total, sorted, p50: percentile(sorted, 50) };
    });

    const sentPerTurn = (name: VariantName) => {
      const trace = traces.get(name);
      return trace ? fixed(trace.reduce((sum, turn) => sum + turn.sent.length, 0) / trace.length, 2) : '–';
    };
    console.log('\nTurn latency (every measured turn, all blocks together; ms from request sent to response read)');
    console.log('Redis calls/turn: INFO commandstats, commands inside Lua scripts included; sent/turn: commands the bot sends (MONITOR trace)\n');
    console.log(
      table(
        ['variant', 'turns', 'errors', 'off-script', 'turns/s', 'mean ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Redis calls/turn', 'sent/turn'],
        summary.map(({ variant, total, sorted }) => {
          const commandCalls = [...total.commands.values()].reduce((sum, { calls }) => sum + calls, 0);
          return [
            LABELS[variant.name],
            String(total.turns),
            String(total.errors),
            String(total.offScript),
            fixed(total.turns / (total.wallMs / 1000), 0),
            fixed(mean(sorted)),
            fixed(percentile(sorted, 50)),
            fixed(percentile(sorted, 95)),
            fixed(percentile(sorted, 99)),
            fixed(sorted[sorted.length - 1] ?? Number.NaN),
            variant.usesRedis ? fixed(commandCalls / total.turns, 2) : '–',
            sentPerTurn(variant.name),
          ];
        }),
      ),
    );

    console.log('\np50 turn latency by step of the script (ms)\n');
    console.log(
      table(
        ['step', ...summary.map(({ variant }) => LABELS[variant.name])],
        SCRIPT.map((turn, step) => [
          `"${turn.text}"`,
          ...summary.map(({ total }) => fixed(percentile([...total.byStep[step]!].sort((x, y) => x - y), 50))),
        ]),
      ),
    );

    console.log('\nCPU per turn (µs; server = the variant\'s child process, load = this process)\n');
    console.log(
      table(
        ['variant', 'server µs/turn', 'redis-server µs/turn', 'load generator µs/turn'],
        summary.map(({ variant, total }) => [
          LABELS[variant.name],
          fixed(total.serverCpuMicros / total.turns, 0),
          variant.usesRedis ? fixed(total.redisCpuMicros / total.turns, 0) : '–',
          fixed(total.loadCpuMicros / total.turns, 0),
        ]),
      ),
    );

    for (const { variant, total } of summary) {
      if (!variant.usesRedis) continue;
      const ranked = [...total.commands.entries()].sort((x, y) => y[1].calls - x[1].calls);
      console.log(`\nRedis commands per turn, ${LABELS[variant.name]} (INFO commandstats over the measured blocks)\n`);
      console.log(
        table(
          ['command', 'calls', 'per turn', 'µs/call in Redis'],
          ranked.map(([name, { calls, usec }]) => [name, String(calls), fixed(calls / total.turns, 2), fixed(usec / calls, 2)]),
        ),
      );
    }

    for (const [name, trace] of traces) {
      console.log(`\nRedis commands of one traced conversation, ${LABELS[name]} (MONITOR; [inside Lua])`);
      for (const turn of trace) console.log(`  "${turn.text}": ${turn.sent.join(' ')}   [${turn.inLua.join(' ')}]`);
    }

    for (const { variant, total } of summary) {
      if (total.errors > 0 || total.offScript > 0) {
        console.log(`\n${LABELS[variant.name]}: ${total.errors} error(s), ${total.offScript} off-script; first problem: ${total.firstError ?? '(reply did not match the script)'}`);
      }
    }

    const a = summary.find(({ variant }) => variant.name === 'redis');
    const c = summary.find(({ variant }) => variant.name === 'echo');
    let targetHolds: boolean | undefined;
    if (a && c) {
      const ratio = a.p50 / c.p50;
      targetHolds = ratio <= 1.5;
      console.log(`\np50(a) / p50(c) = ${fixed(a.p50, 1)} / ${fixed(c.p50, 1)} ms = ${fixed(ratio, 2)}×  (target ≤ 1.5×): ${targetHolds ? 'HOLDS' : 'DOES NOT HOLD'}`);
      const throughput = (total: Totals) => total.turns / (total.wallMs / 1000);
      console.log(
        `for comparison: throughput (c)/(a) = ${fixed(throughput(c.total) / throughput(a.total), 2)}×, ` +
          `server CPU per turn (a)/(c) = ${fixed(a.total.serverCpuMicros / a.total.turns / (c.total.serverCpuMicros / c.total.turns), 2)}×`,
      );
    }
    console.log(`\ntotal run time ${fixed((performance.now() - startedAt) / 1000, 1)} s; load average at end: ${os.loadavg().map((load) => fixed(load, 2)).join(' ')}`);

    const anyErrors = summary.some(({ total }) => total.errors > 0);
    process.exitCode = anyErrors ? 1 : 0;
  } finally {
    await cleanUp();
    clearTimeout(watchdog);
  }

  if (options.cpuProfDir) {
    for (const name of options.variants) printProfile(LABELS[name], profileFile(options.cpuProfDir, name, runId), 'warm-up, blocks and trace');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
