/**
 * A wait imposed by the server (RATE_LIMITED): ticks once a second so the view
 * can count down, then ends by itself.
 */
export class Cooldown {
  #until = 0;
  #ticker?: ReturnType<typeof setInterval>;
  #ender?: ReturnType<typeof setTimeout>;

  readonly #onTick: () => void;
  readonly #onEnd: () => void;

  constructor(onTick: () => void, onEnd: () => void) {
    this.#onTick = onTick;
    this.#onEnd = onEnd;
  }

  get active(): boolean {
    return this.#until > Date.now();
  }

  get secondsLeft(): number {
    return Math.max(0, Math.ceil((this.#until - Date.now()) / 1000));
  }

  /** Waits at least `ms` from now (a longer wait already running is kept). */
  start(ms: number): void {
    const until = Date.now() + ms;
    if (until <= this.#until) return;
    this.#until = until;
    clearTimeout(this.#ender);
    this.#ender = setTimeout(() => this.#finish(), ms);
    this.#ticker ??= setInterval(this.#onTick, 1000);
    this.#onTick();
  }

  cancel(): void {
    clearTimeout(this.#ender);
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.#until = 0;
  }

  #finish(): void {
    this.cancel();
    this.#onEnd();
  }
}
