/**
 * Runs in a worker thread (see checkpoints.ts): copies the WAL back into the
 * database on its own connection, so the fsync a checkpoint needs never
 * blocks the thread that serves requests. Plain JavaScript: a worker thread
 * starts without the TypeScript loader the server runs under.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

/** @type {{ file: string; intervalMs: number; restartAtPages: number }} */
const { file, intervalMs, restartAtPages } = workerData;
const db = new SQLite(file);
db.pragma('busy_timeout = 5000');
let failures = 0;

function checkpoint() {
  try {
    // PASSIVE: copies what it can without waiting for, or stopping, readers and writers.
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    // The WAL starts over only when a write begins after a checkpoint that copied every frame.
    // Under steady writes a PASSIVE one never quite catches up, so past a size a RESTART waits
    // for the writer (the tail is all that is left to copy) and lets the WAL start over.
    if (log >= restartAtPages) db.pragma('wal_checkpoint(RESTART)');
    failures = 0;
  } catch (error) {
    parentPort?.postMessage({ type: 'failed', message: String(error), failures: ++failures });
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort?.postMessage({ type: 'stopped' });
});
parentPort?.postMessage({ type: 'ready' });
