import type { Server } from 'node:net';
import type { Log } from '../log.js';
import type { TrustProxy } from './client-address.js';

export interface ConnectionCapOptions {
  /** Open TCP connections one peer address may hold. */
  maxPerAddress: number;
  /** A peer this trusts is a proxy carrying many clients: it is not counted (it must cap them itself). */
  trust: TrustProxy;
  log: Log;
}

/**
 * Caps the TCP connections one address holds open at once, so one client
 * cannot take every file descriptor. Counted on the TCP peer, before any
 * byte is read: a connection past the cap is closed at once, which costs
 * nothing, and the address may open another when one of its own closes.
 */
export function capConnectionsPerAddress(server: Server, { maxPerAddress, trust, log }: ConnectionCapOptions): void {
  const open = new Map<string, number>();
  // Addresses already reported as at the cap: one warning each until they fall below it.
  const reported = new Set<string>();

  server.on('connection', (socket) => {
    const address = socket.remoteAddress;
    if (!address || trust(address, 0)) return; // gone already, or a trusted proxy
    const count = open.get(address) ?? 0;
    if (count >= maxPerAddress) {
      if (!reported.has(address)) {
        reported.add(address);
        log.warn({ ip: address, open: count }, 'refusing connections past the per-address cap');
      }
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
      if (left < maxPerAddress) reported.delete(address);
    });
  });
}
