import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../support/redisServer';
import { testRedisUrl } from '../support/testRedis';

const root = join(__dirname, '..', '..');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point of the project as its own Node process (through tsx), as `npm start`/`npm run chat` would. */
function run(entry: string, env: Record<string, string>, options: { stdin?: string; whenReady?: (output: string, stop: () => void) => void } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
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
    child.stdin.end(options.stdin ?? '');
  });
}

describe('the bot process', () => {
  it('refuses to start on a bad setting, naming the variable, without a stack trace', async () => {
    const { code, stderr } = await run('bot/index.ts', { PORT: 'abc', REDIS_URL: 'localhost' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT: expected a whole number from 0 to 65535 \(got "abc"\)/);
    expect(stderr).toMatch(/REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to start on broken locale data, naming the file', async () => {
    const { code, stderr } = await run('bot/index.ts', { LOCALES_DIR: join(root, 'tests') });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Invalid locale data in .*messages\.json/);
  });

  it('serves, then on SIGTERM finishes and exits 0 after closing Redis', async () => {
    const port = await freePort();
    let probed = false;
    const { code, stdout } = await run(
      'bot/index.ts',
      { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: 'test:process:' },
      {
        whenReady: (output, stop) => {
          if (probed || !output.includes('listening')) return;
          probed = true;
          void fetch(`http://127.0.0.1:${port}/readyz`)
            .then(async (response) => {
              expect(response.status).toBe(200);
              expect(await response.json()).toMatchObject({ status: 'ready' });
            })
            .finally(stop);
        },
      },
    );
    expect(probed).toBe(true);
    expect(code).toBe(0);
    expect(stdout).toMatch(/shutting down/);
    expect(stdout).toMatch(/"msg":"stopped"/);
  });
});

describe('npm run chat', () => {
  it('shows buttons as numbered choices and takes a number as the answer', async () => {
    const { code, stdout } = await run('bot/cli.ts', { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: 'test:chat:' }, { stdin: '3\n1\n' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/1\) Kerro asiasi\n\s+2\) Pyydä soittoa\n\s+3\) Olohuone ja aukioloajat\n\s+4\) Jätä aloite/);
    expect(stdout).toContain('Mitä haluat tietää olohuoneesta?');
    expect(stdout).toContain('Aukioloajat:');
  });
});
