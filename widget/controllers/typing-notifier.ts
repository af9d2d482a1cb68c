const IDLE_MS = 3_000;

/** Says "typing" once when the visitor starts, and "stopped" after a pause or when they send. */
export class TypingNotifier {
  #timer?: ReturnType<typeof setTimeout>;

  readonly #tell: (typing: boolean) => void;

  constructor(tell: (typing: boolean) => void) {
    this.#tell = tell;
  }

  typed(): void {
    if (!this.#timer) this.#tell(true);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.stop(), IDLE_MS);
  }

  stop(): void {
    if (!this.#timer) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tell(false);
  }
}
