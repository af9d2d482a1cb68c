import type { ChatService } from '../chat/service.js';
import type { ConversationRow } from '../db/tables.js';
import { conversationRoom, type TipsySocket } from './types.js';

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

  constructor(
    private readonly socket: TipsySocket,
    private readonly chat: ChatService,
  ) {}

  /** Checks the visitor owns the conversation, joins its room, and remembers it. */
  async join(conversationId: string): Promise<ConversationRow> {
    const row = await this.chat.join(this.socket.data, conversationId);
    await this.socket.join(conversationRoom(row.id));
    if (this.rows.size >= MAX_PER_SOCKET) this.rows.clear();
    this.rows.set(row.id, row);
    return row;
  }

  /** The conversation as checked when this socket joined it, joining it now if it has not. */
  joined(conversationId: string): Promise<ConversationRow> {
    const row = this.rows.get(conversationId);
    return row ? Promise.resolve(row) : this.join(conversationId);
  }
}
