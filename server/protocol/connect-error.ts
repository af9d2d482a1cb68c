import type { ErrorBody } from './errors.js';

/** Why the server refused a socket's handshake: Socket.IO hands it to the client's `connect_error` as `err.data`. */
export type ConnectErrorData = ErrorBody;

/** The error the server's connect middleware passes on (realtime/middleware.ts `refuse`). */
export interface ConnectError extends Error {
  data: ConnectErrorData;
}

/**
 * The server's reason in a client's `connect_error`, or undefined when there is none
 * (a transport failure, a proxy's answer): Socket.IO sets `data` only from the server's
 * refusal, which is a ConnectError. A pure function, no zod: the widget imports it.
 */
export function connectErrorData(error: Error): ConnectErrorData | undefined {
  const { data } = error as Partial<ConnectError>;
  return data?.code ? data : undefined;
}
