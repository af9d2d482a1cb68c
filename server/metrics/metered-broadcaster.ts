import type { ConversationBroadcaster } from '../chat/broadcaster.js';
import type { ServerMetrics } from './server-metrics.js';

/** Replies this process has started and not yet stored; more than this means something leaks, so the oldest go. */
const MAX_RUNNING = 100_000;

/**
 * Counts what the domain tells conversations: every message stored, and each reply's
 * life (typing → first words → stored). Seen here, the counts need no hook in the
 * chat code, and a process counts exactly the replies it runs.
 */
export function meteredBroadcaster(inner: ConversationBroadcaster, metrics: ServerMetrics): ConversationBroadcaster {
  /** When the reply running in each conversation started (ms, monotonic). */
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
      metrics.replyChunks.inc();
      const since = started.get(event.conversation_id);
      if (event.seq === 0 && since !== undefined) metrics.firstToken.observe((now() - since) / 1000);
      inner.stream(event);
    },
    message(message) {
      if (message.status !== 'streaming') metrics.messagesStored.inc({ sender: message.sender_type });
      const since = message.sender_type === 'character' && message.status !== 'streaming' ? started.get(message.conversation_id) : undefined;
      if (since !== undefined) {
        started.delete(message.conversation_id);
        metrics.replies.inc({ outcome: message.status ?? 'complete' });
        metrics.replyDuration.observe((now() - since) / 1000);
      }
      inner.message(message);
    },
  };
}
