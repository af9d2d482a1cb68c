import { html, nothing } from 'lit/html.js';
import type { ChatEntry } from '../controllers/message-list.js';
import { humanError } from '../error-words.js';

/** One message bubble. Content is always bound as text, never parsed as HTML. */
export function renderEntry(entry: ChatEntry, onRetry: (clientMessageId: string) => void) {
  const parts = ['message', `message-${entry.sender}`];
  if (entry.status === 'pending' || entry.status === 'failed' || entry.status === 'interrupted') parts.push(`message-${entry.status}`);
  // A conversation opens with the character's greeting (its first message).
  if (entry.sender === 'character' && entry.seq === 1) parts.push('greeting');
  return html`<div
    class="message ${entry.sender} ${entry.status}"
    part=${parts.join(' ')}
    data-status=${entry.status}
    aria-busy=${entry.status === 'streaming' || entry.status === 'pending' ? 'true' : 'false'}
  ><span class="text">${entry.content}</span>${renderMeta(entry, onRetry)}</div>`;
}

function renderMeta(entry: ChatEntry, onRetry: (clientMessageId: string) => void) {
  if (entry.status === 'pending') return html`<span class="meta">Sending…</span>`;
  if (entry.status === 'interrupted') return html`<span class="meta">(interrupted)</span>`;
  if (entry.status === 'failed' && entry.sender === 'character') return nothing; // its words say what happened
  if (entry.status !== 'failed') return nothing;
  return html`<span class="meta" role="alert"
    >${entry.error ? humanError(entry.error) : 'Not sent.'}
    <button class="retry" type="button" @click=${() => onRetry(entry.clientMessageId!)}>Retry</button></span
  >`;
}

export function renderTyping(name: string) {
  return html`<div class="typing" part="typing" role="status" aria-label="${name} is typing">
    <span class="dot"></span><span class="dot"></span><span class="dot"></span>
  </div>`;
}
