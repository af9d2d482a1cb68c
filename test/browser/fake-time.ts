/**
 * Fake time for the widget's unit tests, without a library: until `restore()`, `Date.now` and the
 * page's timer functions belong to the test. Timers run only when the test advances the clock, in
 * the order they fall due; the promise callbacks each one starts settle before the next runs.
 */
export interface FakeTime {
  now(): number;
  /** Moves the clock `ms` forward, running every timer due on the way. */
  advance(ms: number): Promise<void>;
  /** Lets promise callbacks settle without moving the clock. */
  settle(): Promise<void>;
  /** Timers waiting to run (intervals count once). */
  readonly pending: number;
  restore(): void;
}

interface Timer {
  due: number;
  /** Only for intervals. */
  every?: number;
  run: () => void;
}

const real = {
  now: Date.now,
  setTimeout: window.setTimeout,
  clearTimeout: window.clearTimeout,
  setInterval: window.setInterval,
  clearInterval: window.clearInterval,
};

/** Waits for a task the fake cannot hold back (a message event), so every microtask before it has run. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(undefined);
  });
}

export function installFakeTime(start = Date.UTC(2026, 0, 1)): FakeTime {
  let now = start;
  let lastId = 0;
  const timers = new Map<number, Timer>();

  const schedule = (run: () => void, ms = 0, every?: number) => {
    timers.set(++lastId, { due: now + Math.max(0, ms), every, run });
    return lastId;
  };
  const cancel = (id?: number) => void timers.delete(id ?? -1);
  // Object.assign rather than assignment: the page's own signatures also take string handlers and extra
  // arguments, which no widget code uses.
  Object.assign(window, {
    setTimeout: (run: () => void, ms?: number) => schedule(run, ms),
    setInterval: (run: () => void, ms = 0) => schedule(run, ms, Math.max(1, ms)),
    clearTimeout: cancel,
    clearInterval: cancel,
  });
  Date.now = () => now;

  const nextDue = (until: number): [number, Timer] | undefined => {
    let found: [number, Timer] | undefined;
    for (const entry of timers) {
      // Map order is the order timers were set: among timers due at once, the first set runs first.
      if (entry[1].due <= until && (!found || entry[1].due < found[1].due)) found = entry;
    }
    return found;
  };

  return {
    now: () => now,
    async advance(ms) {
      const until = now + ms;
      await nextTask();
      for (let next = nextDue(until); next; next = nextDue(until)) {
        const [id, timer] = next;
        now = timer.due;
        if (timer.every) timer.due += timer.every;
        else timers.delete(id);
        timer.run();
        await nextTask();
      }
      now = until;
    },
    settle: nextTask,
    get pending() {
      return timers.size;
    },
    restore() {
      timers.clear();
      Object.assign(window, {
        setTimeout: real.setTimeout,
        clearTimeout: real.clearTimeout,
        setInterval: real.setInterval,
        clearInterval: real.clearInterval,
      });
      Date.now = real.now;
    },
  };
}
