import { adoptStyles } from '../adopt-styles.js';
import { TipsyCloseEvent, TipsyErrorEvent, TipsyOpenEvent, TipsyUnreadEvent, type TipsyMessageEvent } from '../events.js';
import { ElementLocale, type LocaleState } from '../i18n/element-locale.js';
import { launcherEn } from '../i18n/strings.js';
import { retryImportLater } from '../transport/retry-import.js';
import { ChatModuleLoader, type AttachedChat, type ImportChat } from './chat-module.js';
import { chime, LauncherView } from './launcher.js';
import { launcherStyles } from './launcher.styles.js';
import { isLauncher, isPanelActive } from './panel-state.js';
import { adoptEarlyProperties, defineStringProperties, OBSERVED_ATTRIBUTES, type ChatMode, type ChatTheme } from './properties.js';
import { restack } from './launcher-stack.js';

export type { ChatMode, ChatTheme };

let chatModule: ChatModuleLoader | undefined;

// One tag per line: the build turns them into dist/custom-elements.json, and
// test/build/custom-elements-manifest.test.ts wants one for every attribute, part, event
// and custom property the element has.
/**
 * `<tipsy-chat>`: a live chat with an AI character, embeddable on any page.
 *
 * The element itself is light: it shows the launcher's bubble and fetches the
 * chat (the panel, the session, the connection) when the visitor shows
 * interest, or at once when inline or open. Until then the page downloads
 * nothing more.
 *
 * @attr {string} site-key - the site's publishable key (`pk_…`)
 * @attr {string} character - the character's slug (default: the site's first)
 * @attr {string} server - the chat server's origin (default: where this script came from)
 * @attr {'launcher' | 'inline'} mode - `launcher` (floating bubble, the default) or `inline` (fills its container)
 * @attr {boolean} open - whether the launcher's panel is open
 * @attr {'auto' | 'light' | 'dark'} theme - `auto` (the system's, the default), `light` or `dark`
 * @attr {string} placeholder - the composer's placeholder (default: the language's)
 * @attr {string} lang - the widget's language (`es`, `pt-BR`…; default: the closest ancestor's, the page's, else the browser's): en, es, fr, de, pt, ja, ar or he, else English
 * @attr {string} strings - JSON of words to use instead of the language's, by key (`{"placeholder": "Ask Marlowe…"}`; docs/embedding.md)
 * @attr {string} user-id - the host site's signed-in user (with user-hash)
 * @attr {string} user-hash - hex HMAC-SHA256 of user-id under the site's identity secret, computed by the host's server
 * @attr {string} user-name - the signed-in user's display name
 * @attr {string} character-name - defines the character on the page (the site must allow it)
 * @attr {string} character-avatar - the page character's avatar, an http(s) URL (with character-name)
 * @attr {string} character-greeting - the page character's opening line (with character-name)
 * @attr {string} character-persona - how the page character speaks and behaves (with character-name)
 * @attr {boolean} sound - a soft chime when a reply arrives while the panel is closed (once the visitor has used the page)
 *
 * @fires {TipsyReadyEvent} tipsy-ready - the session started and history is shown: `{ conversationId, character }`
 * @fires {TipsyOpenEvent} tipsy-open - the launcher's panel opened
 * @fires {TipsyCloseEvent} tipsy-close - the launcher's panel closed
 * @fires {TipsyMessageEvent} tipsy-message - a message was stored, the visitor's or the character's: `{ message }`
 * @fires {TipsyErrorEvent} tipsy-error - something failed: `{ code, message }`, the codes of docs/protocol.md
 * @fires {TipsyUnreadEvent} tipsy-unread - the count of replies that arrived while the panel was closed changed: `{ count }` (0 when opened)
 * @fires {TipsyConversationEvent} tipsy-conversation - the visitor moved to another conversation with the character, a new one, an earlier one reopened, or the one shown after theirs was deleted: `{ conversationId }`
 *
 * @csspart launcher - the floating bubble that opens and closes the panel (launcher mode)
 * @csspart badge - the bubble's count of unread replies
 * @csspart panel - the chat panel
 * @csspart header - the panel's header: the character's avatar, name and presence
 * @csspart log - the scrolling list of messages
 * @csspart message - every message
 * @csspart message-user - a message the visitor wrote
 * @csspart message-character - a message from the character
 * @csspart message-agent - a message from a person answering in the character's place (live takeover)
 * @csspart agent-name - that person's name, inside their message
 * @csspart message-pending - a visitor's message not stored yet
 * @csspart message-failed - a message that could not be sent, or a reply the character could not give
 * @csspart message-interrupted - a reply cut short
 * @csspart greeting - the character's opening line
 * @csspart typing - the character's typing indicator
 * @csspart input - the composer's text area
 * @csspart send - the send button
 * @csspart stop - the button that stops the character's reply, shown instead of send while it answers
 * @csspart error - the panel's error notice, and the notice shown when the chat could not be fetched
 * @csspart code-block - a code block in a character's message (it scrolls sideways)
 * @csspart copy-button - the button that copies a code block's text
 * @csspart new-chat - the header's button that starts a new conversation (absent where the site does not allow it)
 * @csspart chats-button - the header's button that shows and hides the list of the visitor's conversations
 * @csspart conversations - the list of the visitor's conversations with the character, shown in place of the messages
 * @csspart conversation - one conversation in that list (its last message and when it was written)
 * @csspart delete-chat - the header's button that erases the conversation shown, once the visitor confirms (always offered)
 * @csspart delete-question - the question asked before a conversation is erased, with its two buttons
 * @csspart delete-confirm - the button that erases the conversation for good
 * @csspart delete-cancel - the button that keeps it
 * @csspart versions - the controls under the last message: its versions and Regenerate
 * @csspart version-previous - the button that shows the last message's previous version
 * @csspart version-next - the button that shows the last message's next version
 * @csspart regenerate - the button that has the character write its last reply again
 *
 * @cssprop [--tipsy-accent=#c2410c] - the accent: the bubble, the visitor's messages, focus rings (else the character's own accent)
 * @cssprop [--tipsy-accent-contrast=#fff] - text on the accent
 * @cssprop --tipsy-font - the font family (default: the system's UI font)
 * @cssprop [--tipsy-font-size=15px] - the base font size
 * @cssprop [--tipsy-background=#fff] - the panel's background (dark theme: #1c1917)
 * @cssprop [--tipsy-foreground=#1c1917] - the text colour (dark theme: #f5f5f4)
 * @cssprop [--tipsy-surface=#f5f5f4] - the character's bubbles and typing indicator (dark theme: #292524)
 * @cssprop [--tipsy-muted=#78716c] - quieter text and the typing dots (dark theme: #a8a29e)
 * @cssprop [--tipsy-border=#e7e5e4] - borders (dark theme: #44403c)
 * @cssprop [--tipsy-danger=#b91c1c] - errors and failed messages (dark theme: #f87171)
 * @cssprop [--tipsy-radius=16px] - the panel's corner radius
 * @cssprop --tipsy-user-bubble - the visitor's bubbles (default: the accent)
 * @cssprop --tipsy-user-bubble-text - text in the visitor's bubbles (default: the accent's contrast)
 * @cssprop --tipsy-character-bubble - the character's bubbles (default: the surface)
 * @cssprop [--tipsy-panel-width=380px] - the launcher's panel width
 * @cssprop [--tipsy-panel-height=580px] - the launcher's panel height
 * @cssprop [--tipsy-z-index=2147483000] - the bubble's and the launcher's panel's stacking order
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
  declare lang: string;
  declare strings?: string;
  declare userId?: string;
  declare userHash?: string;
  declare userName?: string;
  declare characterName?: string;
  declare characterAvatar?: string;
  declare characterGreeting?: string;
  declare characterPersona?: string;

  readonly #launcher: LauncherView;
  readonly #locale = new ElementLocale(this, () => {
    this.#refresh();
    this.#chat?.update();
  });
  #chat?: AttachedChat;
  #loading?: Promise<AttachedChat | undefined>;
  #loadFailed = false;
  #loadFailures = 0;
  /** Stops the pending retry of a chat module that failed to download. */
  #cancelRetry?: () => void;
  /** Set at the first connection: attributes the element was created with are not changes to announce. */
  #started = false;
  /** The character's replies that arrived live while the panel was closed. */
  #unread = 0;

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
    // The chat announces each message stored live (never history) on this element.
    this.addEventListener('tipsy-message', (event: TipsyMessageEvent) => {
      if (isPanelActive(this) || event.detail.message.sender_type === 'user') return;
      if (this.hasAttribute('sound')) chime();
      this.#setUnread(this.#unread + 1);
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
    if (!isPanelActive(this)) this.open();
    const chat = await this.#loadChat();
    return chat ? chat.send(text) : false;
  }

  /**
   * @internal What the widget speaks now: the locale, its direction and its words, for the chat module.
   */
  get i18n(): LocaleState {
    return this.#locale.state;
  }

  connectedCallback(): void {
    if (!this.#started) adoptEarlyProperties(this);
    this.#started = true;
    // Resolved again: moved, it may now sit under another `lang`.
    this.#locale.refresh();
    this.#chat?.connected();
    this.#refresh();
  }

  disconnectedCallback(): void {
    this.#chat?.disconnected();
    this.#cancelRetry?.();
    restack();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'open' && (old === null) !== (value === null)) {
      if (this.#started) this.dispatchEvent(value === null ? new TipsyCloseEvent() : new TipsyOpenEvent());
      // Opening again after a failed fetch is a retry.
      if (value !== null) this.#loadFailed = false;
    }
    // Shown (opened, or made inline), the replies are read.
    if (this.#unread && isPanelActive(this)) this.#setUnread(0);
    // Attributes set before the element is in the page are read when it connects.
    if (this.isConnected) this.#locale.refresh();
    this.#refresh();
    this.#chat?.update();
  }

  #setUnread(count: number): void {
    this.#unread = count;
    this.dispatchEvent(new TipsyUnreadEvent({ count }));
    this.#refresh();
  }

  #refresh(): void {
    restack();
    // After a failed fetch, only the visitor's retry (or reopening) fetches again, never a loop.
    const active = isPanelActive(this);
    if (active && this.isConnected && !this.#loadFailed) void this.#loadChat();
    const waiting = active && !this.#chat;
    const { strings, rtl } = this.#locale.state;
    this.#launcher.render({
      words: strings,
      rtl,
      launcher: isLauncher(this),
      open: this.isOpen,
      unread: this.#unread,
      loading: waiting && !this.#loadFailed,
      failed: waiting && this.#loadFailed,
    });
  }

  /** Fetches the chat (once per page) and attaches it; resolves undefined when it could not be fetched. */
  #loadChat(): Promise<AttachedChat | undefined> {
    if (this.#chat) return Promise.resolve(this.#chat);
    // The chat waits for its words too, so it opens in the page's language (the locale's table
    // is small, and usually fetched already: the launcher needs it).
    this.#loading ??= Promise.all([chatModule!.load(this), this.#locale.ready]).then(
      ([module]) => {
        this.#chat = module.attachChat(this);
        this.#loadFailed = false;
        if (this.isConnected) this.#chat.connected();
        this.#refresh();
        return this.#chat;
      },
      () => {
        this.#loading = undefined;
        // A prefetch that failed stays quiet: the visitor is told when they open the chat.
        if (isPanelActive(this)) {
          this.#loadFailed = true;
          this.#refresh();
          this.dispatchEvent(new TipsyErrorEvent({ code: 'UNAVAILABLE', message: launcherEn.loadFailed }));
          // Tried again by itself once the network or the server is back: the visitor need not click.
          this.#cancelRetry?.();
          this.#cancelRetry = retryImportLater(this.#loadFailures++, () => {
            this.#loadFailed = false;
            this.#refresh();
          });
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
