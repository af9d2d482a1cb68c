import type { inferRouterInputs } from '@trpc/server';
import { css, html, LitElement } from 'lit';
import type { AppRouter } from '../server/protocol/api.js';
import { api } from './api.js';
import { studioStyles } from './studio.styles.js';

/** The filters `admin.conversations.list` takes (server/chat/conversation-filters.ts), as typed by the server. */
export type ConversationFilters = Pick<inferRouterInputs<AppRouter>['admin']['conversations']['list'], 'query' | 'character' | 'from' | 'to'>;

/** A date input's day, in the owner's own time zone, as the instant it starts (or ends) there. */
const dayStart = (day: string) => new Date(`${day}T00:00:00`).toISOString();
const dayEnd = (day: string) => new Date(`${day}T23:59:59.999`).toISOString();

/**
 * The search above the list of conversations: words any message holds, a character, and the
 * days they started (the owner's own days). Search fires `tipsy-studio-search` with the
 * filters in `detail`; Clear fires it with none.
 */
export class ConversationSearchForm extends LitElement {
  static override styles = [
    studioStyles,
    css`
      form.search {
        max-width: none;
        grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
        align-items: end;
        margin-bottom: 12px;
      }
      .actions {
        display: flex;
        gap: 8px;
      }
    `,
  ];
  static override properties = { characters: { state: true } };

  characters: { slug: string; name: string }[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    void api.admin.characters.list
      .query()
      .then((list) => (this.characters = list.map((c) => ({ slug: c.slug, name: c.name }))))
      .catch(() => undefined);
  }

  override render() {
    return html`<form role="search" aria-label="Search conversations" class="search" @submit=${this.#search} @reset=${this.#clear}>
      <label>Words <input name="query" type="search" maxlength="200" placeholder="any message holds them" /></label>
      <label
        >Character
        <select name="character">
          <option value="">Any</option>
          ${this.characters.map((c) => html`<option value=${c.slug}>${c.name} (${c.slug})</option>`)}
        </select>
      </label>
      <label>Started from <input name="from" type="date" /></label>
      <label>to <input name="to" type="date" /></label>
      <div class="actions">
        <button type="submit">Search</button>
        <button class="quiet" type="reset">Clear</button>
      </div>
    </form>`;
  }

  readonly #search = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
    const filters: ConversationFilters = {
      ...(field('query') && { query: field('query') }),
      ...(field('character') && { character: field('character') }),
      ...(field('from') && { from: dayStart(field('from')) }),
      ...(field('to') && { to: dayEnd(field('to')) }),
    };
    this.dispatchEvent(new CustomEvent<ConversationFilters>('tipsy-studio-search', { detail: filters }));
  };

  readonly #clear = (): void => {
    this.dispatchEvent(new CustomEvent<ConversationFilters>('tipsy-studio-search', { detail: {} }));
  };
}

customElements.define('tipsy-studio-conversation-search', ConversationSearchForm);
