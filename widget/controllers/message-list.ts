import type { ErrorBody } from '../../server/protocol/errors.js';
import type { MessageStreamEvent } from '../../server/protocol/events.js';
import type { Message, SenderType } from '../../server/protocol/message.js';

export type EntryStatus = 'sent' | 'pending' | 'failed' | 'streaming';

/** One line of the conversation as the visitor sees it. */
export interface ChatEntry {
  /** Stable across pending → sent, for keyed rendering. */
  key: string;
  id?: string;
  clientMessageId?: string;
  sender: SenderType;
  content: string;
  createdAt: string;
  status: EntryStatus;
  error?: ErrorBody;
  /** Next stream chunk expected, while streaming. */
  nextSeq?: number;
}

/**
 * The conversation's entries, merged from history pages, acks, broadcasts and
 * streams without duplicates. Stored messages are kept in id order (the
 * server's order); unsent ones follow in the order they were typed.
 */
export class MessageList {
  entries: ChatEntry[] = [];

  clear(): void {
    this.entries = [];
  }

  addPending(clientMessageId: string, content: string): ChatEntry {
    const entry: ChatEntry = {
      key: clientMessageId,
      clientMessageId,
      sender: 'user',
      content,
      createdAt: new Date().toISOString(),
      status: 'pending',
    };
    this.entries = [...this.entries, entry];
    return entry;
  }

  /** A stored message from any source; returns true when it was not shown as stored before. */
  confirm(message: Message): boolean {
    const index = this.entries.findIndex(
      (e) => e.id === message.id || (!!message.client_message_id && e.clientMessageId === message.client_message_id),
    );
    const existing = index >= 0 ? this.entries[index] : undefined;
    if (existing?.status === 'sent') return false;
    const entry: ChatEntry = {
      key: existing?.key ?? message.id,
      id: message.id,
      clientMessageId: message.client_message_id,
      sender: message.sender_type,
      content: message.content,
      createdAt: message.created_at,
      status: 'sent',
    };
    const rest = existing ? this.entries.filter((_, i) => i !== index) : this.entries;
    this.entries = ordered([...rest, entry]);
    return true;
  }

  /** A chunk of a streaming reply; chunks already held (after a reconnect, say) are ignored. */
  stream(event: MessageStreamEvent): void {
    const existing = this.entries.find((e) => e.id === event.message_id);
    if (existing && existing.status !== 'streaming') return;
    if (existing) {
      if (event.seq !== existing.nextSeq) return;
      this.replace(existing, { content: existing.content + event.delta, nextSeq: event.seq + 1 });
      return;
    }
    if (event.seq !== 0) return;
    this.entries = ordered([
      ...this.entries,
      {
        key: event.message_id,
        id: event.message_id,
        sender: 'character',
        content: event.delta,
        createdAt: new Date().toISOString(),
        status: 'streaming',
        nextSeq: 1,
      },
    ]);
  }

  fail(clientMessageId: string, error: ErrorBody): void {
    const entry = this.byClientId(clientMessageId);
    if (entry && entry.status !== 'sent') this.replace(entry, { status: 'failed', error });
  }

  markPending(clientMessageId: string): ChatEntry | undefined {
    const entry = this.byClientId(clientMessageId);
    if (!entry || entry.status === 'sent') return undefined;
    return this.replace(entry, { status: 'pending', error: undefined });
  }

  byClientId(clientMessageId: string): ChatEntry | undefined {
    return this.entries.find((e) => e.clientMessageId === clientMessageId);
  }

  get pending(): ChatEntry[] {
    return this.entries.filter((e) => e.status === 'pending');
  }

  private replace(entry: ChatEntry, changes: Partial<ChatEntry>): ChatEntry {
    const next = { ...entry, ...changes };
    this.entries = this.entries.map((e) => (e === entry ? next : e));
    return next;
  }
}

function ordered(entries: ChatEntry[]): ChatEntry[] {
  const stored = entries.filter((e) => e.id).sort((a, b) => (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0));
  return [...stored, ...entries.filter((e) => !e.id)];
}
