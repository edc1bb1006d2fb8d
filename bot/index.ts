import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, redisTarget } from './config';
import { createApp } from './app';
import { createLogger } from '../services/logging/logger';
import { defaultLocalesDir, loadLocale } from '../services/locales/locale';
import { LocaleDataError } from '../services/locales/dataFile';
import { createRedisClient, describeRedisTarget, isRedisReachable } from '../services/redis/connection';

/** Starts the bot: configuration and locale data are validated first; any problem stops it with a clear message. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const locale = loadLocale(config.LOCALES_DIR ?? defaultLocalesDir());

  let redis;
  const target = redisTarget(config);
  if (target) {
    redis = createRedisClient(target, logger);
    if (!(await isRedisReachable(redis, 3000))) logger.warn({ redis: describeRedisTarget(target) }, 'Redis does not answer yet; the bot keeps trying and /readyz says not ready meanwhile');
  } else {
    logger.warn('REDIS_URL is not set: conversation state is kept IN THIS PROCESS ONLY and is lost on restart. Set REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS) for real use.');
  }

  const app = createApp({ config, logger, locale, redis });
  const port = await app.listen(config.PORT, config.HOST);
  logger.info({ port, host: config.HOST, redis: target?.kind ?? false }, 'Apu ku apu bot listening; POST /api/messages');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing turns in progress');
    await app.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // A stray rejection is a bug to log (masked), not a reason to drop every resident's turn in progress.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  // After an uncaught exception the process state is unknown: log it and let the supervisor restart us.
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof LocaleDataError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`The bot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
