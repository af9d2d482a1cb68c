/** The server and site a messaging benchmark runs against: limits out of the way, a character that never replies. */
import { createSite, updateSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { openSqlite } from '../../server/db/database.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const ROOMY = { points: 1_000_000, seconds: 60 };

/** Starts our server with every rate limit far above the load, and creates a site whose character stays silent. */
export async function startQuietServer(env: Record<string, string> = {}): Promise<{ server: ServerProcess; siteKey: string }> {
  const server = await startServerProcess({
    TIPSY_LIMITS: JSON.stringify({
      sessionsPerIp: ROOMY,
      requestsPerIp: ROOMY,
      socketConnectsPerIp: ROOMY,
      socketEvents: ROOMY,
      messageBurst: ROOMY,
      messageSustained: ROOMY,
      socketsPerIp: 100_000,
    }),
    ...env,
  });
  const db = openSqlite(server.dbFile);
  const site = await createSite(db, { name: 'Bench', origins: [] });
  await updateSite(db, site.siteId, { limits: { sessionsPerIp: ROOMY } });
  await upsertCharacter(db, site.siteId, { slug: 'quiet', name: 'Quiet', responder: { kind: 'none' } });
  await db.destroy();
  return { server, siteKey: site.publishableKey };
}
