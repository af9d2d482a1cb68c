/**
 * Erasure and retention leave nothing behind: after a visitor's conversation is erased or
 * outlives its site's retention, the words are found nowhere in the SQLite file or its
 * write-ahead log, byte for byte, while every other conversation stays whole.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { collect, startHarness, type Harness } from './harness.js';

const onSqlite = process.env.TIPSY_TEST_DATABASE !== 'postgres';

describe('erasure and retention', { skip: !onSqlite && 'byte search of the SQLite file' }, () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  /** The database file and its write-ahead log, as bytes on disk. */
  const onDisk = () => Buffer.concat([h.dbFile, `${h.dbFile}-wal`].filter(existsSync).map((file) => readFileSync(file)));

  /** A new visitor says something no one else says, and the character answers. */
  async function talk(words: string) {
    const session = await h.session('barkeep');
    const socket = await h.socket(session.visitorToken);
    const done = collect(socket, 'receive_message', 2);
    await socket.emitWithAck('send_message', { conversationId: session.conversationId, content: words });
    await done;
    socket.disconnect();
    return session;
  }

  it('a visitor’s erased conversation is gone from the file, and no other', async () => {
    const erased = `erase-me-${randomUUID()}`;
    const kept = `keep-me-${randomUUID()}`;
    const session = await talk(erased);
    await talk(kept);
    assert.ok(onDisk().includes(erased), 'written to disk first');
    const visitor = await h.app.services.sessions.authenticate(session.visitorToken, 'http://shop.example');
    const result = await h.app.services.privacy.eraseOwnConversation(visitor, session.conversationId);
    assert.deepEqual(result, { conversations: 1, messages: 2, wiped: true });
    const bytes = onDisk();
    assert.equal(bytes.includes(erased), false, 'no byte of it left');
    assert.ok(bytes.includes(kept), 'the other conversation is untouched');
  });

  it('conversations past their site’s retention go, with their bytes, and recent ones stay', async () => {
    const old = `old-${randomUUID()}`;
    await talk(old);
    assert.equal((await h.admin().admin.site.update.mutate({ retentionDays: 30 })).retentionDays, 30);
    const recent = await h.app.services.privacy.sweepRetention(new Date(Date.now() + 29 * 86_400_000));
    assert.deepEqual(recent, { conversations: 0, messages: 0 }, '29 days on: kept');
    const swept = await h.app.services.privacy.sweepRetention(new Date(Date.now() + 31 * 86_400_000));
    assert.ok(swept.conversations >= 1 && swept.messages >= 2, JSON.stringify(swept));
    assert.equal(onDisk().includes(old), false);
  });
});
