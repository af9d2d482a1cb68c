import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * What the chat needs of LitElement, for an element it does not own: Lit's
 * reactive controllers, and one update per microtask however many changes ask
 * for it. The element is `<tipsy-chat>`, defined by the light script before
 * the chat loads, so the chat renders with lit-html into its shadow root.
 */
export abstract class UpdateCycle implements ReactiveControllerHost {
  readonly #controllers = new Set<ReactiveController>();
  #pending?: Promise<boolean>;
  #isConnected = false;

  addController(controller: ReactiveController): void {
    this.#controllers.add(controller);
    if (this.#isConnected) controller.hostConnected?.();
  }

  removeController(controller: ReactiveController): void {
    this.#controllers.delete(controller);
  }

  requestUpdate(): void {
    this.#pending ??= Promise.resolve().then(() => {
      // Cleared first: a change made while updating asks for the next update.
      this.#pending = undefined;
      if (this.#isConnected) this.#performUpdate();
      return true;
    });
  }

  /** Resolves once the update asked for so far has rendered. */
  get updateComplete(): Promise<boolean> {
    return this.#pending ?? Promise.resolve(true);
  }

  connected(): void {
    this.#isConnected = true;
    this.#controllers.forEach((c) => c.hostConnected?.());
    this.requestUpdate();
  }

  disconnected(): void {
    this.#isConnected = false;
    this.#controllers.forEach((c) => c.hostDisconnected?.());
  }

  /** In LitElement's order: willUpdate, controllers, render, controllers, updated. */
  #performUpdate(): void {
    this.willUpdate();
    this.#controllers.forEach((c) => c.hostUpdate?.());
    this.render();
    this.#controllers.forEach((c) => c.hostUpdated?.());
    this.updated();
  }

  protected abstract willUpdate(): void;
  protected abstract render(): void;
  protected abstract updated(): void;
}
