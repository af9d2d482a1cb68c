import { CHAT_LOAD_FAILED } from '../error-words.js';

// Plain strings and DOM, not Lit: this ships to every page before the visitor acts.
const CHAT_ICON = `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>`;
const CLOSE_ICON = `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M18 6 6 18M6 6l12 12"/></svg>`;

export interface LauncherActions {
  toggle(): void;
  /** The visitor shows interest (hover, focus, touch): fetch the chat before the click. */
  prefetch(): void;
  retry(): void;
}

export interface LauncherState {
  /** Launcher mode: the bubble shows. */
  launcher: boolean;
  open: boolean;
  /** The chat is being fetched for an open panel. */
  loading: boolean;
  /** The chat could not be fetched, and the visitor is waiting for it. */
  failed: boolean;
}

/**
 * What `<tipsy-chat>` shows before the chat is loaded, and keeps showing: the
 * floating bubble, and the notice (with a retry) when the chat cannot be fetched.
 */
export class LauncherView {
  readonly #button = document.createElement('button');
  readonly #notice = document.createElement('div');
  #iconOpen?: boolean;

  readonly #root: ShadowRoot;

  constructor(root: ShadowRoot, actions: LauncherActions) {
    this.#root = root;
    const button = this.#button;
    const notice = this.#notice;
    button.className = 'launcher';
    button.type = 'button';
    button.setAttribute('part', 'launcher');
    button.addEventListener('click', actions.toggle);
    for (const type of ['pointerenter', 'focus', 'touchstart']) button.addEventListener(type, actions.prefetch, { passive: true });

    notice.className = 'notice';
    notice.setAttribute('part', 'error');
    notice.setAttribute('role', 'alert');
    notice.innerHTML = '<span></span><button type="button">Try again</button>';
    notice.firstChild!.textContent = CHAT_LOAD_FAILED;
    notice.lastChild!.addEventListener('click', actions.retry);
  }

  render({ launcher, open, loading, failed }: LauncherState): void {
    const root = this.#root;
    const button = this.#button;
    const notice = this.#notice;
    if (launcher) {
      if (open !== this.#iconOpen) button.innerHTML = open ? CLOSE_ICON : CHAT_ICON;
      this.#iconOpen = open;
      button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
      button.setAttribute('aria-expanded', String(open));
      button.setAttribute('aria-busy', String(loading));
      if (button.parentNode !== root) root.append(button);
    } else {
      button.remove();
    }
    // Where the panel would be: before the bubble, as the panel is.
    if (failed) root.insertBefore(notice, button.parentNode ? button : null);
    else notice.remove();
  }
}
