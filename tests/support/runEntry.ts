import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const projectRoot = join(__dirname, '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Added to a bare environment (PATH and HOME only), so that the machine's own settings do not leak in. */
  env?: Record<string, string>;
  stdin?: string;
  /** Sees the output so far on every chunk; `stop()` sends SIGTERM. */
  whenReady?: (output: string, stop: () => void) => void;
  /** Killed (SIGKILL) after this long, so a hanging process fails its test instead of the whole run. */
  timeoutMs?: number;
}

/** Runs a TypeScript entry point of the project as its own Node process (through tsx), as its npm script does. */
export function runEntry(entry: string, args: string[] = [], options: RunOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.whenReady?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A process that exits before reading its input must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
