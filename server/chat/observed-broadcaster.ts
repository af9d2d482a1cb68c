import type { Message } from '../protocol/message.js';
import type { ConversationBroadcaster } from './broadcaster.js';

/** What watchers (metrics, webhooks) learn of conversations, as the domain tells them. */
export interface ConversationObserver {
  /** A message was stored (never called for a reply still streaming); `reply` when it ends a reply this process ran. */
  stored?(message: Message, reply: { startedAt: number } | undefined): void;
  /** A reply's first words, `ms` after it started. */
  firstWords?(conversationId: string, ms: number): void;
  /** Any streamed chunk of a reply. */
  chunk?(): void;
}

/** Replies this process has started and not yet stored; more than this means something leaks, so the oldest go. */
const MAX_RUNNING = 100_000;

/**
 * The broadcaster, telling observers too. A reply's life is read from what it broadcasts:
 * it starts with the character typing, its first chunk is its first words, and the
 * character's message stored next in that conversation ends it. A greeting is a character
 * message no typing came before: not a reply. A process sees exactly the replies it runs.
 */
export function observedBroadcaster(inner: ConversationBroadcaster, observers: readonly ConversationObserver[]): ConversationBroadcaster {
  const started = new Map<string, number>();
  const now = () => performance.now();
  return {
    ...inner,
    typing(event) {
      if (event.sender_type === 'character' && event.typing) {
        if (started.size >= MAX_RUNNING) started.delete(started.keys().next().value!);
        started.set(event.conversation_id, now());
      }
      inner.typing(event);
    },
    stream(event) {
      inner.stream(event);
      const since = started.get(event.conversation_id);
      for (const observer of observers) {
        observer.chunk?.();
        if (event.seq === 0 && since !== undefined) observer.firstWords?.(event.conversation_id, now() - since);
      }
    },
    message(message) {
      inner.message(message);
      if (message.status === 'streaming') return;
      const startedAt = message.sender_type === 'character' ? started.get(message.conversation_id) : undefined;
      if (startedAt !== undefined) started.delete(message.conversation_id);
      const reply = startedAt === undefined ? undefined : { startedAt };
      for (const observer of observers) observer.stored?.(message, reply);
    },
  };
}

/** Milliseconds since a reply started (its `startedAt`). */
export const msSince = (startedAt: number) => performance.now() - startedAt;
