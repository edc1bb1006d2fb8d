import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { RedisClient } from '../redis/connection';
import { validInput } from '../redis/storedJson';
import { limitKeyPrefix } from './keys';

/**
 * Request limits of the Direct Line channel, counted in Redis (rate-limiter-flexible) so that every bot
 * instance sees the same counts; each is a window of one minute that opens at its first request.
 * - activities per conversation: every posted activity runs a bot turn;
 * - polls per conversation: reading activities, reconnecting, refreshing the token. Web Chat polls once a
 *   second, so the default leaves it plenty of room;
 * - new tokens per client address: tokens need no secret, so this is what keeps one address from opening
 *   conversations without end.
 * Conversations, not tokens, are counted: a refreshed token must not start a fresh count.
 */

export type LimitCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface DirectLineLimitsOptions {
  prefix: string;
  activitiesPerMinute: number;
  pollsPerMinute: number;
  tokensPerMinute: number;
}

const optionsSchema = z.strictObject({
  prefix: z.string(),
  activitiesPerMinute: z.int().positive(),
  pollsPerMinute: z.int().positive(),
  tokensPerMinute: z.int().positive(),
});

export class DirectLineLimits {
  private readonly activities: RateLimiterRedis;
  private readonly polls: RateLimiterRedis;
  private readonly tokens: RateLimiterRedis;

  constructor(redis: RedisClient, options: DirectLineLimitsOptions) {
    const valid = validInput('Direct Line limits', optionsSchema, options);
    const limiter = (kind: 'activities' | 'polls' | 'tokens', points: number) =>
      new RateLimiterRedis({ storeClient: redis, keyPrefix: limitKeyPrefix(valid.prefix, kind), points, duration: 60 });
    this.activities = limiter('activities', valid.activitiesPerMinute);
    this.polls = limiter('polls', valid.pollsPerMinute);
    this.tokens = limiter('tokens', valid.tokensPerMinute);
  }

  /** Counts an activity posted to a conversation. Rejects when Redis cannot count it. */
  activity(conversationId: string): Promise<LimitCheck> {
    return consume(this.activities, conversationId);
  }

  /** Counts a poll (or reconnect, or token refresh) of a conversation. */
  poll(conversationId: string): Promise<LimitCheck> {
    return consume(this.polls, conversationId);
  }

  /** Counts a new token for a client address (kept only as a digest: an address is personal data). */
  token(address: string): Promise<LimitCheck> {
    return consume(this.tokens, createHash('sha256').update(address).digest('hex').slice(0, 32));
  }
}

async function consume(limiter: RateLimiterRedis, key: string): Promise<LimitCheck> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (refusal) {
    // rate-limiter-flexible rejects with a RateLimiterRes when over the limit, and with an Error when Redis fails.
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
  }
}
