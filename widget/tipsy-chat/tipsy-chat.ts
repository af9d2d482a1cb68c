import { adoptStyles } from '../adopt-styles.js';
import { CHAT_LOAD_FAILED } from '../error-words.js';
import { TipsyCloseEvent, TipsyErrorEvent, TipsyOpenEvent } from '../events.js';
import { ChatModuleLoader, type AttachedChat, type ImportChat } from './chat-module.js';
import { LauncherView } from './launcher.js';
import { launcherStyles } from './launcher.styles.js';
import { adoptEarlyProperties, defineStringProperties, OBSERVED_ATTRIBUTES } from './properties.js';

export type ChatMode = 'launcher' | 'inline';
export type ChatTheme = 'auto' | 'light' | 'dark';

let chatModule: ChatModuleLoader | undefined;

/**
 * `<tipsy-chat>`: a live chat with an AI character, embeddable on any page.
 *
 * The element itself is light: it shows the launcher's bubble and fetches the
 * chat (the panel, the session, the connection) when the visitor shows
 * interest, or at once when inline or open. Until then the page downloads
 * nothing more.
 *
 * @attr site-key - the site's publishable key (`pk_…`)
 * @attr character - the character's slug (default: the site's first)
 * @attr server - the chat server's origin (default: where this script came from)
 * @attr mode - `launcher` (floating bubble, default) or `inline` (fills its container)
 * @attr open - whether the launcher's panel is open
 * @attr theme - `auto` (default), `light` or `dark`
 * @attr placeholder - the composer's placeholder
 * @attr user-id - the host site's signed-in user (with user-hash)
 * @attr user-hash - hex HMAC-SHA256 of user-id under the site's identity secret, computed by the host's server
 * @attr user-name - the signed-in user's display name
 * @attr character-name - defines the character on the page (the site must allow it), with
 *   character-avatar, character-greeting and character-persona
 *
 * @csspart launcher, panel, header, log, message, message-user, message-character, greeting, typing, input, send, stop, error
 * @fires tipsy-ready | tipsy-open | tipsy-close | tipsy-message | tipsy-error
 */
export class TipsyChat extends HTMLElement {
  // A getter, not a static field: with useDefineForClassFields off, a static field is built as a static
  // block, which Safari before 16.4 cannot parse (test/build/browser-baseline.test.ts).
  static get observedAttributes(): string[] {
    return OBSERVED_ATTRIBUTES;
  }

  // Accessors over the attributes, defined by defineStringProperties below.
  declare siteKey: string;
  declare character?: string;
  declare server?: string;
  declare mode: ChatMode;
  declare theme: ChatTheme;
  declare placeholder: string;
  declare userId?: string;
  declare userHash?: string;
  declare userName?: string;
  declare characterName?: string;
  declare characterAvatar?: string;
  declare characterGreeting?: string;
  declare characterPersona?: string;

  readonly #launcher: LauncherView;
  #chat?: AttachedChat;
  #loading?: Promise<AttachedChat | undefined>;
  #loadFailed = false;
  /** Set at the first connection: attributes the element was created with are not changes to announce. */
  #started = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    adoptStyles(root, launcherStyles);
    this.#launcher = new LauncherView(root, {
      toggle: () => (this.isOpen = !this.isOpen),
      prefetch: () => void this.#loadChat(),
      retry: () => {
        this.#loadFailed = false;
        this.#refresh();
      },
    });
  }

  /** Mirrors the `open` attribute (the methods `open()` and `close()` take the plain name). */
  get isOpen(): boolean {
    return this.hasAttribute('open');
  }

  set isOpen(value: boolean) {
    this.toggleAttribute('open', !!value);
  }

  /** Opens the panel (launcher mode) and starts the session. */
  open(): void {
    this.isOpen = true;
  }

  /** Closes the panel (launcher mode). */
  close(): void {
    this.isOpen = false;
  }

  /** Sends a message as if the visitor typed it; resolves false when the chat is not ready. */
  async send(text: string): Promise<boolean> {
    if (!this.siteKey) return false;
    if (!this.#active) this.open();
    const chat = await this.#loadChat();
    return chat ? chat.send(text) : false;
  }

  connectedCallback(): void {
    if (!this.#started) adoptEarlyProperties(this);
    this.#started = true;
    this.#chat?.connected();
    this.#refresh();
  }

  disconnectedCallback(): void {
    this.#chat?.disconnected();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'open' && (old === null) !== (value === null)) {
      if (this.#started) this.dispatchEvent(value === null ? new TipsyCloseEvent() : new TipsyOpenEvent());
      // Opening again after a failed fetch is a retry.
      if (value !== null) this.#loadFailed = false;
    }
    this.#refresh();
    this.#chat?.update();
  }

  /** The panel shows (and the session runs) when inline, or when the launcher is open. */
  get #active(): boolean {
    return this.mode === 'inline' || this.isOpen;
  }

  #refresh(): void {
    // After a failed fetch, only the visitor's retry (or reopening) fetches again, never a loop.
    if (this.#active && this.isConnected && !this.#loadFailed) void this.#loadChat();
    const waiting = this.#active && !this.#chat;
    this.#launcher.render({
      launcher: this.mode !== 'inline',
      open: this.isOpen,
      loading: waiting && !this.#loadFailed,
      failed: waiting && this.#loadFailed,
    });
  }

  /** Fetches the chat (once per page) and attaches it; resolves undefined when it could not be fetched. */
  #loadChat(): Promise<AttachedChat | undefined> {
    if (this.#chat) return Promise.resolve(this.#chat);
    this.#loading ??= chatModule!.load(this).then(
      (module) => {
        this.#chat = module.attachChat(this);
        this.#loadFailed = false;
        if (this.isConnected) this.#chat.connected();
        this.#refresh();
        return this.#chat;
      },
      () => {
        this.#loading = undefined;
        // A prefetch that failed stays quiet: the visitor is told when they open the chat.
        if (this.#active) {
          this.#loadFailed = true;
          this.#refresh();
          this.dispatchEvent(new TipsyErrorEvent({ code: 'UNAVAILABLE', message: CHAT_LOAD_FAILED }));
        }
        return undefined;
      },
    );
    return this.#loading;
  }
}

defineStringProperties(TipsyChat);

/** Defines `<tipsy-chat>`, which fetches the chat through `importChat` when it is needed. */
export function defineTipsyChat(importChat: ImportChat): void {
  // The classic script and the module may both end up on one page: define once.
  if (customElements.get('tipsy-chat')) return;
  chatModule = new ChatModuleLoader(importChat);
  customElements.define('tipsy-chat', TipsyChat);
}

declare global {
  interface HTMLElementTagNameMap {
    'tipsy-chat': TipsyChat;
  }
}
