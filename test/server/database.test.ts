/**
 * The database layer under concurrency, on a real SQLite file: group commit,
 * queries prepared once, the connection handed out in arrival order, and
 * checkpoints off the request thread.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { openConversation } from '../../server/chat/conversations.js';
import { storeMessage } from '../../server/chat/messages.js';
import { migrateToLatest, openSqlite, type Db } from '../../server/db/database.js';
import { startCheckpoints } from '../../server/db/checkpoints.js';
import { GroupCommit } from '../../server/db/group-commit.js';
import { preparedQuery } from '../../server/db/prepared-query.js';
import type { Database } from '../../server/db/tables.js';
import { newId, nowIso } from '../../server/ids.js';
import { startHarness } from './harness.js';
import { SQLITE_ONLY } from './test-database.js';

/** A fresh, migrated database file holding one conversation. */
async function databaseWithConversation(prefix: string): Promise<{ dir: string; file: string; db: Db; conversationId: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'tipsy.db');
  const db = openSqlite(file);
  await migrateToLatest(db);
  const site = await createSite(db, { name: 'Shop', origins: [] });
  await upsertCharacter(db, site.siteId, { slug: 'barkeep', name: 'Barkeep' });
  const character = await db.selectFrom('characters').selectAll().executeTakeFirstOrThrow();
  const visitorId = newId();
  await db.insertInto('visitors').values({ id: visitorId, site_id: site.siteId, created_at: nowIso() }).execute();
  const { id: conversationId } = await openConversation(db, { visitorId, siteId: site.siteId, keyId: 'k' }, character);
  return { dir, file, db, conversationId };
}

describe('database layer', { skip: SQLITE_ONLY }, () => {
  let dir: string;
  let db: Db;
  let conversationId: string;
  before(async () => ({ dir, db, conversationId } = await databaseWithConversation('tipsy-db-')));
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async () => (await db.selectFrom('messages').select(['content', 'seq']).where('conversation_id', '=', conversationId).orderBy('seq').execute());

  it('writes that arrive together share one transaction, in arrival order, and each hears back after the commit', async () => {
    const writes = new GroupCommit(db);
    const before = (await stored()).length;
    const seen = new Set<Kysely<Database>>();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        writes.run(async (tx) => {
          seen.add(tx);
          return storeMessage(tx, { conversationId, senderType: 'user', content: `line ${i}` });
        }),
      ),
    );
    assert.equal(seen.size, 1, 'one transaction for the group');
    assert.deepEqual(results.map((r) => r.message.seq), Array.from({ length: 50 }, (_, i) => before + i + 1));
    const rows = await stored();
    assert.equal(rows.length, before + 50);
    assert.equal(rows.at(-1)?.content, 'line 49');
  });

  it('a write that fails in a group fails alone: the others are stored, its half-done work is not', async () => {
    const writes = new GroupCommit(db);
    const before = (await stored()).length;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        writes.run(async (tx) => {
          const result = await storeMessage(tx, { conversationId, senderType: 'user', content: `try ${i}` });
          if (i === 2) throw new Error('refused after writing');
          return result;
        }),
      ),
    );
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const rows = await stored();
    assert.deepEqual(rows.slice(before).map((r) => r.content), ['try 0', 'try 1', 'try 3', 'try 4']);
    // No gap where the failed write had taken its number.
    assert.deepEqual(rows.map((r) => r.seq), rows.map((_, i) => i + 1));
  });

  it('a prepared query runs with each call’s values and keeps the constants it was built with', async () => {
    const byContent = preparedQuery((q, v: { conversationId: string; content: string }) =>
      q.selectFrom('messages').select(['content', 'seq']).where('conversation_id', '=', v.conversationId).where('content', '=', v.content).where('seq', '>', 0),
    );
    assert.equal((await byContent(db, { conversationId, content: 'line 3' }))[0]?.content, 'line 3');
    assert.equal((await byContent(db, { conversationId, content: 'line 7' }))[0]?.content, 'line 7');
    assert.deepEqual(await byContent(db, { conversationId: 'nope', content: 'line 7' }), []);
  });

  it('hands the connection out first come, first served: transactions never interleave', async () => {
    const order: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction().execute(async (tx) => {
          order.push(`begin ${i}`);
          await tx.selectFrom('messages').select('id').limit(1).execute();
          await new Promise((resolve) => setImmediate(resolve)); // give the others every chance to cut in
          order.push(`end ${i}`);
        }),
      ),
    );
    assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => [`begin ${i}`, `end ${i}`]).flat());
  });
});

describe('checkpoints', { skip: SQLITE_ONLY }, () => {
  it('the server’s own connection never checkpoints; a worker thread copies the WAL into the database soon after', async () => {
    const h = await startHarness();
    try {
      const [{ wal_autocheckpoint }] = (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(h.app.db)).rows as [{ wal_autocheckpoint: number }];
      assert.equal(wal_autocheckpoint, 0);
      const { conversationId } = await h.session();
      const before = statSync(h.dbFile).size;
      const writes = new GroupCommit(h.app.db);
      await Promise.all(
        Array.from({ length: 2000 }, (_, i) =>
          writes.run((tx) => storeMessage(tx, { conversationId, senderType: 'user', content: `line ${i} ${'x'.repeat(200)}` })),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 1200));
      // SQLite alone would wait for 1,000 pages (4 MB) of WAL: only the worker copies these few hundred KB.
      assert.ok(statSync(h.dbFile).size > before + 200 * 1024, 'the worker copied the new pages into the database file');
    } finally {
      await h.close();
    }
  });

  it('keeps the WAL bounded under writes that never pause, and no write fails while it restarts', async () => {
    const { dir, file, db, conversationId } = await databaseWithConversation('tipsy-wal-');
    const checkpoints = await startCheckpoints(db, file, { error() {}, warn() {} }, { intervalMs: 50, restartAtPages: 256 });
    const writes = new GroupCommit(db);
    let largestWal = 0;
    let sent = 0;
    try {
      const until = Date.now() + 3500;
      while (Date.now() < until) {
        await Promise.all(
          // With a client id each write reads before it writes, the case a checkpoint's lock could fail at once.
          Array.from({ length: 100 }, (_, i) =>
            writes.run((tx) => storeMessage(tx, { conversationId, senderType: 'user', content: `${i} ${'x'.repeat(300)}`, clientMessageId: `c${sent++}` })),
          ),
        );
        largestWal = Math.max(largestWal, statSync(`${file}-wal`).size);
      }
      // 256 pages is 1 MB: the WAL peaks at 2–3 MB here, once at 7.3 MB while other tests loaded the machine.
      // Without the RESTART step it reached 3–9 MB within these 3.5 s, and kept growing with longer runs.
      assert.ok(largestWal < 8 * 1024 * 1024, `the WAL reached ${(largestWal / 1024 / 1024).toFixed(1)} MB`);
    } finally {
      await checkpoints.stop();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

