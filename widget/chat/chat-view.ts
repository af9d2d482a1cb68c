import { html, nothing, render } from 'lit/html.js';
import { BOUNDS } from '../../server/protocol/bounds.js';
import { isAccent } from '../../server/protocol/character.js';
import { adoptStyles } from '../adopt-styles.js';
import { ChatController } from '../controllers/chat-controller.js';
import type { ChatEntry } from '../controllers/message-list.js';
import { ScrollFollowController } from '../controllers/scroll-follow.js';
import { humanError } from '../error-words.js';
import type { TipsyMessageEvent } from '../events.js';
import { ChatLocale } from '../i18n/chat-locale.js';
import type { AttachedChat } from '../tipsy-chat/chat-module.js';
import { isLauncher, isPanelActive } from '../tipsy-chat/panel-state.js';
import type { TipsyChat } from '../tipsy-chat/tipsy-chat.js';
import { DEFAULT_SERVER, resolveHttpUrl } from '../transport/server-url.js';
import { textOn } from './accent-contrast.js';
import { chatTarget } from './chat-target.js';
import { chatStyles } from './chat.styles.js';
import type { Conversations } from './conversation-list.js';
import { chatsIcon, closeIcon, deleteChatIcon, newChatIcon, sendIcon, stopIcon } from './icons.js';
import { KeyedList } from './keyed-list.js';
import { renderEntry, renderTyping } from './message-view.js';
import { UpdateCycle } from './update-cycle.js';
import { renderVersions } from './versions-view.js';
import { lockPageScroll } from './page-scroll.js';

/**
 * The chat inside a `<tipsy-chat>`: renders the panel into the element's
 * shadow root (next to the element's own bubble) and runs the session while
 * the panel is shown. Events fire on the element.
 */
export class ChatView extends UpdateCycle implements AttachedChat {
  readonly #element: TipsyChat;
  readonly #root: ShadowRoot;
  /** The panel renders before this marker: first in the shadow root, before the bubble, as it always was. */
  readonly #marker = document.createComment('');
  readonly #chat: ChatController;
  readonly #scrollFollow: ScrollFollowController;
  /** The messages, each keeping its element while others arrive above or below it. */
  readonly #entries = new KeyedList<ChatEntry>();
  /** The element's language, with the chat's English under it. */
  readonly #words: ChatLocale;
  #draft = '';
  #wasOpen = false;
  #justOpened = false;
  /** What the polite live region says: set once per finished reply, typing start or cooldown, never per streamed word. */
  #announcement = '';
  readonly #streaming = new Set<string>();
  #wasTyping = false;
  #wasCooling = false;
  /** Whether this chat's full-screen panel holds the page's scroll lock. */
  #locksPage = false;
  /** The visitor's conversations (a new one, the list, erasing the one shown): a module of its own, fetched when first asked for. */
  #conversations?: Conversations;

  constructor(element: TipsyChat) {
    super();
    this.#element = element;
    this.#root = element.shadowRoot!;
    adoptStyles(this.#root, chatStyles);
    this.#root.prepend(this.#marker);
    this.#words = new ChatLocale(() => element.i18n);
    this.#chat = new ChatController(this, element, this.#words);
    this.#scrollFollow = new ScrollFollowController(this, () => void this.#chat.loadOlder());
  }

  update(): void {
    this.requestUpdate();
  }

  readonly #rerender = () => this.requestUpdate();

  override connected(): void {
    super.connected();
    for (const type of ['resize', 'scroll']) visualViewport?.addEventListener(type, this.#rerender);
    this.#element.addEventListener('tipsy-message', this.#onMessage);
  }

  override disconnected(): void {
    super.disconnected();
    for (const type of ['resize', 'scroll']) visualViewport?.removeEventListener(type, this.#rerender);
    this.#element.removeEventListener('tipsy-message', this.#onMessage);
    this.#lockPageScroll(false);
  }

  async send(text: string): Promise<boolean> {
    await this.updateComplete;
    return this.#chat.send(text);
  }

  protected willUpdate(): void {
    const el = this.#element;
    this.#justOpened = el.isOpen && !this.#wasOpen;
    this.#wasOpen = el.isOpen;
    if (this.#justOpened) this.#announcement = '';
    this.#announce();
    if (!isPanelActive(el) || !el.siteKey) return;
    void this.#chat.start(chatTarget(el, this.#server));
  }

  protected render(): void {
    render(isPanelActive(this.#element) ? this.#renderPanel() : nothing, this.#root, { renderBefore: this.#marker });
  }

  protected updated(): void {
    this.#scrollFollow.observe(this.#root.querySelector<HTMLElement>('.log'));
    // Full screen (narrow viewport, see panel.styles.ts): the page behind must not scroll.
    this.#lockPageScroll(isLauncher(this.#element) && this.#element.isOpen && innerWidth <= 480);
    if (this.#justOpened && isLauncher(this.#element)) this.#root.querySelector('textarea')?.focus();
  }

  #renderPanel() {
    const chat = this.#chat;
    const words = this.#words;
    const { t } = words;
    const launcherMode = isLauncher(this.#element);
    const name = chat.character?.name ?? t('chat');
    const avatar = resolveHttpUrl(chat.character?.avatarUrl, this.#server);
    const canSend = chat.accepting && !chat.cooldown.active && this.#draft.trim().length > 0;
    const accent = chat.character?.accent;
    const viewport = visualViewport ? `--_vv-top:${visualViewport.offsetTop}px;--_vv-height:${visualViewport.height}px;` : '';
    return html`<section
      class="panel"
      part="panel"
      role=${launcherMode ? 'dialog' : 'region'}
      aria-label=${t('chatWith', { name })}
      dir=${words.state.rtl ? 'rtl' : nothing}
      data-connection=${chat.connection}
      style=${viewport + (isAccent(accent) ? `--_character-accent:${accent};--_accent-fg:var(--tipsy-accent-contrast,${textOn(accent)})` : '')}
      @keydown=${this.#onPanelKey}
    >
      <div class="header" part="header">
        ${avatar ? html`<img class="avatar" src=${avatar} alt="" />` : html`<span class="avatar"></span>`}
        <div class="title">
          <div class="name">${name}</div>
          <div class="presence">${chat.agent && chat.statusKey === 'online' ? t('agentAnswering', { name: chat.agent }) : t(chat.statusKey)}</div>
        </div>
        ${chat.newConversations
          ? html`<button class="icon-button" type="button" part="new-chat" aria-label=${t('newChat')} ?disabled=${chat.status !== 'ready'} @click=${() => this.#withConversations((c) => c.create())}>
                ${newChatIcon}</button
              ><button class="icon-button" type="button" part="chats-button" aria-label=${t('chats')} aria-expanded=${!!this.#conversations?.open} @click=${() => this.#withConversations((c) => c.toggle())}>
                ${chatsIcon}
              </button>`
          : nothing}
        <button class="icon-button" type="button" part="delete-chat" aria-label=${t('deleteChat')} ?disabled=${chat.status !== 'ready'} @click=${() => this.#withConversations((c) => c.askErase())}>
          ${deleteChatIcon}
        </button>
        ${launcherMode
          ? html`<button class="icon-button" type="button" aria-label=${t('closeChat')} @click=${this.#close}>${closeIcon}</button>`
          : nothing}
      </div>
      ${chat.error
        ? // A cooldown is announced once, politely (#announce): the countdown ticking in an alert would be read every second.
          html`<div class="error" part="error" role=${chat.cooldown.active ? nothing : 'alert'} data-code=${chat.error.code}>
            <span
              >${this.#errorText()}</span
            >
            <button class="icon-button" type="button" aria-label=${t('dismiss')} @click=${() => chat.dismissError()}>${closeIcon}</button>
          </div>`
        : nothing}
      ${this.#conversations?.render(t, words.state.locale)}
      <div class="log" part="log" ?hidden=${!!this.#conversations?.open}>
        ${chat.loadingOlder ? html`<div class="older">${t('loadingOlder')}</div>` : nothing}
        ${this.#entries.update(
          chat.list.entries,
          (e) => e.key,
          // The conversation's first message, when the character's, is its greeting.
          (e, i) => renderEntry(e, (id) => chat.retry(id), t, name, this.#rerender, !i && !chat.hasOlder),
        )}
        ${renderVersions(chat, words, chat.list.entries.length === 1 && !chat.hasOlder, this.#focusComposer)}
        ${chat.characterTyping ? renderTyping() : nothing}
      </div>
      <div class="visually-hidden" role="status">${this.#announcement}</div>
      <form class="composer" @submit=${this.#onSubmit}>
        <label class="visually-hidden" for="input">${t('messageTo', { name })}</label>
        <textarea
          id="input"
          part="input"
          rows="1"
          maxlength=${BOUNDS.messageMaxChars}
          placeholder=${this.#element.getAttribute('placeholder') ?? t('placeholder')}
          .value=${this.#draft}
          ?disabled=${!chat.accepting}
          @input=${this.#onInput}
          @keydown=${this.#onInputKey}
        ></textarea>
        ${chat.answering && !this.#draft.trim()
          ? html`<button class="send stop" part="stop" type="button" aria-label=${t('stop')} @click=${this.#stop}>
              ${stopIcon}
            </button>`
          : html`<button class="send" part="send" type="submit" aria-label=${t('send')} ?disabled=${!canSend}>${sendIcon}</button>`}
      </form>
    </section>`;
  }

  get #server(): string {
    return this.#element.server || DEFAULT_SERVER;
  }

  /** The error notice's words, with the countdown while sending waits: shown, and spoken once when the wait begins. */
  #errorText(): string {
    const { error, cooldown } = this.#chat;
    const { t } = this.#words;
    const words = error ? humanError(error, t) : '';
    return cooldown.active ? `${words} ${t('cooldown', { seconds: this.#words.number(cooldown.secondsLeft) })}`.trim() : words;
  }

  /** Sets what the live region says: a reply once finished, the character starting to type, a cooldown starting. */
  #announce(): void {
    const chat = this.#chat;
    const { t } = this.#words;
    const name = chat.agent ?? chat.character?.name ?? t('chat');
    let said = '';
    if (chat.characterTyping && !this.#wasTyping) said = t('isTyping', { name });
    this.#wasTyping = chat.characterTyping;
    const cooling = chat.cooldown.active;
    if (cooling && !this.#wasCooling) said = this.#errorText();
    this.#wasCooling = cooling;
    for (const entry of chat.list.entries) {
      if (entry.status === 'streaming') this.#streaming.add(entry.key);
      else if (this.#streaming.delete(entry.key)) said = `${name}: ${entry.content}`;
    }
    if (said) this.#announcement = said;
  }

  /** A reply that arrives whole, never streamed here (sent over HTTP, caught up after a reconnect), is announced once too. */
  readonly #onMessage = ({ detail: { message } }: TipsyMessageEvent): void => {
    if (message.sender_type === 'user' || this.#streaming.has(message.id)) return; // a streamed one: #announce says it
    this.#announcement = `${message.sender_name ?? this.#chat.character?.name ?? this.#words.t('chat')}: ${message.content}`;
    this.requestUpdate();
  };

  #lockPageScroll(lock: boolean): void {
    if (lock === this.#locksPage) return;
    this.#locksPage = lock;
    lockPageScroll(lock);
  }

  /** Closes the panel and gives focus back to the bubble that opened it. */
  readonly #close = (): void => {
    this.#element.close();
    this.#root.querySelector<HTMLElement>('[part~=launcher]')?.focus();
  };

  /** The stop button is replaced by send: focus goes to the composer, not to the page. */
  readonly #stop = (): void => {
    this.#chat.stopReply();
    this.#focusComposer();
  };

  readonly #focusComposer = (): void => this.#root.querySelector('textarea')?.focus();

  /** Fetches the conversations' module (once; again after a failure), then acts on them. */
  #withConversations(act: (conversations: Conversations) => void): void {
    import('./conversation-list.js').then(({ conversations }) => {
      const root = this.#root;
      act((this.#conversations ??= conversations({ html, nothing, adoptStyles, root, chat: this.#chat, changed: this.#rerender, rendered: () => this.updateComplete, entered: this.#focusComposer })));
    }, () => undefined);
  }

  readonly #onInput = (event: Event): void => {
    this.#draft = (event.target as HTMLTextAreaElement).value;
    this.#chat.typing();
    this.requestUpdate();
  };

  readonly #onInputKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.#submitDraft();
  };

  readonly #onPanelKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    // The list of conversations closes first, giving focus back to its button.
    if (this.#conversations?.open) {
      this.#conversations.close();
      this.#root.querySelector<HTMLElement>('[part~=chats-button]')?.focus();
    } else if (isLauncher(this.#element)) this.#close();
  };

  readonly #onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    this.#submitDraft();
  };

  #submitDraft(): void {
    if (!this.#chat.send(this.#draft)) return;
    this.#draft = '';
    this.requestUpdate();
  }
}
