/**
 * Starts the real server on an ephemeral port over a temp SQLite file (or a
 * fresh Postgres database: TIPSY_TEST_DATABASE=postgres, test-database.ts),
 * with a site and two characters, and gives tests real tRPC and Socket.IO clients.
 */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { io as ioClient } from 'socket.io-client';
import { buildServer, type BuildOptions, type TipsyApp } from '../../server/app.js';
import { createSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { loadConfig, type Config } from '../../server/config.js';
import type { LimitsOverride } from '../../server/limits/policy.js';
import type { ErrorCode } from '../../server/protocol/errors.js';
import type { CharacterView } from '../../server/protocol/character.js';
import type { ServerToClientEvents } from '../../server/protocol/events.js';
import type { AppRouter } from '../../server/protocol/api.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const SITE_ORIGIN = 'http://shop.example';

export type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

function client(url: string, headers: Record<string, string>): Client {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/trpc`, headers: () => headers })] });
}

export interface Harness {
  url: string;
  app: TipsyApp;
  site: TestSite;
  siteKey: string;
  siteId: string;
  /** The SQLite file (`:memory:`, unused, on Postgres): for the tests about SQLite itself. */
  dbFile: string;
  /** The database, to start another server on it (`startHarness({ database })`) or point a CLI at it (`env`). */
  database: TestDatabase;
  /** A tRPC client as a page on `origin` would be (visitor token optional); `origin: null` sends none. */
  api(options?: { token?: string; origin?: string | null }): Client;
  /** A tRPC client as the site owner's server would be: secret key, no Origin. */
  admin(secretKey?: string): Client;
  /** A connected socket; rejects with the server's error on connect_error. */
  /** `localAddress`: connect from another loopback address (127.x.y.z), as another client network would. */
  socket(token: string, options?: { origin?: string; localAddress?: string }): Promise<ChatSocket>;
  /** A new visitor's session. */
  session(character?: string): Promise<{ visitorToken: string; conversationId: string; character: CharacterView }>;
  /** Stops the server, keeping its database (for restart tests). */
  stop(): Promise<void>;
  /** Stops the server and deletes its database, unless it was given one. */
  close(): Promise<void>;
}

const roomy = { points: 1_000_000, seconds: 60 };

/** Limits so high that only the tests about limits (which set their own) ever meet one. */
export const ROOMY_LIMITS: LimitsOverride = {
  messageBurst: roomy,
  messageSustained: roomy,
  sessionsPerIp: roomy,
  returningSessionsPerIp: roomy,
  requestsPerIp: roomy,
  socketConnectsPerIp: roomy,
  socketHandshakesPerIp: roomy,
  socketEvents: roomy,
  conversationsPerVisitor: roomy,
  socketsPerIp: 100_000,
  socketsPerVisitor: 100_000,
  replyQueue: 100_000,
  repliesPerIp: 100_000,
  repliesPerVisitor: 100_000,
};

export function testConfig(database: string | Pick<TestDatabase, 'dbFile' | 'databaseUrl'>, overrides: Partial<Config> = {}): Config {
  const { dbFile, databaseUrl } = typeof database === 'string' ? { dbFile: database, databaseUrl: undefined } : database;
  return {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    dbFile,
    databaseUrl,
    simulatedDelayMs: 0,
    seedDemo: false,
    logLevel: 'silent',
    limits: ROOMY_LIMITS,
    shutdownGraceMs: 0,
    maxConnectionsPerIp: 100_000,
    ...overrides,
  };
}

export interface TestSite {
  siteKey: string;
  siteId: string;
  secretKey: string;
  identitySecret: string;
}

export async function startHarness(
  options: { database?: TestDatabase; site?: TestSite; build?: BuildOptions; config?: Partial<Config> } = {},
): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase());
  const owned = !options.database;
  const { dbFile } = database;
  let app: TipsyApp;
  try {
    app = await buildServer(testConfig(database, options.config), options.build);
  } catch (error) {
    if (owned) await database.drop();
    throw error;
  }
  let site = options.site;
  if (!site) {
    const created = await createSite(app.db, { name: 'Test shop', origins: [SITE_ORIGIN] });
    site = { ...created, siteKey: created.publishableKey };
    await upsertCharacter(app.db, site.siteId, { slug: 'barkeep', name: 'Barkeep', persona: 'A friendly bartender at a cocktail bar.' });
    await upsertCharacter(app.db, site.siteId, { slug: 'guide', name: 'Guide', persona: 'A city tour guide.' });
    await upsertCharacter(app.db, site.siteId, { slug: 'host', name: 'Host', greeting: 'Welcome! What will it be?', persona: 'A host.' });
  }
  const url = await app.listen();
  const sockets: ChatSocket[] = [];
  const { siteKey, siteId } = site;

  const harness: Harness = {
    url,
    app,
    site,
    siteKey,
    siteId,
    dbFile,
    database,
    api: ({ token, origin = SITE_ORIGIN } = {}) =>
      client(url, { ...(origin ? { origin } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }),
    admin: (secretKey = site.secretKey) => client(url, { authorization: `Bearer ${secretKey}` }),
    socket: (token, { origin = SITE_ORIGIN, localAddress } = {}) =>
      new Promise((resolve, reject) => {
        const socket: ChatSocket = ioClient(url, {
          auth: { token },
          transports: ['websocket'],
          extraHeaders: { origin },
          ...(localAddress && { localAddress }),
          reconnection: false,
          forceNew: true,
        });
        sockets.push(socket);
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', (err) => reject(err));
      }),
    session: (character) => harness.api().session.start.mutate({ siteKey, character }),
    stop: async () => {
      sockets.forEach((s) => s.disconnect());
      await app.close();
    },
    close: async () => {
      await harness.stop();
      if (owned) await database.drop();
    },
  };
  return harness;
}

/** The stable error code a tRPC call failed with. */
export async function trpcErrorCode(call: Promise<unknown>): Promise<ErrorCode | 'NO_ERROR'> {
  try {
    await call;
    return 'NO_ERROR';
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { errorCode: ErrorCode }).errorCode;
    throw error;
  }
}

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];
type LooseEmitter = { on(event: string, fn: (payload: unknown) => void): void; off(event: string, fn: (payload: unknown) => void): void };

/** Resolves with the next `count` payloads of an event (or rejects after `ms`). */
export function collect<E extends keyof ServerToClientEvents>(
  socket: ChatSocket,
  event: E,
  count: number,
  ms = 3000,
): Promise<Payload<E>[]> {
  const emitter = socket as unknown as LooseEmitter;
  return new Promise((resolve, reject) => {
    const items: Payload<E>[] = [];
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`expected ${count} ${event}, got ${items.length}`));
    }, ms);
    const on = (payload: unknown) => {
      items.push(payload as Payload<E>);
      if (items.length === count) {
        clearTimeout(timer);
        emitter.off(event, on);
        resolve(items);
      }
    };
    emitter.on(event, on);
  });
}
