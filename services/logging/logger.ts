import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { maskDeep, maskForLog } from '../privacy/mask';

export type { Logger };

/**
 * Structured logs (pino). Every string in every log line passes through the personal-data mask, so a
 * phone number or identity code that slips into an error message or an activity never reaches the log.
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'apu-ku-apu-bot' },
      formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskForLog(arg) : arg)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
    },
    destination,
  );
}
