import type { inferRouterOutputs } from '@trpc/server';
import { html, LitElement, nothing } from 'lit';
import type { AppRouter } from '../server/protocol/api.js';
import { api, messageOf } from './api.js';
import { studioStyles } from './studio.styles.js';

type Key = inferRouterOutputs<AppRouter>['admin']['keys']['list'][number];


/**
 * Who may use the site: the origins its pages are served from, and its keys, as the studio
 * read them (`origins`, `keys`). A change fires `tipsy-studio-changed`, and the studio reads
 * the site again (its snippet names the publishable key). A new or rotated secret key is shown
 * here once, and never again (the server keeps only its hash).
 */
export class StudioAccess extends LitElement {
  static override styles = studioStyles;
  static override properties = {
    origins: { attribute: false },
    keys: { attribute: false },
    shownSecret: { state: true },
    error: { state: true },
  };

  origins: string[] = [];
  keys: Key[] = [];
  /** A secret key just issued: shown until the owner leaves the page. */
  shownSecret: string | undefined;
  error: string | undefined;

  override render() {
    const live = this.keys.filter((k) => !k.revokedAt);
    return html`<section aria-labelledby="access">
      <h2 id="access">Origins and keys</h2>
      <form @submit=${this.#saveOrigins}>
        <label
          >Allowed origins, one per line
          <textarea name="origins" rows="3" .value=${this.origins.join('\n')}></textarea>
        </label>
        <p class="muted">
          The chat answers pages from these origins only: <code>https://shop.example.com</code> exactly, or <code>https://*.example.com</code> for its
          subdomains (not the bare domain). Scheme and port count; no paths.
        </p>
        <button type="submit">Save origins</button>
      </form>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      ${this.shownSecret
        ? html`<p role="status" part="new-secret">New secret key, shown only now: <code>${this.shownSecret}</code></p>`
        : nothing}
      <table>
        <thead><tr><th scope="col">Kind</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          ${live.map(
            (k) => html`<tr part="key">
              <td>${k.kind}</td>
              <td><code>${k.display}</code></td>
              <td>${new Date(k.createdAt).toLocaleDateString()}</td>
              <td>
                <button class="quiet" type="button" aria-label=${`Rotate ${k.kind} key ${k.display}`} @click=${() => void this.#act(() => api.admin.keys.rotate.mutate({ keyId: k.id }))}>Rotate</button>
                <button class="quiet" type="button" aria-label=${`Revoke ${k.kind} key ${k.display}`} @click=${() => void this.#act(() => api.admin.keys.revoke.mutate({ keyId: k.id }))}>Revoke</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
      <button class="quiet" type="button" @click=${() => void this.#act(() => api.admin.keys.create.mutate({ kind: 'publishable' }))}>New publishable key</button>
      <button class="quiet" type="button" @click=${() => void this.#act(() => api.admin.keys.create.mutate({ kind: 'secret' }))}>New secret key</button>
    </section>`;
  }

  readonly #saveOrigins = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const text = ((event.currentTarget as HTMLFormElement).elements.namedItem('origins') as HTMLTextAreaElement).value;
    const origins = text.split('\n').map((line) => line.trim()).filter(Boolean);
    await this.#act(() => api.admin.site.update.mutate({ origins }));
  };

  /** Runs a change, shows a secret key it issued, and has the studio read the site again. */
  async #act(change: () => Promise<unknown>): Promise<void> {
    try {
      const result = await change();
      const issued = result as { kind?: string; key?: string } | undefined;
      if (issued?.kind === 'secret' && issued.key) this.shownSecret = issued.key;
      this.error = undefined;
      this.dispatchEvent(new Event('tipsy-studio-changed'));
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}

customElements.define('tipsy-studio-access', StudioAccess);
