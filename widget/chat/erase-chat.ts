import type { Translate } from '../i18n/strings.js';
import type { ConversationsHost } from './conversation-list.js';
import { eraseStyles } from './erase-chat.styles.js';

/** "Delete this chat": the question, asked in the panel, and the erasure once the visitor answers Delete. */
export interface EraseChat {
  /** Whether the question shows (the list of conversations, opened, takes it away). */
  asking: boolean;
  /** Asks; focus goes to Cancel, so a stray Enter erases nothing. */
  ask(): void;
  /** Takes the question away, giving focus back to the header's button. */
  dismiss(): void;
  render(t: Translate): unknown;
}

/**
 * Erases the conversation shown once the visitor confirms, then shows a fresh one: a new conversation
 * opening with the greeting where the site allows new ones (`enter` moves there), else the one the
 * server opens as on a first visit (a fresh first when none is left). Part of the conversations'
 * module: a chat that never reaches for it never downloads it.
 */
export function eraseChat(host: ConversationsHost, enter: (conversationId: string) => void): EraseChat {
  const { html, nothing, chat, root } = host;
  host.adoptStyles(root, eraseStyles);
  const focus = async (part: string) => {
    host.changed();
    await host.rendered();
    root.querySelector<HTMLElement>(`[part~=${part}]`)?.focus();
  };
  const erase = async () => {
    view.dismiss();
    // The new conversation first: it is made with the character of the one about to go. Failing that
    // (too many new ones lately), the erasure goes ahead all the same, and the server opens the next.
    const fresh = chat.newConversations
      ? await chat.call((api, conversationId) => api.conversation.create.mutate({ conversationId })).catch(() => undefined)
      : undefined;
    // A failure shows in the chat, and the conversation stays.
    const erased = await chat.call((api, conversationId) => api.conversation.erase.mutate({ conversationId })).catch(() => undefined);
    if (!erased) return;
    if (fresh) return enter(fresh.conversationId);
    await chat.startOver();
    host.entered();
  };
  const view = {
    asking: false,
    ask() {
      view.asking = true;
      void focus('delete-cancel');
    },
    dismiss() {
      view.asking = false;
      void focus('delete-chat');
    },
    render(t: Translate) {
      if (!view.asking) return nothing;
      return html`<div class="erase" part="delete-question" role="group" aria-labelledby="erase-ask" @keydown=${onKey}>
        <p id="erase-ask">${t('deleteChatAsk')}</p>
        <button type="button" part="delete-confirm" @click=${erase}>${t('delete')}</button>
        <button type="button" part="delete-cancel" @click=${view.dismiss}>${t('cancel')}</button>
      </div>`;
    },
  };
  // Escape answers Cancel, and goes no further: the panel would take it as closing the chat.
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    view.dismiss();
  };
  return view;
}
