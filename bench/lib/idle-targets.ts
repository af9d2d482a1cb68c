/**
 * The servers the idle-sockets benchmark measures, each in its own probed
 * process (memory after GC on request): Tipsy Chat's server/main.ts, or a bare
 * Socket.IO script; and the server that starts the visitor sessions first, so
 * the one measured starts clean.
 */
import type { BenchDatabase } from './bench-database.js';
import { createQuietSite, ROOMY } from './bench-site.js';
import { nextMessage, printedUrl, startProbed, type ProbedProcess } from './probed-process.js';
import { BENCH_ENV, startServerProcess, type ServerProcess } from './server-process.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A site's limit on open sockets per address, above any count the benchmark opens from one. */
export const SOCKETS_PER_IP = 100_000;

// Only the limits a benchmark from a few addresses would hit; socket events keep their default window.
const TIPSY_LIMITS = JSON.stringify({
  sessionsPerIp: ROOMY,
  requestsPerIp: ROOMY,
  socketConnectsPerIp: ROOMY,
  socketHandshakesPerIp: ROOMY,
  socketsPerIp: SOCKETS_PER_IP,
});

export interface Target {
  proc: ProbedProcess;
  url: string;
}

/** A bare Socket.IO server script that sends its URL to the parent once listening. */
export function startBareTarget(script: string, args: string[] = []): Promise<Target> {
  const proc = startProbed(script, { probe: true, args });
  return nextMessage(proc.child, (m) => (typeof m === 'string' ? m : undefined)).then((url) => ({ proc, url }));
}

/** Tipsy Chat measured: a fresh process on the sessions' database (tokens stay valid: the signing secret is stored there). */
export async function startTipsyTarget(env: Record<string, string>): Promise<Target> {
  const proc = startProbed(`${ROOT}server/main.ts`, { probe: true, stdout: 'pipe', env: { ...BENCH_ENV, TIPSY_LIMITS, ...env } });
  try {
    const url = await printedUrl(proc.child);
    // Its warnings (TIPSY_LOG_LEVEL=warn) say why sockets dropped, if any did.
    proc.child.stdout!.pipe(process.stderr);
    return { proc, url };
  } catch (error) {
    await proc.stop(1000); // never leave a half-started server behind
    throw error;
  }
}

/** A site with a silent character, served by a first server process that only starts sessions. */
export async function startSessionServer(where: { dbFile: string } | { database: BenchDatabase }): Promise<{ server: ServerProcess; siteKey: string }> {
  const server = await startServerProcess({ TIPSY_LIMITS }, where);
  try {
    return { server, siteKey: (await createQuietSite(server, { socketsPerIp: SOCKETS_PER_IP })).siteKey };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
