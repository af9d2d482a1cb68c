/** The server and site a messaging benchmark runs against: limits out of the way, a character that never replies. */
import { createSite, updateSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { openDatabase, type DatabaseChoice } from '../../server/db/open.js';
import type { LimitsOverride } from '../../server/limits/policy.js';
import type { BenchDatabase } from './bench-database.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** A window no benchmark fills. */
export const ROOMY = { points: 1_000_000, seconds: 60 };

/**
 * Creates, in the database file, a site with roomy session limits (plus `limits`) and a character that stays silent.
 * A site's limits never loosen the server's: start the server with TIPSY_LIMITS at least as roomy.
 */
export async function createQuietSite(database: string | DatabaseChoice, limits: LimitsOverride = {}): Promise<{ siteId: string; siteKey: string }> {
  const { db } = await openDatabase(typeof database === 'string' ? { dbFile: database } : database);
  try {
    const site = await createSite(db, { name: 'Bench', origins: [] });
    await updateSite(db, site.siteId, { limits: { sessionsPerIp: ROOMY, ...limits } });
    await upsertCharacter(db, site.siteId, { slug: 'quiet', name: 'Quiet', responder: { kind: 'none' } });
    return { siteId: site.siteId, siteKey: site.publishableKey };
  } finally {
    await db.destroy();
  }
}

/** Every rate limit far above any benchmark's load (TIPSY_LIMITS). */
export const ROOMY_LIMITS = JSON.stringify({
  sessionsPerIp: ROOMY,
  requestsPerIp: ROOMY,
  socketConnectsPerIp: ROOMY,
  socketHandshakesPerIp: ROOMY,
  socketEvents: ROOMY,
  messageBurst: ROOMY,
  messageSustained: ROOMY,
  socketsPerIp: 100_000,
});

/**
 * Starts our server with every rate limit far above the load, and creates a site whose character stays silent.
 * On `database` (made by createBenchDatabase), the site is created there; it is the caller's to drop.
 */
export async function startQuietServer(env: Record<string, string> = {}, database?: BenchDatabase): Promise<{ server: ServerProcess; siteKey: string }> {
  const server = await startServerProcess({ TIPSY_LIMITS: ROOMY_LIMITS, ...env }, { database });
  return { server, siteKey: (await createQuietSite(server)).siteKey };
}
