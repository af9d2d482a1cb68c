import { z } from 'zod';
import { HostList, PrivateHosts, SiteResponders, type EndpointRulesConfig } from './characters/responders/endpoint-rules.js';
import type { ResponderSettings } from './characters/responders/settings.js';
import { LimitsOverride } from './limits/policy.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  TIPSY_DB: z.string().min(1).default('data/tipsy.db'),
  /** Postgres instead of the SQLite file: postgres://user:password@host:5432/database. Unset = SQLite (TIPSY_DB). */
  TIPSY_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Connections each process keeps open to Postgres (writes and reads share them). */
  TIPSY_DATABASE_POOL: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Who stores visitors' messages in a SQLite file: a writer thread of its own (more messages a
   * second, shorter pauses: docs/performance.md, "A writer thread"), or the main thread's group commit.
   */
  TIPSY_SQLITE_WRITER: z.enum(['main', 'worker']).default('worker'),
  /** Signs visitor tokens. When unset, one is generated on first start and kept in the database. */
  TIPSY_SECRET: z.string().min(32, 'TIPSY_SECRET must be at least 32 characters').optional(),
  TIPSY_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(24 * 60 * 60),
  /** Delay between streamed chunks of the simulated character, in ms (0 = instant). */
  TIPSY_SIM_DELAY_MS: z.coerce.number().int().min(0).max(5000).default(35),
  TIPSY_SEED_DEMO: bool.default(true),
  /** A streaming reply not saved for this long belongs to a stopped process and is marked interrupted. */
  TIPSY_STREAM_STALE_MS: z.coerce.number().int().min(1000).max(600_000).default(10_000),
  /** How long a model may take to say its first words, and then to go on, before the reply is given up. */
  TIPSY_REPLY_FIRST_TOKEN_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  TIPSY_REPLY_IDLE_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  /** The server's default model: any OpenAI-compatible endpoint. Unset: the simulated character. */
  TIPSY_OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  TIPSY_OPENAI_MODEL: z.string().min(1).max(200).default('gpt-4o-mini'),
  TIPSY_OPENAI_API_KEY: z.string().min(1).max(500).optional(),
  /** Private addresses a site's model endpoint may reach: false (none), true (any), or a comma list of host[:port]. */
  TIPSY_RESPONDER_PRIVATE_HOSTS: PrivateHosts.default(false),
  /** Who may choose a character's model endpoint: any site, only the TIPSY_RESPONDER_HOSTS, or none (the server's own only). */
  TIPSY_SITE_RESPONDERS: SiteResponders.default('any'),
  TIPSY_RESPONDER_HOSTS: HostList.default([]),
  /** On SIGTERM, how long running replies may take to finish before they are cut short. */
  TIPSY_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** /metrics on the chat port, for requests bearing this token (Authorization: Bearer …). Unset: not there. */
  TIPSY_METRICS_TOKEN: z.string().min(16, 'TIPSY_METRICS_TOKEN must be at least 16 characters').max(500).optional(),
  /** /metrics on a port of its own (off the public origin), on TIPSY_METRICS_HOST. Unset: no such port. */
  TIPSY_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  TIPSY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Private addresses webhook targets may reach: false (none), true (any), or a comma list of host[:port]. */
  TIPSY_WEBHOOK_PRIVATE_HOSTS: PrivateHosts.default(false),
  /** A failed delivery's first retry waits this long; each further one doubles it (up to an hour). */
  TIPSY_WEBHOOK_RETRY_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  /** Attempts before a delivery is given up. */
  TIPSY_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** How often conversations past their site's retention period are deleted. */
  TIPSY_RETENTION_SWEEP_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
  TIPSY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Redis for rate limits and cross-process Socket.IO broadcasts; unset = one process, in memory. */
  TIPSY_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  TIPSY_REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/).default('tipsy'),
  /**
   * Which proxies may set X-Forwarded-For: unset/false (none: the socket's own address),
   * true (any), a hop count, or a comma list of addresses, CIDRs or loopback/linklocal/uniquelocal.
   */
  TIPSY_TRUST_PROXY: z.string().max(1000).default('false'),
  /**
   * The address browsers use for this server (`https://chat.example.com`): its pages (the studio's
   * live previews) count as their own for origin locks. Loopback addresses always do.
   */
  TIPSY_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** A request's headers and body must have arrived within this time, or its connection is closed. */
  TIPSY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Open TCP connections one address may hold (a trusted proxy is not counted: it must cap its clients). */
  TIPSY_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(256),
  /** JSON overriding the default limits for every site, e.g. {"messageBurst":{"points":10,"seconds":10}}. */
  TIPSY_LIMITS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'TIPSY_LIMITS must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(LimitsOverride)
    .optional(),
});

export interface Config {
  port: number;
  host: string;
  /** The SQLite file, used when `databaseUrl` is unset (`:memory:` keeps nothing). */
  dbFile: string;
  /** A postgres:// URL: Postgres instead of SQLite (server/db/open.ts). */
  databaseUrl?: string;
  /** Postgres connections per process. */
  databasePool: number;
  /** SQLite files only (not `:memory:`, not Postgres): `worker` stores visitors' messages on a thread of its own (db/worker-writes.ts). */
  sqliteWriter: 'main' | 'worker';
  secret?: string;
  tokenTtlSeconds: number;
  simulatedDelayMs: number;
  seedDemo: boolean;
  streamStaleMs: number;
  replyDeadlines: { firstMs: number; idleMs: number };
  /** The server's default responder; undefined = simulated. */
  responder?: ResponderSettings;
  /** Which model endpoints sites may choose, and which private addresses those may reach. */
  responderEndpoints: EndpointRulesConfig;
  shutdownGraceMs: number;
  logLevel: z.infer<typeof EnvSchema>['TIPSY_LOG_LEVEL'];
  retentionSweepMs: number;
  /** Webhook deliveries: which private addresses they may reach, and how they retry. */
  webhooks: { privateHosts: boolean | readonly string[]; retryBaseMs: number; maxAttempts: number };
  /** Where Prometheus reads the metrics: a token on the chat port, a port of its own, both or neither (off). */
  metrics: { token?: string; port?: number; host: string };
  redisUrl?: string;
  redisPrefix: string;
  trustProxy: string;
  /** The origin of TIPSY_PUBLIC_URL, if set. */
  publicOrigin?: string;
  requestTimeoutMs: number;
  maxConnectionsPerIp: number;
  limits?: LimitsOverride;
  /** Folder holding the built widget (served at /widget/). */
  widgetDir: string;
  /** Folder holding the demo site (served at /). */
  demoDir: string;
  /** Folder holding the built studio (served at /studio). */
  studioDir: string;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once; every default works out of the box. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dbFile: e.TIPSY_DB,
    databaseUrl: e.TIPSY_DATABASE_URL,
    databasePool: e.TIPSY_DATABASE_POOL,
    sqliteWriter: e.TIPSY_SQLITE_WRITER,
    secret: e.TIPSY_SECRET,
    tokenTtlSeconds: e.TIPSY_TOKEN_TTL_SECONDS,
    simulatedDelayMs: e.TIPSY_SIM_DELAY_MS,
    seedDemo: e.TIPSY_SEED_DEMO,
    streamStaleMs: e.TIPSY_STREAM_STALE_MS,
    replyDeadlines: { firstMs: e.TIPSY_REPLY_FIRST_TOKEN_MS, idleMs: e.TIPSY_REPLY_IDLE_MS },
    responder: e.TIPSY_OPENAI_BASE_URL
      ? { kind: 'openai', baseUrl: e.TIPSY_OPENAI_BASE_URL, model: e.TIPSY_OPENAI_MODEL, apiKey: e.TIPSY_OPENAI_API_KEY }
      : undefined,
    responderEndpoints: {
      privateHosts: e.TIPSY_RESPONDER_PRIVATE_HOSTS,
      siteResponders: e.TIPSY_SITE_RESPONDERS,
      listedHosts: e.TIPSY_RESPONDER_HOSTS,
    },
    shutdownGraceMs: e.TIPSY_SHUTDOWN_GRACE_MS,
    logLevel: e.TIPSY_LOG_LEVEL,
    retentionSweepMs: e.TIPSY_RETENTION_SWEEP_MS,
    webhooks: { privateHosts: e.TIPSY_WEBHOOK_PRIVATE_HOSTS, retryBaseMs: e.TIPSY_WEBHOOK_RETRY_MS, maxAttempts: e.TIPSY_WEBHOOK_ATTEMPTS },
    metrics: { token: e.TIPSY_METRICS_TOKEN, port: e.TIPSY_METRICS_PORT, host: e.TIPSY_METRICS_HOST },
    redisUrl: e.TIPSY_REDIS_URL,
    redisPrefix: e.TIPSY_REDIS_PREFIX,
    trustProxy: e.TIPSY_TRUST_PROXY,
    publicOrigin: e.TIPSY_PUBLIC_URL && new URL(e.TIPSY_PUBLIC_URL).origin,
    requestTimeoutMs: e.TIPSY_REQUEST_TIMEOUT_MS,
    maxConnectionsPerIp: e.TIPSY_MAX_CONNECTIONS_PER_IP,
    limits: e.TIPSY_LIMITS,
    widgetDir: new URL('../dist/', import.meta.url).pathname,
    demoDir: new URL('../demo/', import.meta.url).pathname,
    studioDir: new URL('../dist-studio/', import.meta.url).pathname,
  };
}
