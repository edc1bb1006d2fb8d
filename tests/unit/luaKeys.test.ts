import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Redis Cluster runs a script on the master of its keys' slot, and only the keys passed in KEYS tell it which
 * slot that is: a key a script builds for itself (a prefix and a number joined in Lua) may live on another
 * master, and then the script fails there, or works by luck. So every key a product script touches must come
 * from KEYS. The cluster run (jest project redis-cluster) checks at run time that each script's keys share a
 * slot; this checks the scripts' text for keys that did not come from KEYS.
 */

const SERVICES = join(__dirname, '..', '..', 'services');
// Commands whose every argument is a key; for the others only the first argument is.
const ALL_KEYS = new Set(['DEL', 'UNLINK', 'EXISTS', 'MGET', 'TOUCH', 'WATCH']);
// Commands that take no key at all.
const NO_KEYS = new Set(['TIME', 'PING', 'ECHO']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The Lua scripts of a source file: its template literals that call redis.call. */
function luaScripts(source: string): string[] {
  return [...source.matchAll(/`([^`]*redis\.call\([^`]*)`/g)].map((match) => match[1]!);
}

/** The arguments of a call, split at the commas outside brackets and parentheses. */
function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth += 1;
    if (char === ')' || char === ']' || char === '}') depth -= 1;
    current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Every redis.call in a script whose key does not come straight from KEYS, as "COMMAND argument". */
function keysNotFromKeys(script: string): string[] {
  const problems: string[] = [];
  for (const match of script.matchAll(/redis\.call\(/g)) {
    // The call's text up to its closing parenthesis.
    let depth = 1;
    let end = match.index + match[0].length;
    while (depth > 0 && end < script.length) {
      if (script[end] === '(') depth += 1;
      if (script[end] === ')') depth -= 1;
      end += 1;
    }
    const [name, ...args] = splitArguments(script.slice(match.index + match[0].length, end - 1));
    const command = (name ?? '').replace(/^'|'$/g, '').toUpperCase();
    if (NO_KEYS.has(command)) continue;
    const keys = ALL_KEYS.has(command) ? args : args.slice(0, 1);
    if (keys.length === 0) problems.push(`${command} without a key`);
    for (const key of keys) if (!/^KEYS\[[^\]]+\]$/.test(key)) problems.push(`${command} ${key}`);
  }
  return problems;
}

describe('the Lua scripts of the product', () => {
  const scripts = sourceFiles(SERVICES).flatMap((file) =>
    luaScripts(readFileSync(file, 'utf8')).map((script) => ({ file: relative(SERVICES, file), script })),
  );

  it('are found: storage, locks, callbacks, suggestions, staff, Direct Line', () => {
    const files = new Set(scripts.map(({ file }) => file));
    for (const file of ['storage/redisStorage.ts', 'locks/turnLock.ts', 'callbacks/callbackScripts.ts', 'suggestions/suggestionStore.ts', 'staff/sessions.ts', 'staff/accounts.ts', 'directLine/conversationLog.ts']) {
      expect(files).toContain(file);
    }
    // One script for each command defined on the client: none escaped the search.
    const defined = sourceFiles(SERVICES).reduce((count, file) => count + (readFileSync(file, 'utf8').match(/\.defineCommand\(/g)?.length ?? 0), 0);
    expect(scripts).toHaveLength(defined);
  });

  it('touch only keys passed in KEYS', () => {
    const problems = scripts.flatMap(({ file, script }) => keysNotFromKeys(script).map((problem) => `${file}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('would be caught building a key of their own', () => {
    // The callback CREATE script before it took its request keys in KEYS.
    const built = `
      requestKey = ARGV[1] .. ref
      if redis.call('EXISTS', requestKey) == 0 then break end
      redis.call('SET', requestKey, ARGV[3])
      redis.call('ZADD', KEYS[3], ARGV[4], ref)
      return redis.call('DEL', KEYS[1], ARGV[1] .. hash)`;
    expect(keysNotFromKeys(built)).toEqual(['EXISTS requestKey', 'SET requestKey', 'DEL ARGV[1] .. hash']);
  });
});
