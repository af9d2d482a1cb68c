import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LIMITS } from '../../server/protocol/message.js';
import { ChatController } from '../controllers/chat-controller.js';
import { ScrollFollowController } from '../controllers/scroll-follow.js';
import { humanError } from '../error-words.js';
import { TipsyCloseEvent, TipsyOpenEvent } from '../events.js';
import { DEFAULT_SERVER, resolveHttpUrl } from '../transport/server-url.js';
import { chatIcon, closeIcon, sendIcon, stopIcon } from './icons.js';
import { renderEntry, renderTyping } from './message-view.js';
import { styles } from './tipsy-chat.styles.js';

export type ChatMode = 'launcher' | 'inline';
export type ChatTheme = 'auto' | 'light' | 'dark';

/**
 * `<tipsy-chat>`: a live chat with an AI character, embeddable on any page.
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
export class TipsyChat extends LitElement {
  static override styles = styles;

  @property({ attribute: 'site-key' }) siteKey = '';
  @property() character?: string;
  @property() server?: string;
  @property({ reflect: true }) mode: ChatMode = 'launcher';
  /** Reflects the `open` attribute (the methods `open()` and `close()` take the plain name). */
  @property({ type: Boolean, reflect: true, attribute: 'open' }) isOpen = false;
  @property({ reflect: true }) theme: ChatTheme = 'auto';
  @property() placeholder = 'Type a message…';
  @property({ attribute: 'user-id' }) userId?: string;
  @property({ attribute: 'user-hash' }) userHash?: string;
  @property({ attribute: 'user-name' }) userName?: string;
  @property({ attribute: 'character-name' }) characterName?: string;
  @property({ attribute: 'character-avatar' }) characterAvatar?: string;
  @property({ attribute: 'character-greeting' }) characterGreeting?: string;
  @property({ attribute: 'character-persona' }) characterPersona?: string;

  @state() private draft = '';
  @query('textarea') private input?: HTMLTextAreaElement;

  private readonly chat = new ChatController(this);
  private readonly scrollFollow = new ScrollFollowController(this, () => void this.chat.loadOlder());

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
    if (!this.active) this.open();
    await this.updateComplete;
    return this.chat.send(text);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('isOpen') && changed.get('isOpen') !== undefined) {
      this.dispatchEvent(this.isOpen ? new TipsyOpenEvent() : new TipsyCloseEvent());
    }
    if (this.active && this.siteKey) {
      void this.chat.start({
        server: this.server || DEFAULT_SERVER,
        siteKey: this.siteKey,
        character: this.character || undefined,
        user: this.userId ? { id: this.userId, hash: this.userHash ?? '', name: this.userName || undefined } : undefined,
        characterDefinition: this.characterName
          ? {
              name: this.characterName,
              avatarUrl: this.characterAvatar || undefined,
              greeting: this.characterGreeting || undefined,
              persona: this.characterPersona || undefined,
            }
          : undefined,
      });
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.scrollFollow.observe(this.renderRoot.querySelector<HTMLElement>('.log'));
    if (changed.has('isOpen') && this.isOpen && this.mode === 'launcher') this.input?.focus();
  }

  protected override render() {
    const launcher =
      this.mode === 'launcher'
        ? html`<button
            class="launcher"
            part="launcher"
            type="button"
            aria-label=${this.isOpen ? 'Close chat' : 'Open chat'}
            aria-expanded=${this.isOpen ? 'true' : 'false'}
            @click=${() => (this.isOpen = !this.isOpen)}
          >
            ${this.isOpen ? closeIcon : chatIcon}
          </button>`
        : nothing;
    return html`${this.active ? this.renderPanel() : nothing}${launcher}`;
  }

  private renderPanel() {
    const { chat } = this;
    const name = chat.character?.name ?? 'Chat';
    const avatar = resolveHttpUrl(chat.character?.avatarUrl, this.server || DEFAULT_SERVER);
    const canSend = chat.accepting && !chat.cooldown.active && this.draft.trim().length > 0;
    const accent = chat.character?.accent;
    return html`<section
      class="panel"
      part="panel"
      role=${this.mode === 'launcher' ? 'dialog' : 'region'}
      aria-label="Chat with ${name}"
      data-connection=${chat.connection}
      style=${accent && /^#[0-9a-f]{3,6}$/i.test(accent) ? `--_character-accent: ${accent}` : nothing}
      @keydown=${this.onPanelKey}
    >
      <header class="header" part="header">
        ${avatar ? html`<img class="avatar" src=${avatar} alt="" />` : html`<span class="avatar"></span>`}
        <div class="title">
          <div class="name">${name}</div>
          <div class="presence">${this.presence()}</div>
        </div>
        ${this.mode === 'launcher'
          ? html`<button class="icon-button" type="button" aria-label="Close chat" @click=${() => this.close()}>${closeIcon}</button>`
          : nothing}
      </header>
      ${chat.error
        ? html`<div class="error" part="error" role="alert" data-code=${chat.error.code}>
            <span
              >${humanError(chat.error)}${chat.cooldown.active ? ` You can send again in ${chat.cooldown.secondsLeft} s.` : ''}</span
            >
            <button class="icon-button" type="button" aria-label="Dismiss" @click=${() => chat.dismissError()}>${closeIcon}</button>
          </div>`
        : nothing}
      <div class="log" part="log" role="log" aria-live="polite" aria-relevant="additions">
        ${chat.loadingOlder ? html`<div class="older">Loading earlier messages…</div>` : nothing}
        ${repeat(chat.list.entries, (e) => e.key, (e) => renderEntry(e, (id) => chat.retry(id)))}
        ${chat.characterTyping ? renderTyping(name) : nothing}
      </div>
      <form class="composer" @submit=${this.onSubmit}>
        <label class="visually-hidden" for="input">Message ${name}</label>
        <textarea
          id="input"
          part="input"
          rows="1"
          maxlength=${LIMITS.messageMaxChars}
          placeholder=${this.placeholder}
          .value=${this.draft}
          ?disabled=${!chat.accepting}
          @input=${this.onInput}
          @keydown=${this.onInputKey}
        ></textarea>
        ${chat.answering && !this.draft.trim()
          ? html`<button class="send stop" part="stop" type="button" aria-label="Stop the reply" @click=${() => chat.stopReply()}>
              ${stopIcon}
            </button>`
          : html`<button class="send" part="send" type="submit" aria-label="Send" ?disabled=${!canSend}>${sendIcon}</button>`}
      </form>
    </section>`;
  }

  /** The panel shows (and the session runs) when inline, or when the launcher is open. */
  private get active(): boolean {
    return this.mode === 'inline' || this.isOpen;
  }

  private presence(): string {
    const { status, connection } = this.chat;
    if (status === 'starting') return 'Connecting…';
    if (status === 'failed') return 'Unavailable';
    if (this.chat.characterTyping) return 'Typing…';
    if (connection === 'fallback') return 'Limited connection: messages still go through';
    return connection === 'online' ? 'Online' : 'Reconnecting…';
  }

  private readonly onInput = (event: Event): void => {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.chat.typing();
  };

  private readonly onInputKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submitDraft();
  };

  private readonly onPanelKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.mode === 'launcher') this.close();
  };

  private readonly onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    this.submitDraft();
  };

  private submitDraft(): void {
    if (this.chat.send(this.draft)) this.draft = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tipsy-chat': TipsyChat;
  }
}
