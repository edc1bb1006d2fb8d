/**
 * `npm run staff -- add NAME | passwd NAME | remove NAME | list`: the desk's staff accounts, kept in the Redis
 * that REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS) and REDIS_KEY_PREFIX name (as for the bot). A password is read from stdin, never from the
 * command line, where other users of the machine and the shell history would see it: at a terminal it is asked
 * twice without echo; from a pipe the first line is the password. Changing a password or removing an account
 * ends that user's sessions. Exit codes: 0 done, 1 failed, 2 wrong usage. Nothing printed holds a password or
 * a hash.
 */
import { ConfigError, loadConfig, redisTarget } from '../bot/config';
import { createLogger } from '../services/logging/logger';
import { closeRedisClient, createRedisClient, describeRedisTarget, type RedisClient, type RedisTarget } from '../services/redis/connection';
import { InvalidStaffInputError, StaffAccounts, validStaffInput } from '../services/staff/accounts';
import { StaffSessions } from '../services/staff/sessions';

const USAGE = 'usage: npm run staff -- add NAME | passwd NAME | remove NAME | list, with a password on stdin';

class UsageError extends Error {}
/** A failure already worded for the operator. */
class StaffCommandError extends Error {}

type StaffCommand = { name: 'add' | 'passwd' | 'remove'; username: string } | { name: 'list' } | { name: 'help' };

function parseCommand(args: string[]): StaffCommand {
  const [name, ...rest] = args;
  if (name === undefined) throw new UsageError('no command given');
  if (name === 'help' || name === '--help' || name === '-h') return { name: 'help' };
  if (name === 'list') {
    if (rest.length > 0) throw new UsageError(`list takes no arguments (got ${JSON.stringify(rest[0])})`);
    return { name };
  }
  if (name !== 'add' && name !== 'passwd' && name !== 'remove') throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  // A password after the name is refused outright, so that nobody gets used to typing it where `ps` shows it.
  if (rest.length !== 1) throw new UsageError(`${name} takes exactly one user name${rest.length > 1 ? ' (the password is read from stdin, not from the command line)' : ''}`);
  try {
    return { name, username: validStaffInput('username', rest[0]) };
  } catch (error) {
    if (error instanceof InvalidStaffInputError) throw new UsageError(error.message);
    throw error;
  }
}

function redisSettings(): { target: RedisTarget; prefix: string } {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new StaffCommandError(`invalid configuration: ${error.problems.join('; ')}`);
    throw error;
  }
  const target = redisTarget(config);
  if (!target) {
    throw new StaffCommandError('REDIS_URL is not set: staff accounts live in Redis (e.g. REDIS_URL=redis://127.0.0.1:6379)');
  }
  return { target, prefix: config.REDIS_KEY_PREFIX };
}

/** The new password: asked twice without echo at a terminal, else the first line of stdin. Validated before Redis is touched. */
async function readNewPassword(username: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    const [first, again] = await readHiddenLines([`New password for ${username}: `, 'Type it again: ']);
    if (first !== again) throw new StaffCommandError('the two passwords differ; nothing was changed');
    password = first ?? '';
  } else {
    password = await readFirstLine();
  }
  validStaffInput('password', password);
  return password;
}

function readFirstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    let buffered = '';
    const finish = (line: string | undefined) => {
      input.off('data', onData).off('end', onEnd).off('error', onError);
      // The rest of stdin is not ours to wait for.
      input.destroy();
      if (line === undefined) reject(new StaffCommandError('no password on stdin (give it as the first line)'));
      else resolve(line);
    };
    const onData = (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end !== -1) finish(buffered.slice(0, end).replace(/\r$/, ''));
    };
    const onEnd = () => finish(buffered === '' ? undefined : buffered.replace(/\r$/, ''));
    const onError = (error: Error) => reject(error);
    input.setEncoding('utf8');
    input.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/**
 * Asks each prompt in turn at the terminal and reads one line for each, echoing nothing. Raw mode is on before
 * the first prompt appears and stays on until the last line, so nothing typed ahead is ever echoed. Prompts go
 * to stderr so that stdout stays clean.
 */
function readHiddenLines(prompts: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    const lines: string[] = [];
    let typed = '';
    let previous = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      if (error) {
        process.stderr.write('\n');
        reject(error);
      } else {
        resolve(lines);
      }
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        const afterReturn = previous === '\r';
        previous = char;
        if (char === '\n' && afterReturn) continue;
        if (char === '\r' || char === '\n') {
          process.stderr.write('\n');
          lines.push(typed);
          typed = '';
          const next = prompts[lines.length];
          if (next === undefined) return finish();
          process.stderr.write(next);
        } else if (char === '\u0003') {
          return finish(new StaffCommandError('cancelled; nothing was changed'));
        } else if (char === '\u0004' && typed === '') {
          return finish(new StaffCommandError('no password given; nothing was changed'));
        } else if (char === '\u007f' || char === '\b') {
          typed = Array.from(typed).slice(0, -1).join('');
        } else if (char >= ' ') {
          typed += char;
        }
      }
    };
    input.setEncoding('utf8');
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
    process.stderr.write(prompts[0] ?? '');
  });
}

async function connect(target: RedisTarget): Promise<RedisClient> {
  // One attempt and no reconnecting: an operator at a terminal wants to hear at once that Redis is not there.
  const redis = createRedisClient(target, createLogger('silent'), { connectionName: 'apu-ku-apu-staff', lazyConnect: true, reconnect: false });
  // connect() rejects with a bare "Connection is closed"; the reason (refused, unknown host, wrong password) comes as an event.
  let reason: string | undefined;
  redis.on('error', (error: Error) => (reason ??= error.message));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new StaffCommandError(`cannot reach Redis at ${describeRedisTarget(target)} (${reason ?? (error instanceof Error ? error.message : String(error))})`);
  }
  return redis;
}

const sessionsEnded = (count: number) => `ended ${count} session${count === 1 ? '' : 's'}`;

async function run(command: Exclude<StaffCommand, { name: 'help' }>, redis: RedisClient, prefix: string, password: string | undefined): Promise<void> {
  const accounts = new StaffAccounts(redis, { prefix });
  const sessions = new StaffSessions(redis, { prefix });
  switch (command.name) {
    case 'list': {
      const all = await accounts.list();
      if (all.length === 0) process.stderr.write('no staff accounts\n');
      const width = Math.max(0, ...all.map((account) => account.username.length));
      for (const account of all) process.stdout.write(`${account.username.padEnd(width)}  ${account.createdAt}\n`);
      return;
    }
    case 'add':
      await accounts.add(command.username, password ?? '');
      process.stdout.write(`added staff account ${command.username}\n`);
      return;
    case 'passwd':
      await accounts.setPassword(command.username, password ?? '');
      process.stdout.write(`changed the password of ${command.username}; ${sessionsEnded(await sessions.destroyAllFor(command.username))}\n`);
      return;
    case 'remove': {
      const removed = await accounts.remove(command.username);
      // Sessions go even if the account was already gone: nothing may outlive it.
      const ended = await sessions.destroyAllFor(command.username);
      if (!removed) throw new StaffCommandError(`there is no staff account named ${command.username}`);
      process.stdout.write(`removed staff account ${command.username}; ${sessionsEnded(ended)}\n`);
      return;
    }
  }
}

async function main(): Promise<number> {
  const command = parseCommand(process.argv.slice(2));
  if (command.name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { target, prefix } = redisSettings();
  const password = command.name === 'add' || command.name === 'passwd' ? await readNewPassword(command.username) : undefined;
  const redis = await connect(target);
  try {
    await run(command, redis, prefix, password);
  } finally {
    await closeRedisClient(redis);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`staff: ${error.message}; ${USAGE}\n`);
      process.exit(2);
    }
    // Messages of the staff services name a field or an account, never a password or a hash.
    process.stderr.write(`staff: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  },
);
