import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../protocol/events.js';

export type TipsyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type TipsySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Rooms are named by conversation, so a broadcast reaches every process through the adapter. */
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
