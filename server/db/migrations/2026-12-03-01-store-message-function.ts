import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.
// Postgres only: a visitor's message stored in one round trip (db/postgres-message-writes.ts).
// Run as separate statements from the server, the conversation's row lock stayed held across
// several round trips and event-loop turns of a busy process, and sends to one conversation queued behind it.
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create function tipsy_store_message(
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
      update conversations set last_seq = last_seq + 1 where id = p_conversation_id returning last_seq into v_seq;
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

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop function if exists tipsy_store_message(text, text, text, text, text, text)`.execute(db);
}
