import type { Connection } from './live-sync.js';

export type SessionStatus = 'idle' | 'starting' | 'ready' | 'failed';

export type StatusKey = 'offline' | 'connecting' | 'unavailable' | 'limited' | 'reconnecting' | 'typing' | 'online';

/**
 * The one status the header shows, by priority: unavailable > offline > reconnecting > limited >
 * typing > online (so "limited" never stands beside "cannot reach", nor "online" while down).
 * `offline`: the browser said so while the chat still accepts messages (refused for good, or held
 * by the session limit, outranks offline; anything still trying does not).
 */
export function statusKey(status: SessionStatus, connection: Connection, offline: boolean, typing: boolean): StatusKey {
  if (offline) return 'offline';
  if (status !== 'ready') return status === 'starting' ? 'connecting' : 'unavailable';
  if (connection === 'fallback') return 'limited';
  // Dropped, or refused for good (its error is shown): never online.
  return connection !== 'online' ? 'reconnecting' : typing ? 'typing' : 'online';
}
