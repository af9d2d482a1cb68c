import { css, html, LitElement, nothing } from 'lit';
import { api } from './api.js';
import { studioStyles } from './studio.styles.js';
import { runChange } from './studio-change.js';

/** The server's bounds (protocol/agent.ts, protocol/bounds.ts), repeated: the studio runs no server code. */
const NAME_MAX = 60;
const MESSAGE_MAX = 4000;
/** A typing signal is sent again at most this often while the owner keeps typing. */
const TYPING_EVERY_MS = 3_000;
/** The owner counts as stopped typing after this long without a key. */
const TYPING_IDLE_MS = 5_000;


/** 32 hex digits; getRandomValues works on plain http too, where randomUUID does not. */
const newClientMessageId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** The name last used on this page: offered again for the next conversation (never stored in the browser). */
let lastName = '';

/**
 * Live takeover of one conversation: the owner pauses the character and answers
 * the visitor as a person (the visitor sees their name), then hands the
 * conversation back. `conversationId` and `agentName` (null: the character
 * answers) come from the conversation list; each change fires
 * `tipsy-studio-changed` (bubbling, composed) so the studio reads it again.
 */
export class StudioTakeover extends LitElement {
  static override styles = [
    studioStyles,
    css`
      textarea {
        width: 100%;
        box-sizing: border-box;
      }
    `,
  ];
  static override properties = {
    conversationId: { attribute: 'conversation-id' },
    agentName: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };

  conversationId = '';
  /** Who answers now: the owner's name while taken over, null while the character answers. */
  agentName: string | null = null;
  busy = false;
  error: string | undefined;
  #typingSentAt = 0;
  #typingIdle: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stopTyping();
  }

  override render() {
    return html`<div part="takeover" role="group" aria-label="Live takeover">
      ${this.agentName === null ? this.#renderTakeOver() : this.#renderAnswering(this.agentName)}
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
    </div>`;
  }

  #renderTakeOver() {
    return html`<form @submit=${this.#takeOver}>
      <p class="muted">Pause the character and answer this visitor yourself. The visitor sees your name.</p>
      <label>Your name <input name="name" required maxlength=${NAME_MAX} autocomplete="name" .value=${lastName} /></label>
      <button type="submit" ?disabled=${this.busy}>Take over</button>
    </form>`;
  }

  #renderAnswering(name: string) {
    return html`<p role="status">You are answering as <strong>${name}</strong>. The character is paused.</p>
      <form @submit=${this.#send}>
        <label
          >Your reply
          <textarea
            name="content"
            rows="3"
            required
            maxlength=${MESSAGE_MAX}
            aria-describedby="reply-hint"
            @keydown=${this.#keydown}
            @input=${this.#typed}
            @blur=${() => this.#stopTyping()}
          ></textarea>
        </label>
        <p id="reply-hint" class="muted">Enter sends; Shift+Enter starts a new line.</p>
        <button type="submit" ?disabled=${this.busy}>Send</button>
      </form>
      <button class="quiet" type="button" ?disabled=${this.busy} @click=${() => void this.#release()}>Hand back to the character</button>`;
  }

  readonly #takeOver = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const name = ((event.currentTarget as HTMLFormElement).elements.namedItem('name') as HTMLInputElement).value.trim();
    if (!name) return;
    await runChange(this, async () => {
      const state = await api.admin.conversations.takeOver.mutate({ conversationId: this.conversationId, name });
      lastName = name;
      this.agentName = state.agentName;
    });
  };

  readonly #send = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const field = (event.currentTarget as HTMLFormElement).elements.namedItem('content') as HTMLTextAreaElement;
    const content = field.value;
    if (!content.trim() || this.busy) return;
    // One id per message written: a send retried after a lost answer is stored once.
    const clientMessageId = newClientMessageId();
    await runChange(this, async () => {
      await api.admin.conversations.reply.mutate({ conversationId: this.conversationId, content, clientMessageId });
      field.value = '';
      this.#stopTyping();
    });
  };

  /** Enter sends, as in the chat the visitor uses; Shift+Enter (and Enter while composing text) does not. */
  readonly #keydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  };

  /** Tells the visitor the owner is typing, now and then while they type, and that they stopped once idle. */
  readonly #typed = (event: InputEvent): void => {
    const empty = !(event.currentTarget as HTMLTextAreaElement).value.trim();
    if (empty) return this.#stopTyping();
    clearTimeout(this.#typingIdle);
    this.#typingIdle = setTimeout(() => this.#stopTyping(), TYPING_IDLE_MS);
    if (Date.now() - this.#typingSentAt < TYPING_EVERY_MS) return;
    this.#typingSentAt = Date.now();
    this.#signalTyping(true);
  };

  #stopTyping(): void {
    clearTimeout(this.#typingIdle);
    if (!this.#typingSentAt) return;
    this.#typingSentAt = 0;
    this.#signalTyping(false);
  }

  /** Best effort: a lost typing signal costs nothing, and one refused (handed back meanwhile) is not worth an alert. */
  #signalTyping(typing: boolean): void {
    if (this.agentName === null) return;
    void api.admin.conversations.typing.mutate({ conversationId: this.conversationId, typing }).catch(() => undefined);
  }

  async #release(): Promise<void> {
    this.#stopTyping();
    await runChange(this, async () => {
      const state = await api.admin.conversations.release.mutate({ conversationId: this.conversationId });
      this.agentName = state.agentName;
    });
  }
}

customElements.define('tipsy-studio-takeover', StudioTakeover);

declare global {
  interface HTMLElementTagNameMap {
    'tipsy-studio-takeover': StudioTakeover;
  }
}
