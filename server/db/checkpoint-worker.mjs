/**
 * Runs in a worker thread (see checkpoints.ts): copies the WAL back into the
 * database on its own connection, so the fsync a checkpoint needs never
 * blocks the thread that serves requests. Plain JavaScript: a worker thread
 * starts without the TypeScript loader the server runs under.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

/** @type {{ file: string; intervalMs: number }} */
const { file, intervalMs } = workerData;
const db = new SQLite(file);
db.pragma('busy_timeout = 5000');

function checkpoint() {
  try {
    // PASSIVE: copies what it can without waiting for, or stopping, readers and writers.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort?.postMessage({ type: 'failed', message: String(error) });
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
