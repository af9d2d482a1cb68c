import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one
 * process, as in tests, never share counts). docs/operations.md lists them.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  readonly messagesStored = new Counter({
    name: 'tipsy_messages_stored_total',
    help: 'Messages stored, by sender (user: a visitor; character: greetings and finished replies; agent: a person answering in its place).',
    labelNames: ['sender'] as const,
    registers: [this.registry],
  });

  readonly refusals = new Counter({
    name: 'tipsy_refusals_total',
    help: 'Calls and events answered with an error, by transport (trpc, socket) and stable error code.',
    labelNames: ['transport', 'code'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'tipsy_rate_limited_total',
    help: 'Refusals by a rate limit, by the limit’s name (docs/limits.md).',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly replies = new Counter({
    name: 'tipsy_replies_total',
    help: 'Character replies ended, by outcome: complete, interrupted (cut short, kept as far as it got) or failed.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly replyChunks = new Counter({
    name: 'tipsy_reply_chunks_total',
    help: 'Stream chunks sent for replies (for OpenAI-compatible endpoints, about one token each).',
    registers: [this.registry],
  });

  readonly modelTokens = new Counter({
    name: 'tipsy_model_tokens_total',
    help: 'Tokens replies used, by direction (input: prompts; output: replies) and source (reported by the endpoint, or estimated at four characters a token).',
    labelNames: ['direction', 'source'] as const,
    registers: [this.registry],
  });

  readonly firstToken = new Histogram({
    name: 'tipsy_reply_first_token_seconds',
    help: 'From a reply starting (the character typing) to its first streamed words.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly replyDuration = new Histogram({
    name: 'tipsy_reply_duration_seconds',
    help: 'From a reply starting to its being stored, whatever the outcome.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly queryDuration = new Histogram({
    name: 'tipsy_db_query_seconds',
    help: 'Database queries run through the query builder, by dialect (sqlite, postgres).',
    labelNames: ['dialect'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly redisPing = new Histogram({
    name: 'tipsy_redis_ping_seconds',
    help: 'Round trips of the heartbeat each Redis connection sends every 2 seconds (with TIPSY_REDIS_URL).',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2],
    registers: [this.registry],
  });

  constructor(sources: { openSockets: () => number }) {
    new Gauge({
      name: 'tipsy_sockets_open',
      help: 'Sockets open on this process.',
      registers: [this.registry],
      collect() {
        this.set(sources.openSockets());
      },
    });
    // Event-loop lag (nodejs_eventloop_lag_*), heap, CPU, handles: prom-client's own.
    collectDefaultMetrics({ register: this.registry });
  }

  /** The text Prometheus scrapes. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
