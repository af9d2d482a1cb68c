import type { html as litHtml, nothing as litNothing } from 'lit/html.js';
import type { ConversationSummary } from '../../server/protocol/conversation.js';
import type { ChatController } from '../controllers/chat-controller.js';
import type { Translate } from '../i18n/strings.js';
import { listStyles } from './conversation-list.styles.js';
import { eraseChat } from './erase-chat.js';

/** What the conversations need of the chat view: lit-html's tag (one copy, the chat's), the chat, focus. */
export interface ConversationsHost {
  html: typeof litHtml;
  nothing: typeof litNothing;
  adoptStyles(root: ShadowRoot, css: string): void;
  root: ShadowRoot;
  chat: ChatController;
  changed(): void;
  /** Resolves once what was changed so far has rendered. */
  rendered(): Promise<unknown>;
  /** The visitor is in another conversation: focus goes to the composer. */
  entered(): void;
}

/** The header's actions on the visitor's conversations with the character: a new one, the list, erasing one. */
export interface Conversations {
  /** Whether the list is shown (in place of the messages). */
  readonly open: boolean;
  toggle(): void;
  close(): void;
  /** Starts a new conversation and moves to it. */
  create(): void;
  /**
   * "Delete this chat": asks, then erases the conversation shown and shows a fresh one. Offered
   * whatever the site allows: a visitor may always erase their own conversation.
   */
  askErase(): void;
  render(t: Translate, locale: string): unknown;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 hours ago", "yesterday", "this minute"… in the chat's language (Intl.RelativeTimeFormat). */
export function timeAgo(iso: string, locale: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const [unit, size] = UNITS.find(([, size]) => Math.abs(ms) >= size) ?? UNITS.at(-1)!;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(ms / size) || 0, unit);
}

/**
 * The visitor's conversations with the character: a new one, the list of them (each with its
 * last message and when it was written) to reopen one, or the one shown erased (erase-chat.ts).
 * A module of its own, fetched the first time the visitor reaches for any of them: a chat that
 * never does never downloads it.
 */
export function conversations(host: ConversationsHost): Conversations {
  const { html, nothing, chat } = host;
  host.adoptStyles(host.root, listStyles);
  let listed: ConversationSummary[] | undefined;
  const enter = (conversationId: string) => {
    view.close();
    erasing.asking = false;
    void chat.openConversation(conversationId).then(host.entered);
  };
  const erasing = eraseChat(host, enter);
  const view = {
    open: false,
    async toggle() {
      if (view.open) return view.close();
      view.open = true;
      erasing.asking = false;
      host.changed();
      // Asked again each time: another tab may have written meanwhile. A failure shows in the chat.
      chat.call((api, conversationId) => api.conversation.list.query({ conversationId })).then(({ conversations }) => {
        listed = conversations;
        host.changed();
      }, () => undefined);
      await host.rendered();
      host.root.querySelector<HTMLElement>('.chats')?.focus();
    },
    close() {
      view.open = false;
      host.changed();
    },
    create() {
      chat.call((api, conversationId) => api.conversation.create.mutate({ conversationId })).then(({ conversationId }) => enter(conversationId), () => undefined);
    },
    askErase() {
      view.close();
      erasing.ask();
    },
    render(t: Translate, locale: string) {
      if (!view.open) return erasing.render(t);
      const current = chat.conversationId;
      // Focused when opened (tabindex -1: by script only), so a screen reader says where the visitor is.
      return html`<nav class="chats" part="conversations" tabindex="-1" aria-label=${t('chats')} aria-busy=${!listed}>
        <ul>
          ${(listed ?? []).map(
            ({ id, preview, last_message_at }) =>
              html`<li>
                <button type="button" part="conversation" aria-current=${id === current ? 'true' : nothing} @click=${() => enter(id)}>
                  <span dir="auto">${preview || '…'}</span><time datetime=${last_message_at}>${timeAgo(last_message_at, locale)}</time>
                </button>
              </li>`,
          )}
        </ul>
      </nav>`;
    },
  };
  return view;
}
