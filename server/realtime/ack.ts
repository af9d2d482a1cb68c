import { TipsyError } from '../errors.js';
import type { ErrorBody } from '../protocol/errors.js';
import type { Ack } from '../protocol/events.js';
import type { Log } from '../log.js';

export function toErrorBody(error: unknown, log: Log): ErrorBody {
  if (error instanceof TipsyError) return error.toBody();
  log.error({ err: error }, 'socket handler failed');
  return { code: 'INTERNAL', message: 'Something went wrong on our side.' };
}

/**
 * Runs a handler's work and answers its ack, if the client sent one. Nothing
 * thrown inside escapes into Socket.IO: every failure becomes a typed ack.
 */
export function answer<T extends object>(ack: unknown, log: Log, work: () => Promise<T>): void {
  const reply = typeof ack === 'function' ? (ack as (result: Ack<T>) => void) : undefined;
  work().then(
    (result) => reply?.({ ok: true, ...result }),
    (error: unknown) => reply?.({ ok: false, error: toErrorBody(error, log) }),
  );
}
