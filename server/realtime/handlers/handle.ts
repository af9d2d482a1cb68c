import type { Log } from '../../log.js';
import type { ClientToServerEvents } from '../../protocol/events.js';
import { answer, splitArguments } from '../ack.js';
import type { TipsySocket } from '../types.js';

/**
 * The one way a client event gets a handler: the work receives the payload
 * (unparsed: it parses it with the shared schema) and whatever it returns or
 * throws answers the ack, if any. A handler cannot throw into Socket.IO,
 * whatever the client sends, with or without an ack, with any number of arguments.
 */
export function handle(
  socket: TipsySocket,
  log: Log,
  event: keyof ClientToServerEvents,
  work: (payload: unknown) => Promise<object> | object,
): void {
  socket.on(event, (...args: unknown[]) => {
    const { payload, ack } = splitArguments(args);
    answer(ack, log, () => work(payload));
  });
}
