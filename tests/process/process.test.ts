import { join } from 'node:path';
import { freePort } from '../support/redisServer';
import { runEntry, type Finished } from '../support/runEntry';
import { testRedisUrl } from '../support/testRedis';

const root = join(__dirname, '..', '..');

/** Runs an entry point with the old call shape of this file: entry, env, options, args. */
function run(entry: string, env: Record<string, string>, options: { stdin?: string; whenReady?: (output: string, stop: () => void) => void } = {}, args: string[] = []): Promise<Finished> {
  return runEntry(entry, args, { ...options, env });
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

describe('npm run triage and triage:eval', () => {
  it('prints one JSON line per message: service, confidence, crisis', async () => {
    const { code, stdout } = await run('tools/triage.ts', {}, { stdin: 'kela ei oo maksanu toimeentulotukea\nhaluun kuolla\nmikä on paras pizzaresepti\n' });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { text: string; service: string | null; confidence: number; crisis: boolean });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ text: 'kela ei oo maksanu toimeentulotukea', service: 'kela', crisis: false });
    expect(lines[1]).toMatchObject({ crisis: true });
    expect(lines[2]).toMatchObject({ service: null, crisis: false });
    for (const line of lines) expect(line.confidence).toBeGreaterThanOrEqual(0);
  });

  it('reports accuracy, per-label figures, a confusion matrix and misses, beside NLP.js', async () => {
    const file = join(root, 'tests', 'process', 'fixtures', 'tiny.tsv');
    const { code, stdout } = await run('tools/triageEval.ts', {}, {}, [file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/== Apu ku apu classifier: 4 messages/);
    expect(stdout).toMatch(/accuracy \d+\.\d %\s+crisis recall \d+\.\d %/);
    expect(stdout).toContain('confusion (rows: expected, columns: predicted)');
    expect(stdout).toMatch(/== NLP\.js/);
    expect(stdout).toMatch(/\| Apu ku apu \| \d+\.\d % \|/);
  });
});
