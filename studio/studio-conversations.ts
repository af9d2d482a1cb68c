import type { inferRouterOutputs } from '@trpc/server';
import { html, LitElement, nothing } from 'lit';
import type { AppRouter } from '../server/protocol/api.js';
import { api } from './api.js';
import { transcriptCsv, transcriptJson } from './transcript-export.js';
import { studioStyles } from './studio.styles.js';

type Conversations = inferRouterOutputs<AppRouter>['admin']['conversations'];
type Summary = Conversations['list']['conversations'][number];
type Transcript = Conversations['transcript'];

/** How often an open transcript asks for what was said since. */
const FOLLOW_MS = 2_000;

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * The site's conversations, newest first: one opens as a transcript that keeps up with the
 * visitor and the character while it is open, exports as JSON or CSV, and can be erased
 * with everything of its visitor's.
 */
export class StudioConversations extends LitElement {
  static override styles = studioStyles;
  static override properties = {
    list: { state: true },
    open: { state: true },
    transcript: { state: true },
    asking: { state: true },
    error: { state: true },
  };

  list: Summary[] = [];
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
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      ${this.list.length
        ? html`<table>
            <thead><tr><th scope="col">Started</th><th scope="col">Character</th><th scope="col">Visitor</th><th scope="col"><span class="visually-hidden">Open</span></th></tr></thead>
            <tbody>
              ${this.list.map(
                (c) => html`<tr part="conversation">
                  <td>${when(c.createdAt)}</td>
                  <td><code>${c.character}</code></td>
                  <td>${c.userName ?? c.userId ?? html`<span class="muted">anonymous</span>`}</td>
                  <td><button class="quiet" type="button" aria-label=${`Open the conversation of ${when(c.createdAt)}`} @click=${() => void this.#openConversation(c)}>Open</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No conversations yet.</p>`}
      ${this.open && this.transcript ? this.#renderTranscript(this.open, this.transcript) : nothing}
    </section>`;
  }

  #renderTranscript(summary: Summary, transcript: Transcript) {
    return html`<div part="transcript" role="region" aria-label="Transcript" aria-live="polite">
      <h3>Transcript · <code>${summary.character}</code></h3>
      <ol class="transcript">
        ${transcript.messages.map((m) => html`<li part="transcript-message"><strong>${m.sender_type === 'user' ? 'Visitor' : summary.character}:</strong> <span dir="auto">${m.content}</span></li>`)}
      </ol>
      <button class="quiet" type="button" @click=${() => this.#download('json', transcriptJson(summary, transcript))}>Export JSON</button>
      <button class="quiet" type="button" @click=${() => this.#download('csv', transcriptCsv(summary, transcript))}>Export CSV</button>
      ${this.asking
        ? html`<p>Erase every conversation of this visitor, for good?</p>
            <button type="button" @click=${() => void this.#erase(summary)}>Erase</button>
            <button class="quiet" type="button" @click=${() => (this.asking = false)}>Cancel</button>`
        : html`<button class="quiet" type="button" @click=${() => (this.asking = true)}>Erase this visitor…</button>`}
    </div>`;
  }

  async #loadList(): Promise<void> {
    try {
      this.list = (await api.admin.conversations.list.query({ limit: 20 })).conversations;
    } catch (error) {
      this.error = error instanceof Error ? error.message : 'The conversations could not be read.';
    }
  }

  async #openConversation(summary: Summary): Promise<void> {
    clearInterval(this.#follow);
    this.open = summary;
    this.asking = false;
    const read = async () => {
      const transcript = await api.admin.conversations.transcript.query({ conversationId: summary.id, limit: 100 }).catch(() => undefined);
      if (this.open === summary && transcript) this.transcript = transcript;
    };
    await read();
    // Kept up with while open: the latest page, read again.
    this.#follow = setInterval(() => void read(), FOLLOW_MS);
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
