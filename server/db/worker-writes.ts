import { Worker } from 'node:worker_threads';
import { TipsyError } from '../errors.js';
import type { Log } from '../log.js';
import type { Db } from './database.js';
import { GroupCommit } from './group-commit.js';
import { ConversationGone, type NewMessageRow, type StoredRow } from './message-rows.js';
import { writerSetup, type WriterSetup } from './sqlite-writer-setup.js';
import { MAX_QUEUED_WRITES, tooBusy, type Writes } from './writes.js';

/** Rows in one batch, one transaction: as the group commit's groups. */
const MAX_BATCH = 256;
/** Batches posted and not yet reported: the next one waits in the thread's port, so the thread does not idle while the main thread is busy. */
const MAX_BATCHES_IN_FLIGHT = 2;
/** Deaths of the writer thread within DEATH_WINDOW_MS after which the main thread stores messages itself. */
const DEATHS_BEFORE_FALLBACK = 3;
const DEATH_WINDOW_MS = 60_000;
/** How long a closing thread may take to close its connection before it is ended. */
const CLOSE_WAIT_MS = 2000;

interface Pending {
  row: NewMessageRow;
  resolve(stored: StoredRow): void;
  reject(error: unknown): void;
}

/** Why the thread refused one row: its conversation is gone, or SQLite threw (the row alone was rolled back). */
type Refusal = { gone: true } | { error: { message: string; code?: string } };
type Outcome = { stored: StoredRow } | { refused: Refusal };
/** What the thread reports of a batch: each row's outcome once committed, or why the whole transaction failed. */
type Report = { batch: number; results: Outcome[] } | { batch: number; failed: { message: string; code?: string } };

/** A batch lost with its thread: not acked, and safe to send again (a retried clientMessageId is stored once). */
export function writerStopped(): TipsyError {
  return new TipsyError('UNAVAILABLE', 'The message could not be stored. It will be sent again in a moment.', { retryAfterMs: 500 });
}

const sqliteError = ({ message, code }: { message: string; code?: string }) => Object.assign(new Error(message), { code });
const refusedError = (refusal: Refusal): Error => ('gone' in refusal ? new ConversationGone() : sqliteError(refusal.error));

/**
 * The group commit on a thread of its own (TIPSY_SQLITE_WRITER=worker): the
 * sends that arrive in one turn of the event loop are posted as one batch to
 * a worker thread holding its own connection to the same WAL file
 * (sqlite-writer-worker.mjs), which stores the batch in one transaction by
 * message-rows.ts's rules. Each caller hears back only after the thread
 * reports that commit, so an ack still means "stored"; the main thread spends
 * its time on sockets instead of SQLite.
 *
 * If the thread dies, the batches it had not reported are refused (writerStopped)
 * and a new thread takes what is queued. After DEATHS_BEFORE_FALLBACK deaths
 * within a minute (a thread that cannot start, or a batch that kills it each
 * time it is sent again), the main thread's GroupCommit stores messages for
 * the rest of the process's life.
 */
export class WorkerWrites implements Writes {
  private readonly setup: WriterSetup;
  private thread?: Worker;
  private queue: Pending[] = [];
  private readonly inFlight = new Map<number, Pending[]>();
  private inFlightRows = 0;
  private nextBatch = 1;
  private flushScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private deaths: number[] = [];
  private fallback?: GroupCommit;
  private closed = false;

  /** `log` is read when there is something to say (the server's logger may come after the database). */
  constructor(
    private readonly db: Db,
    file: string,
    private readonly log: () => Log,
  ) {
    this.setup = writerSetup(db, file);
    this.thread = this.startThread();
  }

  /** The writer thread now; undefined once the main thread stores messages itself. Tests end it to see a death. */
  get worker(): Worker | undefined {
    return this.thread;
  }

  /** True once the thread kept dying and the main thread's group commit took over. */
  get fellBack(): boolean {
    return this.fallback !== undefined;
  }

  storeMessage(row: NewMessageRow): Promise<StoredRow> {
    if (this.fallback) return this.fallback.storeMessage(row);
    if (this.closed) return Promise.reject(writerStopped());
    if (this.queue.length + this.inFlightRows >= MAX_QUEUED_WRITES) return Promise.reject(tooBusy());
    return new Promise<StoredRow>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  async drain(): Promise<void> {
    if (this.queue.length || this.inFlight.size) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.fallback?.drain();
  }

  /** Stores what was accepted, then ends the thread (before the database closes). */
  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    const thread = this.thread;
    this.thread = undefined; // its exit is no death
    if (!thread) return;
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.postMessage({ type: 'close' });
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    await thread.terminate();
  }

  private startThread(): Worker {
    // Plain JavaScript, started without the flags the server runs under (loaders, preloads): it needs none.
    const thread = new Worker(new URL('./sqlite-writer-worker.mjs', import.meta.url), { workerData: this.setup, execArgv: [] });
    thread.unref(); // idle, it never keeps the process alive; a batch in flight does (flush)
    let failure: unknown;
    thread.on('message', (report: Report) => this.settle(report));
    thread.on('error', (error) => (failure = error));
    thread.on('exit', (code) => this.died(thread, code, failure));
    return thread;
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after this turn's I/O callbacks: the sends they bring join the same batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length && this.inFlight.size < MAX_BATCHES_IN_FLIGHT) {
      const batch = this.queue.splice(0, MAX_BATCH);
      if (!this.thread) {
        for (const pending of batch) pending.reject(writerStopped());
        continue;
      }
      const id = this.nextBatch++;
      this.inFlight.set(id, batch);
      this.inFlightRows += batch.length;
      if (this.inFlight.size === 1) this.thread.ref();
      this.thread.postMessage({ batch: id, rows: batch.map((pending) => pending.row) });
    }
    this.wakeIfIdle();
  }

  private settle(report: Report): void {
    const batch = this.inFlight.get(report.batch);
    if (!batch) return;
    this.inFlight.delete(report.batch);
    this.inFlightRows -= batch.length;
    if ('failed' in report) {
      const error = sqliteError(report.failed);
      for (const pending of batch) pending.reject(error);
    } else {
      batch.forEach((pending, i) => {
        const outcome = report.results[i]!;
        if ('stored' in outcome) pending.resolve(outcome.stored);
        else pending.reject(refusedError(outcome.refused));
      });
    }
    if (!this.inFlight.size) this.thread?.unref();
    if (this.queue.length) this.schedule();
    this.wakeIfIdle();
  }

  private died(thread: Worker, code: number, failure: unknown): void {
    if (thread !== this.thread) return; // closed on purpose
    const lost = [...this.inFlight.values()].flat();
    this.inFlight.clear();
    this.inFlightRows = 0;
    // Never acked: some may have committed just before the death, and a retry with their clientMessageId returns that copy.
    for (const pending of lost) pending.reject(writerStopped());
    const now = Date.now();
    this.deaths = [...this.deaths.filter((at) => now - at < DEATH_WINDOW_MS), now];
    const details = { code, err: failure, refused: lost.length, deathsInAMinute: this.deaths.length };
    if (this.deaths.length >= DEATHS_BEFORE_FALLBACK) {
      this.thread = undefined;
      const fallback = (this.fallback = new GroupCommit(this.db));
      this.log().error(details, 'the SQLite writer thread keeps stopping; messages are stored on the main thread from now on');
      for (const pending of this.queue.splice(0)) fallback.storeMessage(pending.row).then(pending.resolve, pending.reject);
    } else {
      this.thread = this.startThread();
      this.log().error(details, 'the SQLite writer thread stopped; the messages it had not reported were refused, a new thread takes over');
      if (this.queue.length) this.schedule();
    }
    this.wakeIfIdle();
  }

  private wakeIfIdle(): void {
    if (this.queue.length || this.inFlight.size) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
