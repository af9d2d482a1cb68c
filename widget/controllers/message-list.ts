import type { ErrorBody } from '../../server/protocol/errors.js';
import type { MessageStreamEvent } from '../../server/protocol/events.js';
import type { Message, SenderType, Swipe } from '../../server/protocol/message.js';

/** `stopped`: a reply the visitor stopped here (the server stores it complete, as far as it got). */
export type EntryStatus = 'sent' | 'pending' | 'failed' | 'streaming' | 'interrupted' | 'stopped';

/** One line of the conversation as the visitor sees it. */
export interface ChatEntry {
  /** Stable across pending → sent, for keyed rendering. */
  key: string;
  id?: string;
  /** The server's order; absent while unsent. */
  seq?: number;
  clientMessageId?: string;
  sender: SenderType;
  content: string;
  createdAt: string;
  status: EntryStatus;
  error?: ErrorBody;
  /** While streaming: the next chunk expected (chunks before it are in `content`). */
  nextSeq?: number;
  /** Which of the message's versions this is, when it has more than one. */
  swipe?: Swipe;
  /** A person's message (sender `agent`): their name. */
  name?: string;
}

/**
 * The conversation's entries, merged from history pages, acks, broadcasts and
 * streams, without duplicates: stored messages in `seq` order, unsent ones
 * after them in the order they were typed. A stream resumes where the entry
 * stands; a chunk already held, or one out of order, is ignored. A message
 * that changed (a new or another version) comes back with its id at a later
 * seq: it replaces the entry, older copies of it are ignored.
 */
export class MessageList {
  entries: ChatEntry[] = [];
  /** Replies the visitor stopped while they streamed: they end as `stopped` rather than `sent`. */
  readonly #stopped = new Set<string | undefined>();
  /** Every seq up to this one is known: history pages hold all that is stored in their range, the gaps a change left included. */
  #heard = 0;

  clear(): void {
    this.entries = [];
    this.#heard = 0;
  }

  /** History delivered everything stored up to `seq`: a seq missing below it is a gap, not a hole to fetch. */
  heard(seq: number): void {
    if (seq > this.#heard) this.#heard = seq;
  }

  /** Takes an unsent message out of view (it belongs to another conversation). */
  drop(clientMessageId: string): void {
    this.entries = this.entries.filter((e) => e.seq !== undefined || e.clientMessageId !== clientMessageId);
  }

  /** The visitor pressed Stop: the replies streaming now end marked as stopped. */
  stopStreaming(): void {
    for (const e of this.entries) if (e.status === 'streaming') this.#stopped.add(e.id);
  }

  addPending(clientMessageId: string, content: string, createdAt = new Date().toISOString()): ChatEntry {
    const entry: ChatEntry = { key: clientMessageId, clientMessageId, sender: 'user', content, createdAt, status: 'pending' };
    this.entries = ordered([...this.entries, entry]);
    return entry;
  }

  /** A stored message from any source; returns true when it newly became complete here. */
  confirm(message: Message): boolean {
    const existing = this.entries.find(
      (e) => e.id === message.id || (!!message.client_message_id && e.clientMessageId === message.client_message_id),
    );
    // An older copy than the one held: nothing new (a later seq is a new version, or another one chosen).
    if (existing?.seq !== undefined && message.seq < existing.seq) return false;
    const changed = existing?.seq !== undefined && message.seq > existing.seq;
    if (changed) this.#stopped.delete(message.id);
    if (!changed && existing && existing.id !== undefined && existing.status !== 'streaming' && existing.status !== 'pending') return false;
    if (message.status === 'streaming') {
      // A reply still being written: keep whichever of ours and the server's holds more.
      const chunks = message.chunks ?? 0;
      if (!changed && existing && (existing.nextSeq ?? 0) >= chunks) return false;
      this.#upsert(existing, { ...fromMessage(message, existing), status: 'streaming', nextSeq: chunks });
      return false;
    }
    const ended = this.#stopped.has(message.id) ? 'stopped' : 'sent';
    const status = message.status === 'interrupted' ? 'interrupted' : message.status === 'failed' ? 'failed' : ended;
    this.#upsert(existing, { ...fromMessage(message, existing), status });
    return true;
  }

  /**
   * A chunk of a streaming reply, applied only if it is the next one this entry needs. A stream
   * starting (chunk 0) at a later seq than the entry's is a new version: its text starts over.
   */
  stream(event: MessageStreamEvent): void {
    const existing = this.entries.find((e) => e.id === event.message_id);
    const restart = !event.seq && existing?.seq !== undefined && event.message_seq > existing.seq;
    if (restart) this.#stopped.delete(event.message_id);
    else if (existing && (existing.status !== 'streaming' || (existing.nextSeq ?? 0) !== event.seq)) return;
    else if (!existing && event.seq) return;
    this.#upsert(existing, {
      ...existing,
      key: existing?.key ?? event.message_id,
      id: event.message_id,
      seq: event.message_seq,
      sender: 'character',
      content: (restart ? '' : (existing?.content ?? '')) + event.delta,
      createdAt: existing?.createdAt ?? new Date().toISOString(),
      status: 'streaming',
      nextSeq: event.seq + 1,
    });
  }

  fail(clientMessageId: string, error: ErrorBody): void {
    const entry = this.byClientId(clientMessageId);
    if (entry && entry.status === 'pending') this.#upsert(entry, { ...entry, status: 'failed', error });
  }

  markPending(clientMessageId: string): ChatEntry | undefined {
    const entry = this.byClientId(clientMessageId);
    if (!entry || entry.status !== 'failed') return undefined;
    const next = { ...entry, status: 'pending' as const, error: undefined };
    this.#upsert(entry, next);
    return next;
  }

  byClientId(clientMessageId: string): ChatEntry | undefined {
    return this.entries.find((e) => e.clientMessageId === clientMessageId);
  }

  get streaming(): boolean {
    return this.entries.some((e) => e.status === 'streaming');
  }

  /**
   * Where catch-up must start: before the first reply still streaming here, else after
   * the unbroken run of stored messages held (live messages can arrive past a hole,
   * while the connection was cut off from the other processes: the hole is fetched too).
   * Seqs history showed empty (a changed message moved on from them) are no hole.
   */
  get catchUpCursor(): number {
    let cursor: number | undefined;
    // Entries are in seq order (see ordered()).
    for (const { seq, status } of this.entries) {
      if (seq === undefined) continue;
      cursor ??= seq - 1;
      if (status === 'streaming' || (seq > cursor + 1 && seq > this.#heard + 1)) break;
      cursor = seq;
    }
    return cursor ?? 0;
  }

  #upsert(existing: ChatEntry | undefined, next: ChatEntry): void {
    const rest = existing ? this.entries.filter((e) => e !== existing) : this.entries;
    this.entries = ordered([...rest, next]);
  }
}

function fromMessage(message: Message, existing: ChatEntry | undefined): ChatEntry {
  return {
    key: existing?.key ?? message.id,
    id: message.id,
    seq: message.seq,
    clientMessageId: message.client_message_id,
    sender: message.sender_type,
    content: message.content,
    createdAt: message.created_at,
    status: 'sent',
    swipe: message.swipe,
    name: message.sender_name,
  };
}

function ordered(entries: ChatEntry[]): ChatEntry[] {
  const stored = entries.filter((e) => e.seq !== undefined).sort((a, b) => a.seq! - b.seq!);
  return [...stored, ...entries.filter((e) => e.seq === undefined)];
}
