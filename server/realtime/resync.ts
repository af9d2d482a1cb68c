import { conversationRoom, type TipsyServer } from './types.js';

/** How often a slice of sockets is sent off while a resync is spread out. */
const SLICE_MS = 100;

export interface Resync {
  /** How many sockets are being sent to catch up. */
  count: number;
  /** Stops sending the rest (at shutdown). */
  stop(): void;
}

/**
 * After Redis was away, this process's sockets may have missed what other processes
 * broadcast meanwhile: pub/sub keeps nothing for a subscriber that was gone. The widget
 * fetches history after the last `seq` it holds each time it joins a conversation, and
 * rejoins at once when the server disconnects it (as at shutdown). So the sockets sitting
 * in a conversation (or, given `rooms`, in one of those) are disconnected, a slice at a time
 * over `spreadMs`, so that their reconnects and history reads do not all land in the same instant.
 */
export function resyncConversationSockets(io: TipsyServer, spreadMs: number, rooms?: readonly string[]): Resync {
  const roomPrefix = conversationRoom('');
  const wanted = rooms ? new Set(rooms) : undefined;
  const inScope = (room: string) => (wanted ? wanted.has(room) : room.startsWith(roomPrefix));
  const pending = [...io.of('/').sockets.values()].filter((socket) => [...socket.rooms].some(inScope));
  const count = pending.length;
  const perSlice = Math.max(1, Math.ceil(count / Math.max(1, Math.floor(spreadMs / SLICE_MS))));
  const sendSlice = () => {
    for (const socket of pending.splice(0, perSlice)) if (socket.connected) socket.disconnect(true);
    if (pending.length === 0) clearInterval(timer);
  };
  const timer = setInterval(sendSlice, SLICE_MS).unref();
  if (count > 0) sendSlice();
  else clearInterval(timer);
  return { count, stop: () => clearInterval(timer) };
}
