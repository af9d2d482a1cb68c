import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';
import * as storeMessageFunction from './2026-12-03-01-store-message-function.js';

// Frozen: never edit a migration that has shipped; add a new one.
// Versions of a character message (swipes), and several conversations per visitor and character.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // SQLite cannot drop a table's UNIQUE constraint: the table is rebuilt, with foreign keys off meanwhile
  // (dropping the old table would otherwise delete every message through ON DELETE CASCADE).
  // The pragma has no effect inside a transaction, so it is set around it; Postgres changes it in place.
  if (!postgres) await sql`pragma foreign_keys = off`.execute(db);
  try {
    await inTransaction(db, async (tx) => {
      await (postgres ? conversationsOnPostgres(tx) : conversationsOnSqlite(tx));
      await versions(tx);
      // On by default: visitors may start over with a character (admin.site.update allowNewConversations).
      await tx.schema.alterTable('sites').addColumn('allow_new_conversations', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      if (postgres) await storeMessageStampsActivity(tx);
    });
    if (!postgres) {
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length) throw new Error(`Rebuilding conversations broke ${broken.rows.length} references`);
    }
  } finally {
    if (!postgres) await sql`pragma foreign_keys = on`.execute(db);
  }
}

/** What a character message's versions keep beyond the one shown (which its own row holds). */
async function versions(db: Kysely<any>): Promise<void> {
  // The chosen version's index and how many there are; 0 of 1 for every message so far (a constant default: no rewrite).
  await db.schema.alterTable('messages').addColumn('swipe_index', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('messages').addColumn('swipe_count', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema
    .createTable('message_versions')
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_versions_pk', ['message_id', 'idx'])
    .execute();
}

// A conversation's latest activity (its last message's time, or its own), written as each message takes its seq.
const LAST_ACTIVITY = sql`coalesce((select m.created_at from messages m where m.conversation_id = conversations.id order by m.seq desc limit 1), conversations.created_at)`;

async function conversationsOnPostgres(db: Kysely<any>): Promise<void> {
  // `number`: 1, 2, 3… per visitor and character. Its uniqueness keeps concurrent first starts to one conversation.
  await db.schema.alterTable('conversations').addColumn('number', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('conversations').addColumn('last_message_at', 'text').execute();
  await sql`update conversations set last_message_at = ${LAST_ACTIVITY}`.execute(db);
  await sql`alter table conversations alter column last_message_at set not null`.execute(db);
  await sql`alter table conversations drop constraint conversations_visitor_character`.execute(db);
  await numberIndex(db);
}

async function conversationsOnSqlite(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('conversations_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('visitors.id').onDelete('cascade'))
    .addColumn('character_id', 'text', (c) => c.notNull().references('characters.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('number', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_message_at', 'text', (c) => c.notNull())
    .execute();
  await sql`
    insert into conversations_next (id, site_id, visitor_id, character_id, created_at, last_seq, number, last_message_at)
    select id, site_id, visitor_id, character_id, created_at, last_seq, 1, ${LAST_ACTIVITY} from conversations`.execute(db);
  await sql`drop table conversations`.execute(db);
  await sql`alter table conversations_next rename to conversations`.execute(db);
  await db.schema.createIndex('conversations_site_id').on('conversations').columns(['site_id', 'created_at']).execute();
  await numberIndex(db);
}

/** Also the index a visitor's conversations with a character are looked up by (its first two columns). */
const numberIndex = (db: Kysely<any>) =>
  db.schema.createIndex('conversations_visitor_character_number').on('conversations').columns(['visitor_id', 'character_id', 'number']).unique().execute();

/**
 * tipsy_store_message (migration 2026-12-03-01) as before, and it stamps the
 * conversation's activity in the same UPDATE that takes the seq: no statement more.
 */
async function storeMessageStampsActivity(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function tipsy_store_message(
      p_id text, p_conversation_id text, p_sender_type text, p_content text, p_client_message_id text, p_created_at text
    ) returns json language plpgsql as $$
    declare
      v_found messages;
      v_seq integer;
    begin
      if p_client_message_id is not null then
        select * into v_found from messages where conversation_id = p_conversation_id and client_message_id = p_client_message_id;
        if found then return json_build_object('created', false, 'row', row_to_json(v_found)); end if;
      end if;
      -- The conversation's row lock orders writers on every process; held until this statement commits.
      update conversations set last_seq = last_seq + 1, last_message_at = p_created_at where id = p_conversation_id returning last_seq into v_seq;
      if not found then return null; end if;
      insert into messages (id, conversation_id, seq, sender_type, content, client_message_id, status, chunks, created_at, updated_at)
        values (p_id, p_conversation_id, v_seq, p_sender_type, p_content, p_client_message_id, 'complete', 0, p_created_at, null)
        on conflict (conversation_id, client_message_id) do nothing;
      if found then
        return json_build_object('created', true, 'row', json_build_object('seq', v_seq));
      end if;
      -- Another process stored this clientMessageId after our look and committed before we had the lock: its copy wins, our number goes back.
      update conversations set last_seq = last_seq - 1 where id = p_conversation_id;
      select * into v_found from messages where conversation_id = p_conversation_id and client_message_id = p_client_message_id;
      return json_build_object('created', false, 'row', row_to_json(v_found));
    end
    $$`.execute(db);
}

/** Back to one conversation per visitor and character: refused while a visitor has several. */
export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await inTransaction(db, async (tx) => {
    await tx.schema.dropTable('message_versions').execute();
    for (const column of ['swipe_count', 'swipe_index']) await tx.schema.alterTable('messages').dropColumn(column).execute();
    await tx.schema.alterTable('sites').dropColumn('allow_new_conversations').execute();
    await tx.schema.dropIndex('conversations_visitor_character_number').execute();
    await tx.schema.createIndex('conversations_visitor_character').on('conversations').columns(['visitor_id', 'character_id']).unique().execute();
    for (const column of ['last_message_at', 'number']) await tx.schema.alterTable('conversations').dropColumn(column).execute();
    if (postgres) {
      await sql`drop function tipsy_store_message(text, text, text, text, text, text)`.execute(tx);
      await storeMessageFunction.up(tx);
    }
  });
}
