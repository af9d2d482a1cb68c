import { css, html, LitElement } from 'lit';
import { api, signIn, signOut, type Credential } from './api.js';
import { renderSignIn } from './sign-in-view.js';
import { renderSite, type SiteData } from './site-view.js';
import { studioStyles } from './studio.styles.js';
import './studio-access.js';
import './studio-characters.js';
import './studio-conversations.js';
import './studio-snippet.js';
import './studio-usage.js';

const LINK = /^#link=(sl_[\w-]+)$/;

/**
 * The studio: a site owner's console, served by the chat server at /studio. Signed in by a
 * session cookie the page cannot read; nothing secret is ever kept in the browser.
 */
export class TipsyStudio extends LitElement {
  // The page's whole height, in its colours; the parts inside take only what they need.
  static override styles = [studioStyles, css`:host { min-height: 100vh; }`];
  static override properties = {
    data: { state: true },
    signedIn: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  data: SiteData | undefined;
  signedIn: boolean | undefined;
  busy = false;
  error: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // A link pasted into a studio tab already open changes only the fragment: no new page.
    window.addEventListener('hashchange', this.#useLink);
    if (!this.#useLink()) void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#useLink);
  }

  /** Signs in with the link in the address, if there is one. */
  readonly #useLink = (): boolean => {
    const link = LINK.exec(location.hash)?.[1];
    if (!link) return false;
    // The link works once: out of the address bar and the history before anything else.
    history.replaceState(null, '', location.pathname);
    void this.#signIn({ link });
    return true;
  };

  override render() {
    if (this.signedIn === undefined) return html`<p role="status">Loading…</p>`;
    const state = { busy: this.busy, error: this.error };
    if (!this.signedIn || !this.data) return html`<header><h1>Tipsy Chat studio</h1></header>${renderSignIn(state, (secretKey) => void this.#signIn({ secretKey }))}`;
    return html`<header>
        <h1>${this.data.site.name}</h1>
        <button class="quiet" type="button" @click=${this.#signOut}>Sign out</button>
      </header>
      ${renderSite(this.data, () => void this.#load())}`;
  }

  async #signIn(credential: Credential): Promise<void> {
    this.busy = true;
    const result = await signIn(credential);
    this.busy = false;
    this.error = result.ok ? undefined : result.message;
    if (result.ok) await this.#load();
    else this.signedIn = false;
  }

  /** Reads the site; a refusal means no live session: the sign-in screen. */
  async #load(): Promise<void> {
    try {
      const [site, characters, usage, keys] = await Promise.all([api.admin.site.get.query(), api.admin.characters.list.query(), api.admin.site.usage.query(), api.admin.keys.list.query()]);
      this.data = { site, characters, usage, keys };
      this.signedIn = true;
    } catch {
      this.data = undefined;
      this.signedIn = false;
    }
  }

  readonly #signOut = async (): Promise<void> => {
    await signOut();
    this.data = undefined;
    this.signedIn = false;
  };
}

customElements.define('tipsy-studio', TipsyStudio);
