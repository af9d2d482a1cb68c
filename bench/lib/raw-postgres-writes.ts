/**
 * The durable-writes baseline on Postgres (used by bench/durable-writes.ts):
 * node-postgres with a pool the size of the server's, doing what storing a
 * visitor's message costs in the database (storeMessage in
 * server/chat/messages.ts) with prepared statements and nothing else: in one
 * transaction, the idempotency look, the conversation's next `seq` (UPDATE …
 * RETURNING) and the insert. A closed loop, as the socket load's: `conversations`,
 * each with `perConversation` messages in flight, queued for the pool. Writes to
 * one conversation wait for each other (its row lock is held to the commit), so
 * how the same number in flight is spread over conversations matters.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openDatabase } from '../../server/db/open.js';
import { newId, nowIso } from '../../server/ids.js';
import type { BenchDatabase } from './bench-database.js';
import { summarize, type Latency } from './stats.js';

/** What the server's pool holds by default (TIPSY_DATABASE_POOL). */
export const SERVER_POOL_SIZE = 10;

export interface RawPostgresFigures {
  committedPerSecond: number;
  /** From asking for a connection to the commit: mostly the wait for the pool, with this many in flight. */
  commit: Latency;
  conversations: number;
  perConversation: number;
  pool: number;
}

// The statements storeMessage runs, as Kysely compiles them for Postgres; named, so each connection prepares them once.
const FIND_RETRY = { name: 'raw-find-retry', text: 'select id from messages where conversation_id = $1 and client_message_id = $2' };
const NEXT_SEQ = { name: 'raw-next-seq', text: 'update conversations set last_seq = last_seq + 1 where id = $1 returning last_seq' };
const INSERT = {
  name: 'raw-insert',
  text: `insert into messages (id, conversation_id, seq, sender_type, content, client_message_id, status, chunks, created_at, updated_at)
         values ($1, $2, $3, 'user', 'hello there', $4, 'complete', 0, $5, null)
         on conflict (conversation_id, client_message_id) do nothing returning seq`,
};

/** A site and its character (once per database), and `count` visitors with a conversation each; resolves to the conversations' ids. */
async function seedConversations(pool: pg.Pool, count: number): Promise<string[]> {
  const now = nowIso();
  await pool.query('insert into sites (id, name, created_at) values ($1, $2, $3) on conflict do nothing', ['s', 'Raw', now]);
  await pool.query('insert into characters (id, site_id, slug, name, created_at) values ($1, $2, $3, $4, $5) on conflict do nothing', ['ch', 's', 'c', 'C', now]);
  const ids = Array.from({ length: count }, () => newId());
  await pool.query('insert into visitors (id, site_id, created_at) select id, $2, $3 from unnest($1::text[]) as id', [ids, 's', now]);
  await pool.query('insert into conversations (id, site_id, visitor_id, character_id, created_at) select id, $2, id, $3, $4 from unnest($1::text[]) as id', [ids, 's', 'ch', now]);
  return ids;
}

async function storeMessage(pool: pg.Pool, conversationId: string, clientMessageId: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const retried = await client.query({ ...FIND_RETRY, values: [conversationId, clientMessageId] });
    if (!retried.rowCount) {
      const { rows } = await client.query<{ last_seq: number }>({ ...NEXT_SEQ, values: [conversationId] });
      await client.query({ ...INSERT, values: [newId(), conversationId, rows[0]!.last_seq, clientMessageId, nowIso()] });
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Migrates `database` (a Postgres one, the caller's to drop), then stores messages for `seconds`. */
export async function measureRawPostgresWrites(
  database: BenchDatabase,
  seconds: number,
  shape: { conversations: number; perConversation: number },
): Promise<RawPostgresFigures> {
  const { db } = await openDatabase({ databaseUrl: database.databaseUrl, dbFile: database.dbFile });
  await db.destroy();
  const pool = new pg.Pool({ connectionString: database.databaseUrl, max: SERVER_POOL_SIZE });
  try {
    const conversations = await seedConversations(pool, shape.conversations);
    const latencies: number[] = [];
    let running = true;
    let n = 0;
    const sendLoop = async (conversationId: string) => {
      while (running) {
        const t0 = performance.now();
        await storeMessage(pool, conversationId, `m${n++}`);
        if (running) latencies.push(performance.now() - t0);
      }
    };
    const started = performance.now();
    // Started as the socket load starts its sends: all of one conversation's, then the next's.
    const loops = conversations.flatMap((id) => Array.from({ length: shape.perConversation }, () => sendLoop(id)));
    const allLoops = Promise.all(loops);
    try {
      await Promise.race([sleep(seconds * 1000), allLoops]); // a failed write ends the run at once, thrown here
    } finally {
      running = false;
    }
    const elapsed = (performance.now() - started) / 1000;
    await allLoops;
    const { count, ...commit } = summarize(latencies);
    return { committedPerSecond: Math.round(count / elapsed), commit, ...shape, pool: SERVER_POOL_SIZE };
  } finally {
    await pool.end();
  }
}
