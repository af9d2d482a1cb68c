import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Log } from '../chat/replies.js';
import type { Db } from './database.js';

/** SQLite's own default: checkpoint when the WAL reaches this many pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface Checkpoints {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the request thread. With SQLite's automatic
 * checkpoints, every thousandth page written makes one commit copy the WAL
 * into the database and fsync it, holding up every request for that long (the
 * round-trip p99). Here the main connection never checkpoints; a worker thread
 * does, every `intervalMs`, on its own connection. If the worker fails,
 * automatic checkpoints come back, so the WAL never grows without bound.
 */
export async function startCheckpoints(db: Db, file: string, log: Log, intervalMs = 500): Promise<Checkpoints> {
  // Plain JavaScript, started without the flags the server runs under (loaders, preloads): it needs none.
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file, intervalMs }, execArgv: [] });
  let stopped = false;
  const fallBack = (details: object) => {
    if (stopped) return;
    log.error(details, 'background checkpoints stopped; SQLite checkpoints automatically again');
    void sql`pragma wal_autocheckpoint = ${sql.raw(String(SQLITE_AUTOCHECKPOINT_PAGES))}`.execute(db).catch(() => undefined);
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.on('message', (m: { type: string; message?: string }) => {
    if (m.type === 'failed') log.warn({ reason: m.message }, 'background checkpoint failed; will retry');
  });
  worker.on('error', (err) => fallBack({ err }));
  worker.on('exit', (code) => fallBack({ code }));
  await sql`pragma wal_autocheckpoint = 0`.execute(db);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      const done = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await worker.terminate();
    },
  };
}
