import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Staff passwords as argon2id hashes (PHC strings), with OWASP's parameters for argon2id: 19 MiB of memory,
 * two passes, one lane. @node-rs/argon2 ships a prebuilt binary per platform as an ordinary npm package,
 * with no install script; the `argon2` package's prebuilt binary crashed on this machine kind.
 */
export const STAFF_PASSWORD_HASHING = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, STAFF_PASSWORD_HASHING);
}

/** False for a wrong password; throws only for a hash that cannot be read. */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

/** Whether a stored hash was made with other parameters (or another algorithm) than today's. */
export function needsRehash(passwordHash: string): boolean {
  const [, algorithm, , parameters] = passwordHash.split('$');
  if (algorithm !== 'argon2id' || !parameters) return true;
  const given = Object.fromEntries(parameters.split(',').map((pair) => pair.split('=') as [string, string]));
  return (
    Number(given.m) !== STAFF_PASSWORD_HASHING.memoryCost || Number(given.t) !== STAFF_PASSWORD_HASHING.timeCost || Number(given.p) !== STAFF_PASSWORD_HASHING.parallelism
  );
}
