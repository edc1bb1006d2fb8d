import type { Middleware, TurnContext } from 'botbuilder';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import type { CallbackStore } from '../services/callbacks/callbackStore';
import { isRedisReachable, type RedisClient } from '../services/redis/connection';

/**
 * What the people who run the bot watch, in Prometheus' text format at GET /metrics: turns and their
 * latency, errors, callback requests filed and closed, the queue's length and whether Redis answers. One
 * registry per app, so several apps in one process (the tests) do not collide. Never a label with anything
 * a resident typed: channel names, statuses and counts only.
 */
export class BotMetrics {
  readonly registry = new Registry();
  readonly turns = new Counter({ name: 'aka_turns_total', help: 'Turns handled, by channel and activity type', labelNames: ['channel', 'type'], registers: [this.registry] });
  readonly turnSeconds = new Histogram({
    name: 'aka_turn_duration_seconds',
    help: 'Time to handle one turn, middleware and dialogs included',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly turnErrors = new Counter({ name: 'aka_turn_errors_total', help: 'Turns that failed and got the apology', registers: [this.registry] });
  readonly callbacksCreated = new Counter({ name: 'aka_callback_requests_created_total', help: 'Callback requests filed', labelNames: ['urgent'], registers: [this.registry] });
  readonly callbacksClosed = new Counter({ name: 'aka_callback_requests_closed_total', help: 'Callback requests closed by staff', labelNames: ['outcome'], registers: [this.registry] });

  constructor(sources: { redis?: RedisClient; requests?: Pick<CallbackStore, 'queue'> }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'aka_' });
    const { redis, requests } = sources;
    new Gauge({
      name: 'aka_redis_up',
      help: '1 when Redis answers a PING, else 0 (always 0 when the bot runs without Redis)',
      registers: [this.registry],
      async collect() {
        this.set(redis && (await isRedisReachable(redis, 500)) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'aka_callback_queue_length',
      help: 'Callback requests waiting in the staff queue (status new)',
      registers: [this.registry],
      async collect() {
        this.set(requests ? await requests.queue().then((refs) => refs.length, () => 0) : 0);
      },
    });
  }

  /** First in the middleware chain: counts every turn and times it, whatever happens inside. */
  middleware(): Middleware {
    return {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        const channel = context.activity.channelId || 'unknown';
        const stop = this.turnSeconds.startTimer({ channel });
        try {
          await next();
        } finally {
          stop();
          this.turns.inc({ channel, type: context.activity.type || 'unknown' });
        }
      },
    };
  }

  /** The callback store, counting what it files. */
  countingCreates<T extends Pick<CallbackStore, 'create'>>(store: T): Pick<CallbackStore, 'create'> {
    return {
      create: async (draft, options) => {
        const created = await store.create(draft, options);
        if (created.created) this.callbacksCreated.inc({ urgent: String(draft.urgent) });
        return created;
      },
    };
  }

  register(server: Server): void {
    server.get('/metrics', async (_req: Request, res: Response) => {
      const body = await this.registry.metrics();
      res.setHeader('Content-Type', this.registry.contentType);
      res.writeHead(200);
      res.end(body);
    });
  }
}
