/**
 * What a benchmark started, stopped in reverse order however it ends: after
 * its last figure, on a thrown error, or on Ctrl-C / SIGTERM. Servers,
 * proxies, databases and Redis keys outlive a benchmark that forgets them.
 */
export class Teardown {
  private readonly steps: { what: string; step: () => unknown }[] = [];
  private running: Promise<void> | undefined;

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void this.run().finally(() => process.exit(130)));
    }
  }

  /** Adds a step; the last added runs first. */
  add(what: string, step: () => unknown): void {
    this.steps.push({ what, step });
  }

  /** Runs every step once, each even when one before it failed (said on stderr). */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const { what, step } of this.steps.reverse()) {
        try {
          await step();
        } catch (error) {
          console.error(`Could not ${what}:`, error);
        }
      }
    })();
    return this.running;
  }
}
