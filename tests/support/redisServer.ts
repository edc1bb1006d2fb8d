import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function answersPing(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface PrivateRedisOptions {
  /** The port to listen on (a restart keeps its port); a free one when not given. */
  port?: number;
  /**
   * Persist to an append-only file in this directory, written and fsynced before each reply
   * (`appendfsync always`), and loaded again when a server starts on the same directory.
   */
  aofDir?: string;
  /** Further redis-server arguments. */
  args?: string[];
}

export interface PrivateRedis {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM, and waits until the server has gone. */
  stop(): Promise<void>;
  /** SIGKILL (no shutdown, no last write, as in a crash or an OOM kill), and waits until the server has gone. */
  kill(): Promise<void>;
  /** A new server on the same port with the same options (so it loads the same AOF); this one is killed first if it still runs. */
  restart(): Promise<PrivateRedis>;
}

function hasExited(child: ChildProcess): boolean {
  // A process ended by a signal has no exit code, only a signal code.
  return child.exitCode !== null || child.signalCode !== null;
}

function endProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child)) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Starts a throw-away redis-server (a free port and no persistence unless told otherwise) and waits until it
 * answers; with `aofDir`, until it has loaded its append-only file. The old form, a list of extra arguments, still works.
 */
export async function startPrivateRedis(options: string[] | PrivateRedisOptions = []): Promise<PrivateRedis> {
  const { port: fixedPort, aofDir, args = [] }: PrivateRedisOptions = Array.isArray(options) ? { args: options } : options;
  const port = fixedPort ?? (await freePort());
  const persistence = aofDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', aofDir] : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, ...args], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  // PING is refused (LOADING) while the AOF is read, so an answer means the data is back.
  while (!(await answersPing(url, 300))) {
    if (hasExited(child) || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    process: child,
    stop: () => endProcess(child, 'SIGTERM'),
    kill: () => endProcess(child, 'SIGKILL'),
    async restart() {
      await endProcess(child, 'SIGKILL');
      return startPrivateRedis({ port, aofDir, args });
    },
  };
}
