import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { StaffAccounts } from '../../services/staff/accounts';
import { StaffSessions } from '../../services/staff/sessions';
import { runEntry, type Finished } from '../support/runEntry';
import { connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, testRedisUrl, uniquePrefix } from '../support/testRedis';

const root = join(__dirname, '..', '..');
const PASSWORD = 'kahvi ja pulla 2026';
const NEW_PASSWORD = 'uusi salasana syksy 2026';

/** `npm run staff -- <args>` as its own process (node --import tsx tools/staff.ts), stdin piped. */
function staff(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Finished> {
  return runEntry('tools/staff.ts', args, { ...options, timeoutMs: 15_000 });
}

/**
 * The same command at a terminal: util-linux `script` gives it a pseudo-terminal. Each answer is typed only once
 * the prompt before it has appeared, as a person would.
 */
function staffAtTerminal(args: string[], env: Record<string, string>, answers: string[]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, '--import', 'tsx', 'tools/staff.ts', ...args].map((part) => `'${part}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'dumb', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let answered = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const prompts = screen.match(/New password for \S+: |Type it again: /g) ?? [];
      while (answered < prompts.length && answered < answers.length) child.stdin.write(`${answers[answered++]}\r`);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('npm run staff', () => {
  let redis: Redis;
  let prefix: string;
  let env: Record<string, string>;

  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    // REDIS_KEY_PREFIX allows 32 characters of a-z 0-9 : _ -; this is 23.
    prefix = uniquePrefix('staffcli');
    env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix };
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });

  it('adds an account with the password from stdin, and list shows it; no password or hash is printed', async () => {
    const added = await staff(['add', 'Maija'], { env, stdin: `${PASSWORD}\nthis second line is not read\n` });
    expect(added).toEqual({ code: 0, stdout: 'added staff account maija\n', stderr: '' });
    expect(await new StaffAccounts(redis, { prefix }).verify('maija', PASSWORD)).toBe(true);

    await staff(['add', 'anna'], { env, stdin: `${PASSWORD}\r\n` });
    const listed = await staff(['list'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^anna {3}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\nmaija {2}\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
    for (const output of [added.stdout, added.stderr, listed.stdout, listed.stderr]) {
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain('$argon2');
    }
  });

  it('takes a password without a final newline, and says so when stdin is empty', async () => {
    expect((await staff(['add', 'maija'], { env, stdin: PASSWORD })).code).toBe(0);
    expect(await new StaffAccounts(redis, { prefix }).verify('maija', PASSWORD)).toBe(true);
    const empty = await staff(['add', 'pekka'], { env, stdin: '' });
    expect(empty).toMatchObject({ code: 1, stdout: '', stderr: 'staff: no password on stdin (give it as the first line)\n' });
  });

  it('refuses a short password without storing anything, naming the field and not the password', async () => {
    const refused = await staff(['add', 'maija'], { env, stdin: 'lyhyt123\n' });
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'staff: password: expected at least 12 characters\n' });
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
  });

  it('refuses to add a name twice', async () => {
    await staff(['add', 'maija'], { env, stdin: `${PASSWORD}\n` });
    const again = await staff(['add', 'maija'], { env, stdin: `${NEW_PASSWORD}\n` });
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'staff: A staff account named "maija" already exists\n' });
    expect(await new StaffAccounts(redis, { prefix }).verify('maija', PASSWORD)).toBe(true);
  });

  it('passwd changes the password from stdin and ends that user’s sessions only', async () => {
    await staff(['add', 'maija'], { env, stdin: `${PASSWORD}\n` });
    const sessions = new StaffSessions(redis, { prefix });
    const mine = [await sessions.create('maija'), await sessions.create('maija')];
    const theirs = await sessions.create('pekka');

    const changed = await staff(['passwd', 'maija'], { env, stdin: `${NEW_PASSWORD}\n` });
    expect(changed).toEqual({ code: 0, stdout: 'changed the password of maija; ended 2 sessions\n', stderr: '' });
    const accounts = new StaffAccounts(redis, { prefix });
    expect(await accounts.verify('maija', PASSWORD)).toBe(false);
    expect(await accounts.verify('maija', NEW_PASSWORD)).toBe(true);
    for (const session of mine) expect(await sessions.get(session.token)).toBeNull();
    expect(await sessions.get(theirs.token)).not.toBeNull();
    expect(changed.stdout + changed.stderr).not.toContain(NEW_PASSWORD);

    const nobody = await staff(['passwd', 'nobody'], { env, stdin: `${NEW_PASSWORD}\n` });
    expect(nobody).toMatchObject({ code: 1, stderr: 'staff: There is no staff account named "nobody"\n' });
  });

  it('remove deletes the account and ends its sessions; removing it again fails', async () => {
    await staff(['add', 'maija'], { env, stdin: `${PASSWORD}\n` });
    const session = await new StaffSessions(redis, { prefix }).create('maija');

    expect(await staff(['remove', 'maija'], { env })).toEqual({ code: 0, stdout: 'removed staff account maija; ended 1 session\n', stderr: '' });
    expect(await new StaffSessions(redis, { prefix }).get(session.token)).toBeNull();
    expect(await new StaffAccounts(redis, { prefix }).verify('maija', PASSWORD)).toBe(false);
    expect(await staff(['list'], { env })).toEqual({ code: 0, stdout: '', stderr: 'no staff accounts\n' });
    expect(await staff(['remove', 'maija'], { env })).toMatchObject({ code: 1, stderr: 'staff: there is no staff account named maija\n' });
  });

  it('exits 2 with the usage on wrong usage, before reading stdin or touching Redis', async () => {
    const cases: [string[], RegExp][] = [
      [[], /^staff: no command given; usage: npm run staff -- add NAME \| passwd NAME \| remove NAME \| list/],
      [['frob'], /^staff: unknown command "frob"; usage:/],
      [['add'], /^staff: add takes exactly one user name; usage:/],
      [['add', 'maija', PASSWORD], /^staff: add takes exactly one user name \(the password is read from stdin, not from the command line\); usage:/],
      [['remove'], /^staff: remove takes exactly one user name; usage:/],
      [['list', 'extra'], /^staff: list takes no arguments/],
      [['passwd', 'maija meikäläinen'], /^staff: username: expected 2–40 characters/],
    ];
    for (const [args, message] of cases) {
      // No REDIS_URL: usage is checked first.
      const result = await staff(args, { stdin: `${PASSWORD}\n` });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toContain(PASSWORD);
    }
    expect(await keysWithPrefix(redis, prefix)).toEqual([]);
    const help = await staff(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run staff -- add NAME/);
    // Eight processes one after another.
  }, 60_000);

  it('says in one line that REDIS_URL is needed, or that Redis cannot be reached, and exits 1 promptly', async () => {
    const missing = await staff(['list'], { env: { REDIS_KEY_PREFIX: prefix } });
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'staff: REDIS_URL is not set: staff accounts live in Redis (e.g. REDIS_URL=redis://127.0.0.1:6379)\n' });

    const invalid = await staff(['list'], { env: { REDIS_URL: 'localhost:6379' } });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^staff: invalid configuration: REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL.*\n$/);

    const started = Date.now();
    const unreachable = await staff(['add', 'maija'], { env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: prefix }, stdin: `${PASSWORD}\n` });
    expect(unreachable).toEqual({ code: 1, stdout: '', stderr: 'staff: cannot reach Redis at REDIS_URL (connect ECONNREFUSED 127.0.0.1:1)\n' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('at a terminal asks twice without echoing, and refuses two different passwords', async () => {
    expect(spawnSync('script', ['--version']).status).toBe(0);
    const added = await staffAtTerminal(['add', 'maija'], env, [PASSWORD, PASSWORD]);
    expect(added.code).toBe(0);
    expect(added.screen).toMatch(/New password for maija: \r?\nType it again: \r?\nadded staff account maija/);
    expect(added.screen).not.toContain(PASSWORD);
    expect(await new StaffAccounts(redis, { prefix }).verify('maija', PASSWORD)).toBe(true);

    const differing = await staffAtTerminal(['passwd', 'maija'], env, [NEW_PASSWORD, `${NEW_PASSWORD}x`]);
    expect(differing.code).toBe(1);
    expect(differing.screen).toContain('staff: the two passwords differ; nothing was changed');
    expect(differing.screen).not.toContain(NEW_PASSWORD);
    expect(await new StaffAccounts(redis, { prefix }).verify('maija', PASSWORD)).toBe(true);
  });
});
