import type { TipsyServer } from './types.js';

/** The log lines a socket's life gives: who connected (ids, never the token) and why it went. */
export interface SocketLog {
  info(details: object, message: string): void;
}

/**
 * One line when a socket is accepted and one when it goes, each with the socket's id and the
 * visitor's and site's: enough to follow a visitor's connection, nothing they said.
 */
export function logSocketLifecycle(io: TipsyServer, log: SocketLog): void {
  io.on('connection', (socket) => {
    const { visitorId, siteId } = socket.data;
    const opened = Date.now();
    log.info({ socketId: socket.id, visitorId, siteId, transport: socket.conn.transport.name }, 'socket connected');
    socket.once('disconnect', (reason) => {
      log.info({ socketId: socket.id, visitorId, siteId, reason, connectedMs: Date.now() - opened }, 'socket disconnected');
    });
  });
}
