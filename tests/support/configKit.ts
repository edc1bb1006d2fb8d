import { ConfigError, loadConfig } from '../../bot/config';

/** A DIRECT_LINE_SECRET long enough for production. */
export const SECRET = 'a-signing-secret-of-at-least-32-characters';

/** The problems loadConfig names for an environment it must refuse (and an error if it accepts it). */
export function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}
