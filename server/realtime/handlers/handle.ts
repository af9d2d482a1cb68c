import type { z } from 'zod';
import { parseInput } from '../../chat/inputs.js';
import type { Log } from '../../log.js';
import type { ClientToServerEvents } from '../../protocol/events.js';
import { CLIENT_PAYLOADS } from '../../protocol/payloads.js';
import { answer, splitArguments } from '../ack.js';
import type { TipsySocket } from '../types.js';

type ClientEvent = keyof ClientToServerEvents;

/** An event's payload once parsed with its schema from the contract. */
export type ParsedPayload<E extends ClientEvent> = z.output<(typeof CLIENT_PAYLOADS)[E]>;

/** Every event's schema, seen per event (so a handler's payload type follows its event name). */
const SCHEMAS: { [E in ClientEvent]: z.ZodType<ParsedPayload<E>> } = CLIENT_PAYLOADS;

/**
 * What a handler returns: its ack's success, less `ok`, as the contract types it.
 * An event the contract gives no ack (`typing`) answers `{}` to a client that sends one anyway.
 */
export type AckAnswer<E extends ClientEvent> =
  Parameters<ClientToServerEvents[E]>[1] extends (result: infer Result) => void ? Omit<Extract<Result, { ok: true }>, 'ok'> : Record<string, never>;

/**
 * The one way a client event gets a handler: the payload is parsed with the
 * event's schema from the contract (a bad one answers INVALID_INPUT), and
 * whatever the work returns or throws answers the ack, if any. A handler cannot
 * throw into Socket.IO, whatever the client sends, with or without an ack,
 * with any number of arguments.
 */
export function handle<E extends ClientEvent>(
  socket: TipsySocket,
  log: Log,
  event: E,
  work: (payload: ParsedPayload<E>) => Promise<AckAnswer<E>> | AckAnswer<E>,
): void {
  const schema = SCHEMAS[event];
  const name: ClientEvent = event; // Socket.IO's listener types do not follow a generic event name
  socket.on(name, (...args: unknown[]) => {
    const { payload, ack } = splitArguments(args);
    answer(ack, log, () => work(parseInput(schema, payload)));
  });
}
