import { html, nothing } from 'lit/html.js';
import type { ChatEntry } from '../controllers/message-list.js';
import { humanError } from '../error-words.js';
import type { Translate } from '../i18n/strings.js';
import { characterText } from './markdown-loader.js';

/**
 * One message bubble. Content is never parsed as HTML: a visitor's message is bound as text, a
 * character's is Markdown rendered as templates (markdown-view.ts) whose text is bound as text.
 */
export function renderEntry(
  entry: ChatEntry,
  onRetry: (clientMessageId: string) => void,
  t: Translate,
  characterName = t('chat'),
  /** Called when the Markdown renderer has arrived: render again to show the text formatted. */
  rerender: () => void = () => {},
  /** The conversation's first message (a character's is its greeting). */
  first = false,
) {
  const parts = ['message', `message-${entry.sender}`];
  if (entry.status === 'pending' || entry.status === 'failed' || entry.status === 'interrupted') parts.push(`message-${entry.status}`);
  // A conversation opens with the character's greeting (its first message, whatever its seq: a greeting swiped moves on).
  if (entry.sender === 'character' && first) parts.push('greeting');
  // Who said it, for screen readers; beside the bubble, so the bubble's text stays the message alone.
  return html`<span class="visually-hidden">${entry.sender === 'user' ? t('you') : (entry.name ?? characterName)}:</span><div
    class="message ${entry.sender} ${entry.status}"
    part=${parts.join(' ')}
    data-status=${entry.status}
    aria-busy=${entry.status === 'streaming' || entry.status === 'pending' ? 'true' : 'false'}
  >${entry.name ? html`<div class="who" part="agent-name" aria-hidden="true">${entry.name}</div>` : nothing}<div class="text" dir="auto">${entry.sender === 'character' ? characterText(entry.content, t, rerender) : entry.content}</div>${renderMeta(entry, onRetry, t)}</div>`;
}

function renderMeta(entry: ChatEntry, onRetry: (clientMessageId: string) => void, t: Translate) {
  if (entry.status === 'pending') return html`<span class="meta">${t('sending')}</span>`;
  if (entry.status === 'interrupted') return html`<span class="meta">${t('interrupted')}</span>`;
  if (entry.status === 'stopped') return html`<span class="meta">${t('stopped')}</span>`;
  if (entry.status === 'failed' && entry.sender === 'character') return nothing; // its words say what happened
  if (entry.status !== 'failed') return nothing;
  return html`<span class="meta" role="alert"
    >${entry.error ? humanError(entry.error, t) : t('notSent')}
    <button class="retry" type="button" @click=${() => onRetry(entry.clientMessageId!)}>${t('retry')}</button></span
  >`;
}

/** Dots only: the chat view's live region says who is typing, once. */
export function renderTyping() {
  return html`<div class="typing" part="typing" aria-hidden="true">
    <span class="dot"></span><span class="dot"></span><span class="dot"></span>
  </div>`;
}
