import { answersPing, redisServerInstalled, startPrivateRedis } from './redisServer';

/**
 * Finds the Redis the tests run against: REDIS_URL when it is set (and answers), otherwise a private
 * redis-server on a free port. With neither, the run stops here with a message saying what to do.
 * Workers read the address from TEST_REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
  const given = process.env.REDIS_URL;
  if (given) {
    if (!(await answersPing(given))) {
      throw new Error(`REDIS_URL=${given} does not answer PING. Start Redis there, or unset REDIS_URL to let the tests start their own redis-server.`);
    }
    process.env.TEST_REDIS_URL = given;
    return;
  }
  if (!redisServerInstalled()) {
    throw new Error(
      'The tests need a real Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379) or install redis-server (apt-get install redis-server) so that the tests can start a private one.',
    );
  }
  const redis = await startPrivateRedis();
  process.env.TEST_REDIS_URL = redis.url;
  (globalThis as { privateRedis?: { stop(): Promise<void> } }).privateRedis = redis;
}
