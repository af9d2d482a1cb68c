import { TipsyError } from '../../errors.js';

export interface Deadlines {
  /** How long the first words may take. */
  firstMs: number;
  /** How long the model may go quiet between words. */
  idleMs: number;
}

/**
 * Reads a responder's words, giving up (abort, then a typed error) when the
 * first words or the next ones are too long in coming: a model that hangs
 * never leaves a reply, or a typing indicator, stuck.
 */
export async function* withDeadlines(
  start: (signal: AbortSignal) => AsyncIterable<string>,
  deadlines: Deadlines,
  outer: AbortSignal,
): AsyncIterable<string> {
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer.reason);
  outer.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new TipsyError('UNAVAILABLE', `The character took too long ${what}.`)), ms);
  };
  // One promise for the whole read: it rejects when anything aborts it.
  const aborted = new Promise<never>((_, reject) => {
    if (controller.signal.aborted) reject(controller.signal.reason);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined); // observed through the race below
  if (outer.aborted) controller.abort(outer.reason);
  try {
    arm(deadlines.firstMs, 'to start answering');
    const iterator = start(controller.signal)[Symbol.asyncIterator]();
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      arm(deadlines.idleMs, 'to go on');
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onOuter);
    if (!controller.signal.aborted) controller.abort();
  }
}
