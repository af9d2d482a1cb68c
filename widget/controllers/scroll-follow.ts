import type { ReactiveController, ReactiveControllerHost } from 'lit';

const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 32;

/**
 * Keeps a scrolling log pinned to its newest line unless the reader has
 * scrolled up, keeps their place when older lines are added above, and asks
 * for older lines when they reach the top.
 */
export class ScrollFollowController implements ReactiveController {
  #following = true;
  #element?: HTMLElement;
  #heightBeforeUpdate = 0;
  #topBeforeUpdate = 0;

  readonly #onReachTop: () => void;

  constructor(host: ReactiveControllerHost, onReachTop: () => void) {
    this.#onReachTop = onReachTop;
    host.addController(this);
  }

  /** Call from `firstUpdated`/`updated` with the log element (it may be re-rendered). */
  observe(element: HTMLElement | null): void {
    if (!element || element === this.#element) return;
    this.#element = element;
    element.addEventListener('scroll', this.#onScroll, { passive: true });
    this.#following = true;
    element.scrollTop = element.scrollHeight;
  }

  hostUpdate(): void {
    if (!this.#element) return;
    this.#heightBeforeUpdate = this.#element.scrollHeight;
    this.#topBeforeUpdate = this.#element.scrollTop;
  }

  hostUpdated(): void {
    const el = this.#element;
    if (!el) return;
    if (this.#following) {
      el.scrollTop = el.scrollHeight;
    } else if (this.#topBeforeUpdate < NEAR_TOP_PX && el.scrollHeight > this.#heightBeforeUpdate) {
      // Older lines arrived above: keep the reader's line where it was.
      el.scrollTop = this.#topBeforeUpdate + (el.scrollHeight - this.#heightBeforeUpdate);
    }
  }

  hostDisconnected(): void {
    this.#element?.removeEventListener('scroll', this.#onScroll);
    this.#element = undefined;
  }

  readonly #onScroll = (): void => {
    const el = this.#element!;
    this.#following = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (el.scrollTop < NEAR_TOP_PX) this.#onReachTop();
  };
}
