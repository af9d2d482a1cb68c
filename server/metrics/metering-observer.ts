import { msSince, type ConversationObserver } from '../chat/observed-broadcaster.js';
import type { ServerMetrics } from './server-metrics.js';

/** Counts every message stored and each reply's life (first words, duration, outcome). */
export function meteringObserver(metrics: ServerMetrics): ConversationObserver {
  return {
    stored(message, reply) {
      metrics.messagesStored.inc({ sender: message.sender_type });
      if (!reply) return;
      metrics.replies.inc({ outcome: message.status ?? 'complete' });
      metrics.replyDuration.observe(msSince(reply.startedAt) / 1000);
    },
    firstWords: (_conversationId, ms) => metrics.firstToken.observe(ms / 1000),
    chunk: () => metrics.replyChunks.inc(),
  };
}
