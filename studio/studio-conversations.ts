import type { inferRouterOutputs } from '@trpc/server';
import { html, LitElement, nothing } from 'lit';
import type { AppRouter } from '../server/protocol/api.js';
import { api } from './api.js';
import { transcriptCsv, transcriptJson } from './transcript-export.js';
import type { ConversationFilters } from './conversation-search-form.js';
import './conversation-search-form.js';
import './studio-takeover.js';
import type { StudioTakeover } from './studio-takeover.js';
import { studioStyles } from './studio.styles.js';

type Conversations = inferRouterOutputs<AppRouter>['admin']['conversations'];
type Summary = Conversations['list']['conversations'][number];
type Transcript = Conversations['transcript'];

/** How often an open transcript asks for what was said since. */
const FOLLOW_MS = 2_000;

const when = (iso: string) => new Date(iso).toLocaleString();

/** Who said it: the visitor, the character (by slug), or the person who answered in its place (by name). */
const speaker = (message: Transcript['messages'][number], summary: Summary) =>
  message.sender_type === 'user' ? 'Visitor' : message.sender_type === 'agent' ? `${message.sender_name ?? 'Agent'} (person)` : summary.character;

/**
 * The site's conversations, newest first: one opens as a transcript that keeps up with the
 * visitor and the character while it is open, exports as JSON or CSV, and can be erased
 * with everything of its visitor's.
 */
export class StudioConversations extends LitElement {
  static override styles = studioStyles;
  static override properties = {
    list: { state: true },
    filters: { state: true },
    nextCursor: { state: true },
    open: { state: true },
    transcript: { state: true },
    asking: { state: true },
    error: { state: true },
  };

  list: Summary[] = [];
  /** The search shown (none: the latest conversations). */
  filters: ConversationFilters = {};
  /** Where the list goes on, when it does. */
  nextCursor: string | null = null;
  open: Summary | undefined;
  transcript: Transcript | undefined;
  /** Whether "Erase this visitor?" is asked. */
  asking = false;
  error: string | undefined;
  #follow: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#loadList();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#follow);
  }

  override render() {
    return html`<section aria-labelledby="conversations">
      <h2 id="conversations">Conversations</h2>
      <tipsy-studio-conversation-search @tipsy-studio-search=${(e: CustomEvent<ConversationFilters>) => void this.#search(e.detail)}></tipsy-studio-conversation-search>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      ${this.list.length
        ? html`<table>
            <thead><tr><th scope="col">Started</th><th scope="col">Character</th><th scope="col">Visitor</th><th scope="col"><span class="visually-hidden">Open</span></th></tr></thead>
            <tbody>
              ${this.list.map(
                (c) => html`<tr part="conversation">
                  <td>${when(c.createdAt)}</td>
                  <td><code>${c.character}</code>${c.agentName ? html` <span class="muted">· ${c.agentName} answering</span>` : nothing}</td>
                  <td>${c.userName ?? c.userId ?? html`<span class="muted">anonymous</span>`}</td>
                  <td><button class="quiet" type="button" aria-label=${`Open the conversation of ${when(c.createdAt)}`} @click=${() => void this.#openConversation(c)}>Open</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted" role="status">${Object.keys(this.filters).length ? 'No conversations match.' : 'No conversations yet.'}</p>`}
      ${this.nextCursor ? html`<button class="quiet" type="button" @click=${() => void this.#loadList(this.nextCursor!)}>${this.list.length ? 'More conversations' : 'Search older conversations'}</button>` : nothing}
      ${this.open && this.transcript ? this.#renderTranscript(this.open, this.transcript) : nothing}
    </section>`;
  }

  #renderTranscript(summary: Summary, transcript: Transcript) {
    return html`<div part="transcript" role="region" aria-label="Transcript" aria-live="polite">
      <h3>Transcript · <code>${summary.character}</code></h3>
      <ol class="transcript">
        ${transcript.messages.map((m) => html`<li part="transcript-message"><strong>${speaker(m, summary)}:</strong> <span dir="auto">${m.content}</span></li>`)}
      </ol>
      <tipsy-studio-takeover .conversationId=${summary.id} .agentName=${summary.agentName} @tipsy-studio-changed=${this.#takeoverChanged}></tipsy-studio-takeover>
      <button class="quiet" type="button" @click=${() => this.#download('json', transcriptJson(summary, transcript))}>Export JSON</button>
      <button class="quiet" type="button" @click=${() => this.#download('csv', transcriptCsv(summary, transcript))}>Export CSV</button>
      ${this.asking
        ? html`<p>Erase every conversation of this visitor, for good?</p>
            <button type="button" @click=${() => void this.#erase(summary)}>Erase</button>
            <button class="quiet" type="button" @click=${() => (this.asking = false)}>Cancel</button>`
        : html`<button class="quiet" type="button" @click=${() => (this.asking = true)}>Erase this visitor…</button>`}
    </div>`;
  }

  async #search(filters: ConversationFilters): Promise<void> {
    this.filters = filters;
    await this.#loadList();
  }

  /** The first page of the list (of the search shown), or the next one after `before`. */
  async #loadList(before?: string): Promise<void> {
    try {
      const page = await api.admin.conversations.list.query({ limit: 20, ...this.filters, ...(before && { before }) });
      this.list = before ? [...this.list, ...page.conversations] : page.conversations;
      this.nextCursor = page.nextCursor;
      this.error = undefined;
    } catch (error) {
      this.error = error instanceof Error ? error.message : 'The conversations could not be read.';
    }
  }

  async #openConversation(summary: Summary): Promise<void> {
    clearInterval(this.#follow);
    this.open = summary;
    this.transcript = undefined;
    this.asking = false;
    await this.#readTranscript();
    // Kept up with while open: the latest page, read again.
    this.#follow = setInterval(() => void this.#readTranscript(), FOLLOW_MS);
  }

  async #readTranscript(): Promise<void> {
    const open = this.open;
    if (!open) return;
    const transcript = await api.admin.conversations.transcript.query({ conversationId: open.id, limit: 100 }).catch(() => undefined);
    if (this.open?.id !== open.id || !transcript) return;
    this.transcript = transcript;
    // Taken over or handed back elsewhere (another tab, another owner): the panel follows.
    if (transcript.agentName !== this.open.agentName) this.#answeredBy(open.id, transcript.agentName);
  }

  /** Taken over, answered or handed back: the open conversation (and its row) say who answers now, and its transcript shows it at once. */
  readonly #takeoverChanged = (event: Event): void => {
    const { conversationId, agentName } = event.target as StudioTakeover;
    this.#answeredBy(conversationId, agentName);
    void this.#readTranscript();
  };

  #answeredBy(conversationId: string, agentName: string | null): void {
    const update = (c: Summary) => (c.id === conversationId ? { ...c, agentName } : c);
    this.list = this.list.map(update);
    if (this.open) this.open = update(this.open);
  }

  async #erase(summary: Summary): Promise<void> {
    clearInterval(this.#follow);
    await api.admin.conversations.deleteVisitor.mutate({ visitorId: summary.visitorId });
    this.open = this.transcript = undefined;
    this.asking = false;
    await this.#loadList();
  }

  #download(kind: 'json' | 'csv', text: string): void {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: kind === 'json' ? 'application/json' : 'text/csv' }));
    link.download = `conversation-${this.open?.id ?? 'export'}.${kind}`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
}

customElements.define('tipsy-studio-conversations', StudioConversations);
