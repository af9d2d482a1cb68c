import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<any>): Promise<void> {
  // Each conversation numbers its messages in commit order: catch-up asks for "after N".
  await db.schema.alterTable('conversations').addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('messages').addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // complete | streaming (a reply being written) | interrupted (a reply cut short, kept as said).
  await db.schema.alterTable('messages').addColumn('status', 'text', (c) => c.notNull().defaultTo('complete')).execute();
  // How many stream chunks `content` holds, so a reconnecting client resumes at the right chunk.
  await db.schema.alterTable('messages').addColumn('chunks', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('messages').addColumn('updated_at', 'text').execute();

  // Number existing messages in id order (portable: plain reads and updates).
  const conversations = await db.selectFrom('conversations').select('id').execute();
  for (const { id } of conversations) {
    const rows = await db.selectFrom('messages').select('id').where('conversation_id', '=', id).orderBy('id').execute();
    for (const [index, row] of rows.entries()) {
      await db.updateTable('messages').set({ seq: index + 1 }).where('id', '=', row.id).execute();
    }
    await db.updateTable('conversations').set({ last_seq: rows.length }).where('id', '=', id).execute();
  }
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
