import type { Db } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { ConversationRow } from '../db/tables.js';
import type { AgentView } from '../protocol/agent.js';

/**
 * Who answers a conversation now: the character, or a person who took it over
 * (chat/takeover.ts). Read from the database each time it decides something, never
 * from a row kept in memory, so every process agrees the moment a takeover commits.
 */

const agentNameOf = preparedQuery((db, v: { conversationId: string }) =>
  db.selectFrom('conversations').select('agent_name').where('id', '=', v.conversationId),
);

/** The display name of the person answering the conversation in the character's place; null when the character answers. */
export async function personAnswering(db: Db, conversationId: string): Promise<string | null> {
  const [row] = await agentNameOf(db, { conversationId });
  return row?.agent_name ?? null;
}

/** A conversation's takeover as a visitor's client is told it: `agent` while a person answers, nothing otherwise. */
export const agentOf = (row: Pick<ConversationRow, 'agent_name'>): { agent?: AgentView } =>
  row.agent_name ? { agent: { name: row.agent_name } } : {};

/** Refused while a person answers: the character is asked for nothing then. */
export const PERSON_ANSWERING = 'Someone from the site is answering this conversation now.';
