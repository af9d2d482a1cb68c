/**
 * Runs in a worker thread (see worker-writes.ts): stores visitors' messages on
 * its own connection to the SQLite file, so the main thread spends no time in
 * SQLite for them. Each batch it receives is one transaction; each row in it
 * follows message-rows.ts's rules (storeMessageRow), with the statements and
 * pragmas the main thread compiled from the same sources (sqlite-writer-setup.ts).
 * Plain JavaScript: a worker thread starts without the TypeScript loader the server runs under.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

/** @type {{ file: string; pragmas: string[]; statements: Record<string, { sql: string; parameters: unknown[]; slots: (string | null)[] }> }} */
const { file, pragmas, statements } = workerData;
const db = new SQLite(file);
for (const pragma of pragmas) db.pragma(pragma);

/** A compiled statement, prepared once: `run(values)` binds each parameter by its slot's name. */
function prepare({ sql, parameters, slots }) {
  const statement = db.prepare(sql);
  const bind = (values) => parameters.map((constant, i) => (slots[i] === null ? constant : values[slots[i]]));
  return statement.reader ? (values) => statement.get(bind(values)) : (values) => statement.run(bind(values));
}

const findRetry = prepare(statements.findRetry);
const takeNextSeq = prepare(statements.takeNextSeq);
const insertUnlessRetried = prepare(statements.insertUnlessRetried);
const giveBackSeq = prepare(statements.giveBackSeq);

class ConversationGone extends Error {}

/** storeMessageRow (message-rows.ts), statement for statement. */
function storeRow(row) {
  const conversationId = row.conversation_id;
  const clientMessageId = row.client_message_id;
  if (clientMessageId) {
    const existing = findRetry({ conversationId, clientMessageId });
    if (existing) return { row: existing, created: false };
  }
  const taken = takeNextSeq({ conversationId, at: row.created_at });
  if (!taken) throw new ConversationGone();
  const stored = { ...row, sender_name: row.sender_name ?? null, seq: taken.last_seq, swipe_index: 0, swipe_count: 1 };
  if (insertUnlessRetried(stored)) return { row: stored, created: true };
  // Another process stored this clientMessageId after our look; ours is not written and its number goes back.
  giveBackSeq({ conversationId });
  const first = findRetry({ conversationId, clientMessageId });
  if (!first) throw new Error('A message conflicted with a copy that cannot be read');
  return { row: first, created: false };
}

const refusal = (error) =>
  error instanceof ConversationGone ? { gone: true } : { error: { message: String(error?.message ?? error), code: error?.code } };

// Called inside the batch's transaction, each row runs in a savepoint of its own: a row that throws is
// rolled back alone (its number too, so `seq` keeps no gap) and refused; the rest of the batch commits.
const storeInSavepoint = db.transaction(storeRow);
const storeBatch = db.transaction((rows) =>
  rows.map((row) => {
    try {
      return { stored: storeInSavepoint(row) };
    } catch (error) {
      return { refused: refusal(error) };
    }
  }),
);

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db.close();
    parentPort.close(); // nothing else keeps the thread alive: it ends
    return;
  }
  const { batch, rows } = message;
  try {
    // BEGIN IMMEDIATE: the write lock first, waiting for it (busy_timeout) while another connection holds it.
    parentPort.postMessage({ batch, results: storeBatch.immediate(rows) });
  } catch (error) {
    // BEGIN or COMMIT failed: nothing of the batch is stored.
    parentPort.postMessage({ batch, failed: refusal(error).error });
  }
});
