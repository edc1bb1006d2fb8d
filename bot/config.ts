import { z } from 'zod';
import type { RedisNode, RedisTarget } from '../services/redis/connection';

const blankAsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankAsUnset,
    z.coerce
      .number({ error: `expected a whole number from ${min} to ${max}` })
      .int(`expected a whole number from ${min} to ${max}`)
      .min(min, `expected a whole number from ${min} to ${max}`)
      .max(max, `expected a whole number from ${min} to ${max}`)
      .default(fallback),
  );
const clock = (fallback: string) =>
  z.preprocess(blankAsUnset, z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as 09:00').default(fallback));
const optionalText = z.preprocess(blankAsUnset, z.string().optional());
const optionalFlag = z.preprocess(blankAsUnset, z.enum(['true', 'false'], { error: 'expected true or false' }).optional());

// host:port, the host a name, an IPv4 address or an IPv6 address in brackets ([::1]:6379).
const NODE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;
const nodeList = z.preprocess(
  blankAsUnset,
  z
    .string()
    .transform((list, context) => {
      const nodes: RedisNode[] = [];
      for (const entry of list.split(',').map((part) => part.trim())) {
        const match = NODE.exec(entry);
        const port = Number(match?.[2]);
        if (!match || !(port >= 1 && port <= 65535)) {
          context.addIssue({ code: 'custom', message: 'expected host:port pairs separated by commas, e.g. 10.0.0.1:6379,10.0.0.2:6379' });
          return z.NEVER;
        }
        nodes.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port });
      }
      return nodes;
    })
    .optional(),
);

const environmentSchema = z
  .object({
    NODE_ENV: z.preprocess(blankAsUnset, z.enum(['development', 'production', 'test']).default('development')),
    HOST: z.preprocess(blankAsUnset, z.string().default('0.0.0.0')),
    PORT: integer(0, 65535, 3978),
    LOG_LEVEL: z.preprocess(blankAsUnset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    REDIS_URL: z.preprocess(
      blankAsUnset,
      z.string().regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379').optional(),
    ),
    // A Redis Cluster (some of its nodes: the rest are found from them), or Sentinels that name the master.
    // Exactly one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS; with the last two, the credentials and
    // TLS come from the variables below (with REDIS_URL they are part of the URL).
    REDIS_CLUSTER_NODES: nodeList,
    REDIS_SENTINELS: nodeList,
    REDIS_SENTINEL_MASTER: z.preprocess(blankAsUnset, z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected the master\'s name from sentinel.conf, e.g. mymaster').optional()),
    REDIS_SENTINEL_PASSWORD: optionalText,
    REDIS_USERNAME: optionalText,
    REDIS_PASSWORD: optionalText,
    REDIS_TLS: optionalFlag,
    REDIS_KEY_PREFIX: z.preprocess(blankAsUnset, z.string().regex(/^[a-z0-9:_-]{1,32}$/, 'expected 1–32 of a-z 0-9 : _ -').default('aka:')),
    STATE_TTL_SECONDS: integer(60, 60 * 60 * 24 * 90, 60 * 60 * 24),
    TURN_LOCK_TTL_MS: integer(1000, 600_000, 30_000),
    TURN_LOCK_WAIT_MS: integer(100, 120_000, 10_000),
    MAX_BODY_BYTES: integer(1024, 10 * 1024 * 1024, 256 * 1024),
    MAX_MESSAGE_CHARS: integer(100, 100_000, 2000),
    SHUTDOWN_TIMEOUT_MS: integer(100, 120_000, 10_000),
    LOCALES_DIR: optionalText,
    CALLBACK_RETENTION_DAYS: integer(1, 3650, 30),
    CLAIM_TIMEOUT_MINUTES: integer(5, 24 * 60, 60),
    STAFF_SESSION_IDLE_MINUTES: integer(1, 24 * 60, 30),
    TRUST_PROXY: z.preprocess(blankAsUnset, z.enum(['true', 'false'], { error: 'expected true or false' }).default('false').transform((value) => value === 'true')),
    OFFICE_DAYS: z.preprocess(
      blankAsUnset,
      z
        .string()
        .regex(/^[1-7](,[1-7])*$/, 'expected ISO weekdays separated by commas, 1 = Monday … 7 = Sunday, e.g. 1,2,3,4,5')
        .default('1,2,3,4,5')
        .transform((days) => [...new Set(days.split(',').map(Number))]),
    ),
    OFFICE_OPENS: clock('09:00'),
    OFFICE_CLOSES: clock('15:00'),
    // The self-hosted Direct Line channel (web chat and kiosk): the key that signs its tokens, their lifetime
    // (the conversation's activity log lives as long after its last use), and its limits.
    DIRECT_LINE_SECRET: z.preprocess(blankAsUnset, z.string().min(32, 'expected at least 32 characters, e.g. from: openssl rand -base64 48').optional()),
    DIRECT_LINE_TOKEN_TTL_SECONDS: integer(1, 24 * 60 * 60, 30 * 60),
    DIRECT_LINE_ACTIVITIES_PER_MINUTE: integer(1, 10_000, 30),
    DIRECT_LINE_POLLS_PER_MINUTE: integer(1, 100_000, 150),
    DIRECT_LINE_TOKENS_PER_MINUTE: integer(1, 100_000, 60),
    // The living room's kiosk: quiet seconds before "Oletko vielä siellä?", and before the conversation is
    // ended and cleared. In real use leave at least 20 s between them (WCAG 2.2.1).
    KIOSK_IDLE_WARNING_SECONDS: integer(1, 3600, 90),
    KIOSK_IDLE_RESET_SECONDS: integer(2, 7200, 120),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: z.preprocess(blankAsUnset, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
    MicrosoftAppTenantId: optionalText,
  })
  .superRefine((env, context) => {
    const redisWays = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((name) => env[name] !== undefined);
    if (env.NODE_ENV === 'production' && redisWays.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: 'required when NODE_ENV=production (Redis is the system of record); or REDIS_CLUSTER_NODES, or REDIS_SENTINELS',
      });
    }
    for (const extra of redisWays.slice(1)) {
      context.addIssue({ code: 'custom', path: [extra], message: `set only one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS (${redisWays[0]} is set too)` });
    }
    if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_MASTER) {
      context.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_MASTER'], message: 'required with REDIS_SENTINELS: the master\'s name from sentinel.conf, e.g. mymaster' });
    }
    for (const name of ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD'] as const) {
      if (env[name] !== undefined && !env.REDIS_SENTINELS) context.addIssue({ code: 'custom', path: [name], message: 'only used with REDIS_SENTINELS' });
    }
    for (const name of ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS'] as const) {
      if (env[name] === undefined || env.REDIS_CLUSTER_NODES || env.REDIS_SENTINELS) continue;
      context.addIssue({
        code: 'custom',
        path: [name],
        message: env.REDIS_URL
          ? 'with REDIS_URL, put it in the URL instead (redis://user:password@host:6379, rediss:// for TLS)'
          : 'only used with REDIS_CLUSTER_NODES or REDIS_SENTINELS',
      });
    }
    if (env.NODE_ENV === 'production' && !env.DIRECT_LINE_SECRET) {
      // A secret of one process would log every web chat out on restart and fail on every other instance.
      context.addIssue({ code: 'custom', path: ['DIRECT_LINE_SECRET'], message: 'required when NODE_ENV=production (signs the web chat\'s tokens; e.g. openssl rand -base64 48)' });
    }
    if (env.KIOSK_IDLE_RESET_SECONDS <= env.KIOSK_IDLE_WARNING_SECONDS) {
      context.addIssue({ code: 'custom', path: ['KIOSK_IDLE_RESET_SECONDS'], message: `must be more than KIOSK_IDLE_WARNING_SECONDS (${env.KIOSK_IDLE_WARNING_SECONDS})` });
    }
    // A callback window is at least an hour long, so the desk's day must be too.
    const minutes = (clockTime: string) => Number(clockTime.slice(0, 2)) * 60 + Number(clockTime.slice(3));
    if (minutes(env.OFFICE_CLOSES) - minutes(env.OFFICE_OPENS) < 60) {
      context.addIssue({ code: 'custom', path: ['OFFICE_CLOSES'], message: `must be at least an hour after OFFICE_OPENS (${env.OFFICE_OPENS})` });
    }
    if (env.MicrosoftAppId && env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      context.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'required when MicrosoftAppId is set' });
    }
    if (env.MicrosoftAppId && env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
      context.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: `required when MicrosoftAppType=${env.MicrosoftAppType}` });
    }
  });

export type Config = z.output<typeof environmentSchema>;

/** Every variable the bot reads: .env.example names each one (a test checks). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/** The Redis the configuration names, or undefined when the bot is to keep its state in memory. */
export function redisTarget(config: Config): RedisTarget | undefined {
  const credentials = {
    ...(config.REDIS_USERNAME === undefined ? {} : { username: config.REDIS_USERNAME }),
    ...(config.REDIS_PASSWORD === undefined ? {} : { password: config.REDIS_PASSWORD }),
    tls: config.REDIS_TLS === 'true',
  };
  if (config.REDIS_URL) return { kind: 'single', url: config.REDIS_URL };
  if (config.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: config.REDIS_CLUSTER_NODES, ...credentials };
  if (config.REDIS_SENTINELS && config.REDIS_SENTINEL_MASTER) {
    return {
      kind: 'sentinel',
      sentinels: config.REDIS_SENTINELS,
      masterName: config.REDIS_SENTINEL_MASTER,
      ...credentials,
      ...(config.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: config.REDIS_SENTINEL_PASSWORD }),
    };
  }
  return undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SECRET_VARIABLES = new Set(['MicrosoftAppPassword', 'DIRECT_LINE_SECRET', 'REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD']);

/** Reads and validates the environment; a bad value is reported by its variable name and what is expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      const secret = SECRET_VARIABLES.has(name);
      // A Redis URL may carry a password (redis://user:password@host): it is not repeated back.
      const shown = typeof value === 'string' && name === 'REDIS_URL' ? value.replace(/\/\/([^@/]*)@/, '//***@') : value;
      return `${name}: ${issue.message}${secret || typeof shown !== 'string' ? '' : ` (got "${shown}")`}`;
    }),
  );
}
