import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Log } from '../log.js';
import type { Db } from './database.js';

/** SQLite's own default: checkpoint when the WAL reaches this many pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** Failed checkpoints in a row before SQLite is asked to checkpoint by itself again. */
const FAILURES_BEFORE_FALLBACK = 5;

export interface CheckpointOptions {
  intervalMs: number;
  /** WAL pages past which a checkpoint waits for the writer, so the WAL can start over (4 KB pages). */
  restartAtPages: number;
  /** The WAL file is cut back to this size when it starts over. */
  walSizeLimitBytes: number;
}

const DEFAULTS: CheckpointOptions = { intervalMs: 500, restartAtPages: 4096, walSizeLimitBytes: 64 * 1024 * 1024 };

export interface Checkpoints {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the request thread. With SQLite's automatic
 * checkpoints, the commit that crosses 1,000 WAL pages copies the WAL into
 * the database and fsyncs it, holding up every request for that long (the
 * round-trip p99). Here the main connection never checkpoints; a worker
 * thread does, on its own connection, and keeps the WAL bounded
 * (checkpoint-worker.mjs). If the worker dies or keeps failing, automatic
 * checkpoints come back.
 */
export async function startCheckpoints(db: Db, file: string, log: Log, options: Partial<CheckpointOptions> = {}): Promise<Checkpoints> {
  const { intervalMs, restartAtPages, walSizeLimitBytes } = { ...DEFAULTS, ...options };
  // Plain JavaScript, started without the flags the server runs under (loaders, preloads): it needs none.
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file, intervalMs, restartAtPages }, execArgv: [] });
  let stopped = false;
  let fellBack = false;
  const fallBack = (details: object) => {
    if (stopped || fellBack) return;
    fellBack = true;
    log.error(details, 'background checkpoints stopped; SQLite checkpoints automatically again');
    void sql`pragma wal_autocheckpoint = ${sql.raw(String(SQLITE_AUTOCHECKPOINT_PAGES))}`.execute(db).catch(() => undefined);
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  worker.unref(); // it never keeps the process alive by itself
  worker.on('message', (m: { type: string; message?: string; failures?: number }) => {
    if (m.type !== 'failed') return;
    if ((m.failures ?? 0) >= FAILURES_BEFORE_FALLBACK) fallBack({ reason: m.message });
    else log.warn({ reason: m.message }, 'background checkpoint failed; will retry');
  });
  worker.on('error', (err) => fallBack({ err }));
  worker.on('exit', (code) => fallBack({ code }));
  await sql`pragma journal_size_limit = ${sql.raw(String(walSizeLimitBytes))}`.execute(db);
  await sql`pragma wal_autocheckpoint = 0`.execute(db);
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      // The worker says when its last checkpoint is done (it stays alive listening for messages, so it never exits by itself).
      const finished = new Promise<void>((resolve) => {
        worker.on('message', (m: { type: string }) => m.type === 'stopped' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
