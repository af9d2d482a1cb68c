import type { ChatService } from '../chat/service.js';
import type { ConversationRow } from '../db/tables.js';
import { conversationRoom, type TipsySocket } from './types.js';

/** A socket joins a handful of conversations; this bounds a misbehaving one (the least recently used is checked again). */
const MAX_PER_SOCKET = 50;

/**
 * The conversations one socket has joined, as their ownership was checked
 * when it joined, so a send on that socket need not ask the database again.
 * Safe to keep for the socket's life: a conversation never changes hands, and
 * erasing a visitor ends their sockets (AccessChanges.visitorErased).
 *
 * A Map in least-recently-used order rather than an LRUCache: there is one per
 * socket, and an LRUCache costs about 2.5 KB more heap each, a fifth of a
 * socket's whole footprint (docs/performance.md#idle-sockets).
 */
export class JoinedConversations {
  private readonly rows = new Map<string, ConversationRow>();

  constructor(
    private readonly socket: TipsySocket,
    private readonly chat: ChatService,
  ) {}

  /** Checks the visitor owns the conversation, joins its room, and remembers it. */
  async join(conversationId: string): Promise<ConversationRow> {
    const row = await this.chat.join(this.socket.data, conversationId);
    await this.socket.join(conversationRoom(row.id));
    this.remember(row);
    if (this.rows.size > MAX_PER_SOCKET) this.rows.delete(this.rows.keys().next().value!);
    return row;
  }

  /** The conversation as checked when this socket joined it, joining it now if it has not. */
  joined(conversationId: string): Promise<ConversationRow> {
    const row = this.rows.get(conversationId);
    if (!row) return this.join(conversationId);
    if (this.rows.size > 1) this.remember(row);
    return Promise.resolve(row);
  }

  /** Moves the row to the end: a Map iterates in insertion order, so the first key is the least recently used. */
  private remember(row: ConversationRow): void {
    this.rows.delete(row.id);
    this.rows.set(row.id, row);
  }
}
