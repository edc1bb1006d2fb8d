import { spawn } from 'node:child_process';
import { freePort } from './redisServer';
import { projectRoot } from './runEntry';

/** `bot/index.ts` running as an OS process of its own (through tsx, as in tests/process/process.test.ts). */
export interface BotProcess {
  url: string;
  pid: number;
  /** Everything it has written to stdout (pino's JSON lines) and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (a graceful stop), then SIGKILL if it has not exited within `timeoutMs`; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the bot on a free port on the loopback interface with `env` added to a bare environment, and resolves
 * once GET /readyz answers 200 (Redis reached). A process that exits or is not ready in time fails with its
 * output, and is killed.
 */
export async function startBotProcess(env: Record<string, string>, readyTimeoutMs = 45_000): Promise<BotProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--disable-warning=DEP0005', '--import', 'tsx', 'bot/index.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (hasExited) throw new Error(`the bot process exited before it was ready\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    const status = await fetch(`${url}/readyz`).then((response) => response.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot process was not ready within ${readyTimeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    }
    await sleep(100);
  }

  return {
    url,
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(timeoutMs = 15_000) {
      if (hasExited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
