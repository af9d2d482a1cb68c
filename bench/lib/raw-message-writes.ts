/**
 * The durable-writes baseline (used by bench/durable-writes.ts): raw
 * better-sqlite3 on our schema, with the server's pragmas, doing what storing
 * a visitor's message does (the idempotency check, the conversation's next
 * `seq`, the insert) with prepared statements and nothing else. One
 * transaction per message, then batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { applyPragmas, migrateToLatest, openSqlite } from '../../server/db/database.js';
import { newId, nowIso } from '../../server/ids.js';

export interface RawWriteFigures {
  perTransaction: number;
  /** Messages per second with `batch` messages per transaction. */
  batched: number;
  batch: number;
}

export async function measureRawMessageWrites(seconds: number, conversations = 1000, batch = 100): Promise<RawWriteFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tipsy-raw-'));
  const file = join(dir, 'raw.db');
  try {
    const db = openSqlite(file);
    await migrateToLatest(db);
    await db.destroy();
    const sqlite = applyPragmas(new SQLite(file));
    const now = nowIso();
    sqlite.prepare('insert into sites (id, name, created_at) values (?, ?, ?)').run('s', 'Raw', now);
    sqlite.prepare('insert into characters (id, site_id, slug, name, created_at) values (?, ?, ?, ?, ?)').run('ch', 's', 'c', 'C', now);
    const ids: string[] = [];
    const visitor = sqlite.prepare('insert into visitors (id, site_id, created_at) values (?, ?, ?)');
    const conversation = sqlite.prepare('insert into conversations (id, site_id, visitor_id, character_id, created_at) values (?, ?, ?, ?, ?)');
    sqlite.transaction(() => {
      for (let i = 0; i < conversations; i++) {
        const id = newId();
        ids.push(id);
        visitor.run(id, 's', now);
        conversation.run(id, 's', id, 'ch', now);
      }
    })();
    const existing = sqlite.prepare('select id from messages where conversation_id = ? and client_message_id = ?');
    const next = sqlite.prepare('update conversations set last_seq = last_seq + 1 where id = ? returning last_seq');
    const insert = sqlite.prepare(
      `insert into messages (id, conversation_id, seq, sender_type, content, client_message_id, status, chunks, created_at)
       values (?, ?, ?, 'user', 'hello there', ?, 'complete', 0, ?)`,
    );
    let n = 0;
    const store = () => {
      const conversationId = ids[n % ids.length]!;
      const clientId = `m${n++}`;
      if (existing.get(conversationId, clientId)) return;
      const { last_seq } = next.get(conversationId) as { last_seq: number };
      insert.run(newId(), conversationId, last_seq, clientId, nowIso());
    };
    const oneEach = sqlite.transaction(store);
    const many = sqlite.transaction(() => {
      for (let i = 0; i < batch; i++) store();
    });
    const rate = (work: () => void, rows: number) => {
      const start = performance.now();
      const end = start + seconds * 1000;
      let done = 0;
      while (performance.now() < end) {
        work();
        done += rows;
      }
      return Math.round(done / ((performance.now() - start) / 1000));
    };
    const perTransaction = rate(oneEach, 1);
    const batched = rate(many, batch);
    sqlite.close();
    return { perTransaction, batched, batch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
