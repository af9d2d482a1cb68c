import type { ConversationRow } from '../db/tables.js';

/** A socket joins a handful of conversations; this bounds a misbehaving one. */
const MAX_PER_SOCKET = 50;

/**
 * The conversations one socket has joined, as their ownership was checked
 * when it joined, so a send on that socket need not ask the database again.
 * Safe to keep for the socket's life: a conversation never changes hands, and
 * erasing a visitor ends their sockets (AccessChanges.visitorErased).
 */
export class JoinedConversations {
  private readonly rows = new Map<string, ConversationRow>();

  add(row: ConversationRow): void {
    if (this.rows.size >= MAX_PER_SOCKET) this.rows.clear();
    this.rows.set(row.id, row);
  }

  get(conversationId: string): ConversationRow | undefined {
    return this.rows.get(conversationId);
  }
}
