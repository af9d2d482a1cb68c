import { html, nothing } from 'lit/html.js';
import type { ChatEntry } from '../controllers/message-list.js';
import { humanError } from '../error-words.js';
import type { Translate } from '../i18n/strings.js';
import { renderMarkdown } from './markdown-view.js';

/**
 * One message bubble. Content is never parsed as HTML: a visitor's message is bound as text, a
 * character's is Markdown rendered as templates (markdown-view.ts) whose text is bound as text.
 */
export function renderEntry(entry: ChatEntry, onRetry: (clientMessageId: string) => void, t: Translate) {
  const parts = ['message', `message-${entry.sender}`];
  if (entry.status === 'pending' || entry.status === 'failed' || entry.status === 'interrupted') parts.push(`message-${entry.status}`);
  // A conversation opens with the character's greeting (its first message).
  if (entry.sender === 'character' && entry.seq === 1) parts.push('greeting');
  return html`<div
    class="message ${entry.sender} ${entry.status}"
    part=${parts.join(' ')}
    data-status=${entry.status}
    aria-busy=${entry.status === 'streaming' || entry.status === 'pending' ? 'true' : 'false'}
  ><div class="text" dir="auto">${entry.sender === 'character' ? renderMarkdown(entry.content, t) : entry.content}</div>${renderMeta(entry, onRetry, t)}</div>`;
}

function renderMeta(entry: ChatEntry, onRetry: (clientMessageId: string) => void, t: Translate) {
  if (entry.status === 'pending') return html`<span class="meta">${t('sending')}</span>`;
  if (entry.status === 'interrupted') return html`<span class="meta">${t('interrupted')}</span>`;
  if (entry.status === 'failed' && entry.sender === 'character') return nothing; // its words say what happened
  if (entry.status !== 'failed') return nothing;
  return html`<span class="meta" role="alert"
    >${entry.error ? humanError(entry.error, t) : t('notSent')}
    <button class="retry" type="button" @click=${() => onRetry(entry.clientMessageId!)}>${t('retry')}</button></span
  >`;
}

export function renderTyping(name: string, t: Translate) {
  return html`<div class="typing" part="typing" role="status" aria-label=${t('isTyping', { name })}>
    <span class="dot"></span><span class="dot"></span><span class="dot"></span>
  </div>`;
}
