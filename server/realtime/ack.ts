import { TipsyError } from '../errors.js';
import type { ErrorBody } from '../protocol/errors.js';
import type { Ack } from '../protocol/events.js';
import type { Log } from '../log.js';

export function toErrorBody(error: unknown, log: Log): ErrorBody {
  if (error instanceof TipsyError) return error.toBody();
  log.error({ err: error }, 'socket handler failed');
  return { code: 'INTERNAL', message: 'Something went wrong on our side.' };
}

export type AckFn = (result: Ack<object>) => void;

/**
 * A client event's arguments as sent: the ack, when there is one, is the last
 * (a client may send more arguments than the event takes), the payload the first.
 */
export function splitArguments(args: readonly unknown[]): { payload: unknown; ack: AckFn | undefined } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as AckFn) : undefined;
  return { payload: args.length > (ack ? 1 : 0) ? args[0] : undefined, ack };
}

/**
 * Runs a handler's work and answers its ack, if the client sent one. Nothing
 * thrown inside, synchronously or not, escapes into Socket.IO, where it would
 * end the process: every failure becomes a typed ack or a log line.
 */
export function answer<T extends object>(ack: AckFn | undefined, log: Log, work: () => Promise<T> | T): void {
  new Promise<T>((resolve) => resolve(work()))
    .then(
      (result) => ack?.({ ok: true, ...result }),
      (error: unknown) => ack?.({ ok: false, error: toErrorBody(error, log) }),
    )
    .catch((error: unknown) => log.error({ err: error }, 'answering a socket event failed'));
}
