/**
 * Starts the real server in its own process (its own core), on a fresh database, for a benchmark,
 * with the loop probe (loop-probe.ts), so a load generator can read its event loop's longest pause.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchDatabase } from './bench-database.js';
import { LOOP_PROBE_FLAGS } from './loop-probe-client.js';
import { printedUrl } from './probed-process.js';

export interface ServerProcess {
  url: string;
  dbFile: string;
  /** Set when the server runs on Postgres. */
  databaseUrl?: string;
  child: ChildProcess;
  /** SIGTERM, wait for the exit, delete the database (unless it was given). */
  stop(): Promise<void>;
  /** Sends a signal and resolves with the exit code (or signal) once the process is gone. */
  signal(signal: NodeJS.Signals): Promise<number | string>;
}

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * What every benchmarked server runs with. Benchmarks open up to thousands of
 * connections from a few loopback addresses: the per-address connection cap is
 * lifted, as it would be for a trusted proxy's address.
 */
export const BENCH_ENV = {
  PORT: '0',
  HOST: '127.0.0.1',
  TIPSY_SEED_DEMO: 'false',
  TIPSY_LOG_LEVEL: 'warn',
  TIPSY_SIM_DELAY_MS: '0',
  TIPSY_MAX_CONNECTIONS_PER_IP: '1000000',
};

/**
 * Starts `server/main.ts` as a child process on a fresh SQLite file; pass `dbFile`
 * to reuse a file, or `database` to run on one made by createBenchDatabase (either is then kept).
 */
export async function startServerProcess(env: Record<string, string> = {}, options: { dbFile?: string; database?: BenchDatabase } = {}): Promise<ServerProcess> {
  const given = options.database?.dbFile ?? options.dbFile;
  const dir = given ? undefined : mkdtempSync(join(tmpdir(), 'tipsy-bench-'));
  const dbFile = given ?? join(dir!, 'tipsy.db');
  // BENCH_PROFILE_DIR=dir: the server writes a CPU profile there when it stops, to find the hot path.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', ...LOOP_PROBE_FLAGS, join(ROOT, 'server/main.ts')], {
    env: { ...process.env, ...BENCH_ENV, TIPSY_DB: dbFile, ...options.database?.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await printedUrl(child).catch((error: unknown) => {
    child.kill(); // never leave a half-started server behind
    throw error;
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  return {
    url,
    dbFile,
    databaseUrl: options.database?.databaseUrl,
    child,
    async signal(signal) {
      child.kill(signal);
      return exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
