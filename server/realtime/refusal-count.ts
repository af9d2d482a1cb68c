import type { ErrorCode } from '../protocol/errors.js';
import type { TipsySocket } from './types.js';

/** Told the stable code of every refusal a socket gets (for the metrics), and its site once it is known (each site's daily refusals). */
export type OnRefused = (code: ErrorCode, siteId?: string) => void;

type Next = (err?: Error) => void;
type ConnectMiddleware = (socket: TipsySocket, next: Next) => void;

const codeOf = (value: unknown): ErrorCode | undefined => (value as { error?: { code?: ErrorCode } } | undefined)?.error?.code;

/**
 * A socket middleware that runs first and wraps each event's ack: whatever later answers it
 * (the event rate, a handler), an `{ ok: false }` answer is counted by its code.
 */
export function countAckRefusals(onRefused: OnRefused) {
  return (packet: unknown[], next: Next): void => {
    const last = packet.length - 1;
    const ack = packet[last];
    if (typeof ack === 'function') {
      packet[last] = (result: unknown) => {
        const code = (result as { ok?: boolean })?.ok === false ? codeOf(result) : undefined;
        if (code) onRefused(code);
        (ack as (result: unknown) => void)(result);
      };
    }
    next();
  };
}

/** A connect middleware whose refusals (connect_error, ConnectErrorData) are counted by code. */
export function countConnectRefusals(middleware: ConnectMiddleware, onRefused: OnRefused): ConnectMiddleware {
  return (socket, next) =>
    middleware(socket, (err) => {
      const code = (err as { data?: { code?: ErrorCode } } | undefined)?.data?.code;
      if (code) onRefused(code, socket.data.siteId);
      next(err);
    });
}
