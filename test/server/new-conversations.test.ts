import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { createSite } from '../../server/auth/sites.js';
import { openSqlite } from '../../server/db/database.js';
import { migrations } from '../../server/db/migrations/index.js';
import { openPostgres } from '../../server/db/postgres.js';
import { nowIso } from '../../server/ids.js';
import type { Message } from '../../server/protocol/message.js';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';
import { createTestDatabase } from './test-database.js';

/** Several conversations per visitor and character: conversation.create and .list, and what session.start opens. */
describe('new conversations', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** The rows of every conversation of the visitor who holds `conversationId`, with the same character. */
  const siblingsOf = async (conversationId: string) => {
    const own = await h.app.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    return h.app.db
      .selectFrom('conversations')
      .selectAll()
      .where('visitor_id', '=', own.visitor_id)
      .where('character_id', '=', own.character_id)
      .execute();
  };

  /** Waits until the conversation holds `count` finished messages. */
  async function answered(api: ReturnType<Harness['api']>, conversationId: string, count: number): Promise<void> {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const { messages } = await api.conversation.history.query({ conversationId });
      if (messages.length >= count && messages.every((m) => m.status !== 'streaming')) return;
    }
    throw new Error(`the conversation never held ${count} messages`);
  }

  it('concurrent session.start calls of one visitor (tabs opening together) make one conversation', async () => {
    const first = await h.session('guide');
    // A returning visitor's first start with another character, from five tabs at once.
    const starts = await Promise.all(
      Array.from({ length: 5 }, () => h.api().session.start.mutate({ siteKey: h.siteKey, character: 'host', visitorToken: first.visitorToken })),
    );
    assert.equal(new Set(starts.map((s) => s.conversationId)).size, 1);
    assert.equal((await siblingsOf(starts[0]!.conversationId)).length, 1);
    assert.notEqual(starts[0]!.conversationId, first.conversationId);
    const history = await h.api({ token: starts[0]!.visitorToken }).conversation.history.query({ conversationId: starts[0]!.conversationId });
    assert.equal(history.messages.length, 1, 'one greeting');
    assert.equal(starts[0]!.newConversations, true);
  });

  it('creates a new conversation with the same character, lists both, and keeps the old one readable and writable', async () => {
    const { visitorToken, conversationId: firstId } = await h.session('host');
    const api = h.api({ token: visitorToken });
    await api.message.send.mutate({ conversationId: firstId, content: 'A gin and tonic, please.' });
    await answered(api, firstId, 3); // the greeting, the message, the reply: nothing more will land in it

    const created = await api.conversation.create.mutate({ conversationId: firstId });
    assert.notEqual(created.conversationId, firstId);
    const fresh = await api.conversation.history.query({ conversationId: created.conversationId });
    assert.deepEqual(fresh.messages.map((m) => [m.sender_type, m.content]), [['character', 'Welcome! What will it be?']]);

    // session.start opens the most recently active: the new one, until the old one is written to.
    const reload = () => h.api().session.start.mutate({ siteKey: h.siteKey, character: 'host', visitorToken });
    assert.equal((await reload()).conversationId, created.conversationId);

    const listed = await api.conversation.list.query({ conversationId: created.conversationId });
    assert.deepEqual(listed.conversations.map((c) => c.id), [created.conversationId, firstId]);
    const [newest, older] = listed.conversations;
    assert.deepEqual({ preview: newest!.preview, messages: newest!.messages }, { preview: 'Welcome! What will it be?', messages: 1 });
    assert.ok(older!.messages >= 2);
    assert.ok(Date.parse(newest!.last_message_at) >= Date.parse(older!.last_message_at));
    assert.ok(!Number.isNaN(Date.parse(older!.created_at)));

    // The old conversation, reopened by its id: readable, writable, and then the latest again.
    const socket = await h.socket(visitorToken);
    const joined = await socket.emitWithAck('join_conversation', firstId);
    assert.deepEqual(joined, { ok: true, conversationId: firstId });
    const reply = new Promise<Message>((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)));
    const sent = await socket.emitWithAck('send_message', { conversationId: firstId, content: 'And one more.' });
    assert.ok(sent.ok);
    assert.equal((await reply).conversation_id, firstId);
    const relisted = await api.conversation.list.query({ conversationId: firstId });
    assert.deepEqual(relisted.conversations.map((c) => c.id), [firstId, created.conversationId]);
    assert.equal(relisted.conversations[0]!.preview, (await api.conversation.history.query({ conversationId: firstId })).messages.at(-1)!.content.slice(0, 120));
    assert.equal((await reload()).conversationId, firstId);
    const page = await api.conversation.history.query({ conversationId: firstId });
    assert.deepEqual(page.messages.slice(0, 2).map((m) => m.content), ['Welcome! What will it be?', 'A gin and tonic, please.']);
  });

  it('lists at most 20, previews at most 120 characters, only this character’s and only the visitor’s own', async () => {
    const { visitorToken, conversationId } = await h.session('barkeep');
    const api = h.api({ token: visitorToken });
    await api.message.send.mutate({ conversationId, content: 'x'.repeat(300) });
    await answered(api, conversationId, 2);
    let latestId = conversationId;
    for (let i = 0; i < 21; i++) latestId = (await api.conversation.create.mutate({ conversationId })).conversationId;
    const other = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'guide', visitorToken });
    const { conversations } = await api.conversation.list.query({ conversationId });
    assert.equal(conversations.length, 20);
    assert.equal(conversations[0]!.id, latestId);
    assert.ok(!conversations.some((c) => c.id === other.conversationId), 'another character’s is not listed');
    assert.equal((await siblingsOf(conversationId)).length, 22);
    // The first conversation (the long message, then the reply) is the oldest activity: past the twentieth.
    assert.ok(!conversations.some((c) => c.id === conversationId));
    const oneMore = await api.message.send.mutate({ conversationId, content: 'y'.repeat(300) });
    assert.ok(oneMore.message);
    const relisted = await api.conversation.list.query({ conversationId });
    assert.equal(relisted.conversations[0]!.id, conversationId);
    assert.ok(relisted.conversations[0]!.preview.length <= 120);

    const stranger = await h.session('barkeep');
    const strangerApi = h.api({ token: stranger.visitorToken });
    assert.equal(await trpcErrorCode(strangerApi.conversation.list.query({ conversationId })), 'NOT_FOUND');
    assert.equal(await trpcErrorCode(strangerApi.conversation.create.mutate({ conversationId })), 'NOT_FOUND');
  });

  it('the site setting allowNewConversations: off refuses create (NOT_ALLOWED) and session.start says so', async () => {
    const admin = h.admin().admin.site;
    assert.equal((await admin.get.query()).allowNewConversations, true);
    const { visitorToken, conversationId } = await h.session('host');
    const api = h.api({ token: visitorToken });
    assert.equal((await admin.update.mutate({ allowNewConversations: false })).allowNewConversations, false);
    try {
      assert.equal(await trpcErrorCode(api.conversation.create.mutate({ conversationId })), 'NOT_ALLOWED');
      const again = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'host', visitorToken });
      assert.equal(again.newConversations, false);
      assert.equal(again.conversationId, conversationId);
      // Listing stays: earlier conversations remain the visitor's.
      assert.equal((await api.conversation.list.query({ conversationId })).conversations.length, 1);
    } finally {
      await admin.update.mutate({ allowNewConversations: true });
    }
    assert.ok((await api.conversation.create.mutate({ conversationId })).conversationId);
  });

  it('new conversations are rate limited per visitor (conversationsPerVisitor)', async () => {
    await h.admin().admin.site.update.mutate({ limits: { conversationsPerVisitor: { points: 2, seconds: 600 } } });
    try {
      const { visitorToken, conversationId } = await h.session('guide');
      const api = h.api({ token: visitorToken });
      await api.conversation.create.mutate({ conversationId });
      await api.conversation.create.mutate({ conversationId });
      assert.equal(await trpcErrorCode(api.conversation.create.mutate({ conversationId })), 'RATE_LIMITED');
      // Another visitor has a window of their own.
      const other = await h.session('guide');
      assert.ok((await h.api({ token: other.visitorToken }).conversation.create.mutate({ conversationId: other.conversationId })).conversationId);
    } finally {
      await h.admin().admin.site.update.mutate({ limits: null });
    }
  });
});

/** A database made before several conversations per visitor: its conversations and messages come through the upgrade whole. */
describe('upgrading a database to several conversations per visitor', () => {
  it('keeps every conversation and message, numbers them 1, stamps their last activity, and drops the one-per-character rule', async () => {
    const database = await createTestDatabase();
    const db = database.databaseUrl ? openPostgres(database.databaseUrl, 2) : openSqlite(database.dbFile);
    try {
      const names = Object.keys(migrations).sort();
      const before = names.filter((name) => name < '2026-12-03-03');
      const upTo = (allowed: string[]) =>
        new Migrator({ db, provider: { getMigrations: async () => Object.fromEntries(allowed.map((n) => [n, migrations[n]!])) } }).migrateToLatest();
      assert.equal((await upTo(before)).error, undefined);

      // As the code before the upgrade stored them (raw: today's tables are typed for after it).
      const site = await createSite(db, { name: 'Old shop', origins: [] });
      await sql`insert into characters (id, site_id, slug, name, persona, created_at) values ('c1', ${site.siteId}, 'barkeep', 'Barkeep', '', '2026-01-01T00:00:00.000Z')`.execute(db);
      await sql`insert into visitors (id, site_id, created_at) values ('v1', ${site.siteId}, '2026-01-01T00:00:00.000Z')`.execute(db);
      await sql`insert into conversations (id, site_id, visitor_id, character_id, created_at, last_seq) values ('k1', ${site.siteId}, 'v1', 'c1', '2026-01-01T00:00:00.000Z', 2)`.execute(db);
      for (const [id, seq, at] of [['m1', 1, '2026-01-01T00:00:01.000Z'], ['m2', 2, '2026-01-02T00:00:00.000Z']] as const) {
        await sql`insert into messages (id, conversation_id, seq, sender_type, content, created_at) values (${id}, 'k1', ${seq}, 'user', 'hello', ${at})`.execute(db);
      }
      const refused = await sql`insert into conversations (id, site_id, visitor_id, character_id, created_at) values ('k2', ${site.siteId}, 'v1', 'c1', '2026-01-03T00:00:00.000Z')`.execute(db).then(() => 'inserted', () => 'refused');
      assert.equal(refused, 'refused', 'one conversation per visitor and character before the upgrade');

      assert.equal((await upTo(names)).error, undefined);
      const [conversation] = await db.selectFrom('conversations').selectAll().execute();
      assert.deepEqual(
        { id: conversation!.id, number: conversation!.number, last_seq: conversation!.last_seq, last_message_at: conversation!.last_message_at },
        { id: 'k1', number: 1, last_seq: 2, last_message_at: '2026-01-02T00:00:00.000Z' },
      );
      const messages = await db.selectFrom('messages').selectAll().orderBy('seq').execute();
      assert.deepEqual(messages.map((m) => [m.id, m.swipe_index, m.swipe_count]), [['m1', 0, 1], ['m2', 0, 1]]);
      // A second conversation with the same character is a row like any other now; the number keeps them apart.
      await db.insertInto('conversations').values({ id: 'k2', site_id: site.siteId, visitor_id: 'v1', character_id: 'c1', number: 2, created_at: nowIso(), last_message_at: nowIso() }).execute();
      const twice = await db.insertInto('conversations').values({ id: 'k3', site_id: site.siteId, visitor_id: 'v1', character_id: 'c1', number: 2, created_at: nowIso(), last_message_at: nowIso() }).execute().then(() => 'inserted', () => 'refused');
      assert.equal(twice, 'refused');
      // Deleting a conversation still takes its messages with it (the rebuilt table kept its references).
      await db.deleteFrom('conversations').where('id', '=', 'k1').execute();
      assert.equal((await db.selectFrom('messages').select('id').execute()).length, 0);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
