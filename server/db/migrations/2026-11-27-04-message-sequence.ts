import { sql, type Kysely } from 'kysely';
import { inTransaction } from './in-transaction.js';

// Frozen: never edit a migration that has shipped; add a new one (inTransaction only made it run on Postgres too).
// One transaction: a crash half-way leaves the schema as it was, not half-changed.
export async function up(db: Kysely<any>): Promise<void> {
  await inTransaction(db, (tx) => apply(tx));
}

async function apply(db: Kysely<any>): Promise<void> {
  // Each conversation numbers its messages in commit order: catch-up asks for "after N".
  await db.schema.alterTable('conversations').addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('messages').addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // complete | streaming (a reply being written) | interrupted (a reply cut short, kept as said).
  await db.schema.alterTable('messages').addColumn('status', 'text', (c) => c.notNull().defaultTo('complete')).execute();
  // How many stream chunks `content` holds, so a reconnecting client resumes at the right chunk.
  await db.schema.alterTable('messages').addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('messages').addColumn('updated_at', 'text').execute();

  // Number existing messages in id order, in one statement each (standard SQL: SQLite and Postgres).
  await sql`
    update messages set seq = (
      select numbered.n from (
        select id, row_number() over (partition by conversation_id order by id) as n from messages
      ) as numbered
      where numbered.id = messages.id
    )`.execute(db);
  await sql`
    update conversations set last_seq = (
      select count(*) from messages where messages.conversation_id = conversations.id
    )`.execute(db);
  await db.schema.createIndex('messages_conversation_seq').on('messages').columns(['conversation_id', 'seq']).unique().execute();
  await db.schema.createIndex('messages_streaming').on('messages').columns(['status', 'updated_at']).execute();
  await db.schema.dropIndex('messages_conversation_id_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('messages_conversation_id_id').on('messages').columns(['conversation_id', 'id']).execute();
  await db.schema.dropIndex('messages_streaming').execute();
  await db.schema.dropIndex('messages_conversation_seq').execute();
  for (const column of ['updated_at', 'chunks', 'status', 'seq']) {
    await db.schema.alterTable('messages').dropColumn(column).execute();
  }
  await db.schema.alterTable('conversations').dropColumn('last_seq').execute();
}
