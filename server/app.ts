import { lockedOriginRule } from './http/own-origin.js';
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { AdminService } from './admin/service.js';
import type { AccessChanges } from './auth/access-changes.js';
import { SiteDirectory } from './auth/site-directory.js';
import { SiteRules } from './auth/site-rules.js';
import { loadSigningSecret } from './auth/signing-secret.js';
import { VisitorTokens } from './auth/visitor-tokens.js';
import { ResponderRegistry } from './characters/responders/registry.js';
import type { Responder } from './characters/responders/responder.js';
import { ReplyRunner } from './chat/replies.js';
import { ChatService } from './chat/service.js';
import { StaleReplySweeper } from './chat/stale-replies.js';
import { Sessions } from './chat/sessions.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { openDatabase } from './db/open.js';
import { ensureDemoSite } from './demo-seed.js';
import { compileTrust } from './http/client-address.js';
import { capConnectionsPerAddress } from './http/connection-cap.js';
import { frameworkErrors, registerErrorHandler } from './http/error-handler.js';
import { requestTimeouts } from './http/request-timeouts.js';
import { resolveLimits } from './limits/policy.js';
import { RateLimits } from './limits/rate-limits.js';
import { ReplySlots } from './limits/reply-slots.js';
import { SharedReplySlots } from './limits/shared-reply-slots.js';
import { registerStaticFiles } from './http/static-files.js';
import { registerHealth } from './http/health.js';
import { registerAvatars } from './http/avatars.js';
import { readAvatar } from './characters/avatars.js';
import { roomBroadcaster } from './realtime/broadcast.js';
import { AccessSweeper } from './realtime/access-sweeper.js';
import { linkThroughRedis } from './realtime/redis.js';
import { RedisConversationTurns } from './realtime/redis-conversation-turns.js';
import { RedisSiteLeases } from './realtime/redis-site-leases.js';
import { loggerOptions } from './log.js';
import { meteringObserver } from './metrics/metering-observer.js';
import { observedBroadcaster } from './chat/observed-broadcaster.js';
import { QueryTimer } from './metrics/query-timer.js';
import { PrivacyService } from './privacy/service.js';
import { Webhooks } from './webhooks/webhooks.js';
import { Budgets } from './budgets/budgets.js';
import { RefusalTally } from './admin/refusal-tally.js';
import { countRefusedPlaces } from './limits/counted-reply-places.js';
import { StudioSessions } from './auth/studio-sessions.js';
import { registerStudioRoutes } from './http/studio-routes.js';
import { registerStudioPage } from './http/studio-page.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { serveMetrics } from './http/metrics.js';
import { logSocketLifecycle } from './realtime/socket-log.js';
import { attachChat, createSocketServer } from './realtime/server.js';
import type { TipsyServer } from './realtime/types.js';
import type { Services } from './trpc/context.js';
import { registerTrpc } from './trpc/plugin.js';

export interface TipsyApp {
  app: FastifyInstance;
  io: TipsyServer;
  db: Db;
  /**
   * The domain services tRPC's procedures call, for tools that serve them another way;
   * and `access`, to announce a change written to the database directly.
   */
  services: Services & { access: AccessChanges; privacy: PrivacyService; webhooks: Webhooks };
  /** The demo site's publishable key, when the demo was seeded. */
  demoSiteKey?: string;
  /** Where the metrics' own port serves them (TIPSY_METRICS_PORT), when it is set. */
  metricsUrl?: string;
  /** Listens on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Replaces the configured responder (the simulated character by default). */
  responder?: Responder;
  /** Where log lines go (standard output by default): tests read what an outage logged. */
  logStream?: { write(line: string): void };
}

/** Builds the whole server: HTTP, tRPC, Socket.IO and the database, ready to listen. */
export async function buildServer(config: Config, options: BuildOptions = {}): Promise<TipsyApp> {
  // SQLite (the file) or Postgres (TIPSY_DATABASE_URL), migrated.
  const store = await openDatabase(config);
  const metrics = new ServerMetrics({ openSockets: () => io.of('/').sockets.size });
  const db = store.db.withPlugin(new QueryTimer((seconds) => metrics.queryDuration.observe({ dialect: store.dialect }, seconds)));

  const trust = compileTrust(config.trustProxy);
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    // The same trust function gives Socket.IO the same client address (realtime/limits.ts).
    trustProxy: trust,
    // tRPC batches put every procedure name in the path: let long ones through to tRPC,
    // which refuses batches over its limit with a typed error (Node caps the line at 16 KB).
    routerOptions: { maxParamLength: 16_384 },
    bodyLimit: 256 * 1024,
    // A request must arrive within TIPSY_REQUEST_TIMEOUT_MS; late ones answer 408 (http/request-timeouts.ts).
    ...requestTimeouts(config.requestTimeoutMs),
    // A URL Fastify cannot decode answers in the error envelope too (http/error-handler.ts).
    frameworkErrors,
  });

  registerErrorHandler(app);
  capConnectionsPerAddress(app.server, { maxPerAddress: config.maxConnectionsPerIp, trust, log: app.log });

  const log = app.log;
  const checkpoints = await store.startUpkeep(log);
  const limits = resolveLimits(config.limits);
  const sites = new SiteDirectory(db, config.limits);
  const tokens = new VisitorTokens(await loadSigningSecret(db, config.secret), config.tokenTtlSeconds);
  let closing = false;
  const io = createSocketServer(app.server);
  const redis = config.redisUrl ? await linkThroughRedis(io, config.redisUrl, config.redisPrefix, log, (seconds) => metrics.redisPing.observe(seconds)) : undefined;
  // Each site's requests refused with RATE_LIMITED, a count a day (the studio's usage charts).
  const refusals = new RefusalTally(db, {
    socketSite: (socketId) => io.of('/').sockets.get(socketId)?.data.siteId,
    onError: (error) => log.error({ err: error }, 'recording refusals failed'),
  });
  const rateLimits = new RateLimits({
    redis: redis?.limits,
    prefix: config.redisPrefix,
    onRefused: (limit, key) => {
      metrics.rateLimited.inc({ limit });
      refusals.limitRefused(limit, key);
    },
  });
  const webhooks = new Webhooks(db, log, config.webhooks);
  const broadcaster = observedBroadcaster(roomBroadcaster(io, redis !== undefined), [meteringObserver(metrics), webhooks.publisher.observer()]);
  const siteRules = new SiteRules(config);
  const responders = new ResponderRegistry(config.responder, config.simulatedDelayMs, siteRules.endpoints, options.responder);
  // With Redis, one reply at a time per conversation and the site's reply places hold across processes.
  // Their failed calls while Redis is away are counted in the link's "redis is back" line, not logged one by one.
  const redisLog = redis ? redis.quiet(log) : log;
  const turns = redis && new RedisConversationTurns(redis.limits, config.redisPrefix, redisLog);
  const siteLeases = redis && new RedisSiteLeases(redis.limits, config.redisPrefix, redisLog);
  const replySlots = countRefusedPlaces(siteLeases ? new SharedReplySlots(new ReplySlots(), siteLeases, redisLog) : new ReplySlots(), (siteId) => refusals.site(siteId));
  const budgets = new Budgets(
    db,
    (siteId, period, usage) => {
      log.warn({ siteId, period }, 'a site reached its model budget: replies stop until the period turns');
      void webhooks.publisher
        .publish({ siteId, type: 'budget.reached', data: { period, budget: usage.budget, today: usage.today, month: usage.month } })
        .catch((error: unknown) => log.error({ err: error, siteId }, 'queueing a webhook failed'));
    },
    (error) => log.error({ err: error }, 'recording model usage failed'),
  );
  const replies = new ReplyRunner(db, sites, responders, broadcaster, log, config.replyDeadlines, turns, (siteId, used, source) => {
    metrics.modelTokens.inc({ direction: 'input', source }, used.inputTokens);
    metrics.modelTokens.inc({ direction: 'output', source }, used.outputTokens);
    budgets.record(siteId, used);
  });
  const staleReplies = new StaleReplySweeper(db, config.streamStaleMs, broadcaster, log);
  await staleReplies.start();
  const writes = store.writes();
  const chat = new ChatService({ db, writes, sites, rateLimits, replySlots, replies, broadcaster, budgets });
  const sessions = new Sessions({ db, sites, tokens, rateLimits });
  const access = new AccessSweeper(io, sites, log, redis !== undefined);
  io.on('access_changed', () => void access.recheck());
  io.on('stop_generation', (conversationId) => replies.stop(conversationId));
  logSocketLifecycle(io, log);
  // Pages of the chat server's own origin (the studio's previews) pass origin locks as its own.
  const lockedOrigin = lockedOriginRule(config.publicOrigin);
  attachChat(io, {
    chat,
    sessions,
    rateLimits,
    sites,
    limits,
    trust,
    log,
    isClosing: () => closing,
    shared: redis !== undefined,
    lockedOrigin,
    onRefused: (code, siteId) => {
      metrics.refusals.inc({ transport: 'socket', code });
      // Open sockets over the site's limits (the others are counted by their rate limit, above).
      if (code === 'RATE_LIMITED' && siteId) refusals.site(siteId);
    },
  });
  const privacy = new PrivacyService({
    db,
    dialect: store.dialect,
    log,
    retentionSweepMs: config.retentionSweepMs,
  });
  const admin = new AdminService(db, siteRules, access, { privacy, webhooks, budgets, rateLimits });
  privacy.start();
  webhooks.start();
  const studio = new StudioSessions(db);
  const services = { chat, sessions, admin, access, privacy, webhooks, studio, lockedOriginOf: lockedOrigin };
  await registerTrpc(app, services, { rateLimits, requestsPerIp: limits.requestsPerIp }, (code) =>
    metrics.refusals.inc({ transport: 'trpc', code }),
  );
  const metricsEndpoint = await serveMetrics(app, metrics, config.metrics);

  const demo = config.seedDemo
    ? await ensureDemoSite(db, [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`])
    : undefined;
  if (existsSync(config.widgetDir) || demo) {
    await registerStaticFiles(app, {
      widgetDir: config.widgetDir,
      demoDir: config.demoDir,
      demoSiteKey: demo?.publishableKey,
    });
  }
  registerStudioRoutes(app, { sessions: studio, rateLimits, limits });
  registerStudioPage(app, config.studioDir);
  registerAvatars(app, (siteId, file) => readAvatar(db, siteId, file));
  registerHealth(app, {
    database: () => sql`select 1`.execute(db),
    redis: redis && (() => redis.limits.ping()),
    draining: () => closing,
  });

  // Shutdown: refuse new sends, give running replies a grace period (streaming to sockets still
  // open), cut the rest short as interrupted, then tell every socket to reconnect (to another
  // process, or to this one restarted). Sockets are not connections Fastify tracks: end them here.
  app.addHook('preClose', async () => {
    closing = true;
    access.stop();
    staleReplies.stop();
    await replies.close(config.shutdownGraceMs);
    await writes.drain(); // no send is accepted now: those still queued are stored, and acked while their sockets are open
    // Each socket gets a DISCONNECT packet (its client reconnects by itself), then its connection closes.
    io.local.disconnectSockets(true);
  });
  app.addHook('onClose', async () => {
    await budgets.close(); // replies have ended (preClose): what they used is written
    await refusals.close();
    await privacy.stop();
    await webhooks.stop();
    await metricsEndpoint.close();
    siteLeases?.stop();
    await redis?.close();
    await checkpoints?.stop();
    await responders.close();
    await db.destroy();
  });

  return {
    app,
    io,
    db,
    services,
    demoSiteKey: demo?.publishableKey,
    metricsUrl: metricsEndpoint.url,
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      return address.replace('[::1]', 'localhost');
    },
    close: () => app.close(),
  };
}
