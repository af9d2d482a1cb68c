import { css, html, LitElement, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { studioStyles } from './studio.styles.js';
import { loadWidget } from './widget-module.js';
import { USER_HASH_EXAMPLES } from './user-hash-examples.js';

/** The languages the widget speaks (docs/embedding.md, "Languages"); empty: the page's. */
const LANGUAGES: readonly [string, string][] = [
  ['', "The page's language"],
  ['en', 'English'],
  ['es', 'Spanish'],
  ['fr', 'French'],
  ['de', 'German'],
  ['pt', 'Portuguese'],
  ['ja', 'Japanese'],
  ['ar', 'Arabic'],
  ['he', 'Hebrew'],
];
const DEFAULT_ACCENT = '#c2410c';

/** What the owner picked: each becomes an attribute of `<tipsy-chat>` (docs/embedding.md). */
interface Choices {
  character: string;
  mode: 'launcher' | 'inline';
  theme: 'auto' | 'light' | 'dark';
  /** A colour for `--tipsy-accent`; empty: the character's own accent. */
  accent: string;
  lang: string;
  placeholder: string;
  open: boolean;
  sound: boolean;
  signedIn: boolean;
}

/** An attribute's value in the snippet, as HTML text: it can hold nothing but text. */
const quoted = (value: string) => `"${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`;

/** The element's attributes for the choices, in the order the snippet writes them (the live preview's differ only in `user-*`). */
function attributesOf(c: Choices, siteKey: string): [string, string | true][] {
  const list: [string, string | true][] = [['site-key', siteKey]];
  if (c.character) list.push(['character', c.character]);
  if (c.mode !== 'launcher') list.push(['mode', c.mode]);
  if (c.mode === 'launcher' && c.open) list.push(['open', true]);
  if (c.theme !== 'auto') list.push(['theme', c.theme]);
  if (c.lang) list.push(['lang', c.lang]);
  if (c.placeholder) list.push(['placeholder', c.placeholder]);
  if (c.sound) list.push(['sound', true]);
  if (c.accent) list.push(['style', `--tipsy-accent: ${c.accent}`]);
  return list;
}

export function snippetOf(c: Choices, siteKey: string, serverUrl: string): string {
  const attributes = attributesOf(c, siteKey).map(([name, value]) => (value === true ? ` ${name}` : ` ${name}=${quoted(value)}`));
  if (c.signedIn) attributes.push(' user-id="USER_ID" user-hash="USER_HASH"');
  const element = `<tipsy-chat${attributes.join('')}></tipsy-chat>`;
  const script = `<script src=${quoted(`${serverUrl}/widget/tipsy-chat.js`)} defer></script>`;
  return `${script}\n${c.mode === 'inline' ? `<div style="height: 480px">\n  ${element}\n</div>` : element}\n`;
}

/**
 * The snippet builder: the owner picks a character, a mode, a theme, an accent, a language and
 * the rest of what pages commonly set, sees the snippet change as they pick, copies it, and
 * sees a live `<tipsy-chat>` with the same attributes beside it (the widget's module comes from
 * the chat server, `serverUrl`). With a signed-in user, how their server computes `user-hash`.
 */
export class StudioSnippet extends LitElement {
  static override styles = [
    studioStyles,
    css`
      .builder {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
        gap: 24px;
        align-items: start;
      }
      label.check {
        display: flex;
        gap: 8px;
        align-items: center;
        font-weight: 400;
      }
      textarea.code {
        font: 13px/1.4 ui-monospace, monospace;
        width: 100%;
        box-sizing: border-box;
      }
      .preview {
        /* A containing block for the launcher's fixed bubble and panel: they stay in this box. */
        transform: translateZ(0);
        position: relative;
        height: 620px;
        overflow: hidden;
        border: 1px solid var(--line);
        border-radius: 6px;
      }
      .preview .inline {
        height: 480px;
        margin: 12px;
      }
      pre {
        overflow-x: auto;
      }
    `,
  ];
  static override properties = {
    characters: { attribute: false },
    publishableKey: { attribute: false },
    origins: { attribute: false },
    serverUrl: { attribute: false },
    choices: { state: true },
    copied: { state: true },
  };

  /** The site's characters (admin.characters.list: slug and name are read). */
  characters: { slug: string; name: string }[] = [];
  publishableKey: string | undefined;
  origins: string[] = [];
  /** The chat server's origin: the snippet's script comes from it (default: this page's). */
  serverUrl = location.origin;
  choices: Choices = { character: '', mode: 'launcher', theme: 'auto', accent: '', lang: '', placeholder: '', open: false, sound: false, signedIn: false };
  copied: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // The live preview's element; should it fail to load, the snippet is still right, and the preview says nothing.
    loadWidget().catch(() => undefined);
  }

  #pick<K extends keyof Choices>(key: K, value: Choices[K]): void {
    this.choices = { ...this.choices, [key]: value };
    this.copied = undefined;
  }

  override render() {
    const c = this.choices;
    const siteKey = this.publishableKey ?? 'pk_…';
    const snippet = snippetOf(c, siteKey, this.serverUrl);
    const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;
    const checked = (event: Event) => (event.target as HTMLInputElement).checked;
    return html`<section aria-labelledby="snippet-builder">
      <h2 id="snippet-builder">Snippet builder</h2>
      <p class="muted">Paste the snippet into any page of ${this.origins.length ? this.origins.join(', ') : 'your site (add its origin first)'}.</p>
      <div class="builder">
        <form @submit=${(e: Event) => e.preventDefault()}>
          <label
            >Character
            <select @change=${(e: Event) => this.#pick('character', value(e))}>
              <option value="" ?selected=${!c.character}>The site's first</option>
              ${this.characters.map((ch) => html`<option value=${ch.slug} ?selected=${c.character === ch.slug}>${ch.name} (${ch.slug})</option>`)}
            </select>
          </label>
          <label
            >Mode
            <select @change=${(e: Event) => this.#pick('mode', value(e) as Choices['mode'])}>
              <option value="launcher">Launcher: a bubble that opens a panel</option>
              <option value="inline">Inline: fills its container</option>
            </select>
          </label>
          <label
            >Theme
            <select @change=${(e: Event) => this.#pick('theme', value(e) as Choices['theme'])}>
              <option value="auto">Auto: as the visitor's system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <label class="check"><input type="checkbox" .checked=${!!c.accent} @change=${(e: Event) => this.#pick('accent', checked(e) ? DEFAULT_ACCENT : '')} /> Own accent colour</label>
          ${c.accent ? html`<label>Accent colour <input type="color" .value=${c.accent} @input=${(e: Event) => this.#pick('accent', value(e))} /></label>` : nothing}
          <label
            >Language
            <select @change=${(e: Event) => this.#pick('lang', value(e))}>
              ${LANGUAGES.map(([code, name]) => html`<option value=${code}>${name}</option>`)}
            </select>
          </label>
          <label>Placeholder <input maxlength="200" .value=${c.placeholder} @input=${(e: Event) => this.#pick('placeholder', value(e).trim())} /></label>
          ${c.mode === 'launcher' ? html`<label class="check"><input type="checkbox" .checked=${c.open} @change=${(e: Event) => this.#pick('open', checked(e))} /> Panel open on load</label>` : nothing}
          <label class="check"><input type="checkbox" .checked=${c.sound} @change=${(e: Event) => this.#pick('sound', checked(e))} /> A chime for replies while closed</label>
          <label class="check"><input type="checkbox" .checked=${c.signedIn} @change=${(e: Event) => this.#pick('signedIn', checked(e))} /> Signed-in users (user-id and user-hash)</label>
        </form>
        <div>
          <label>Snippet <textarea class="code" part="snippet-code" readonly rows="6" .value=${snippet}></textarea></label>
          <button type="button" @click=${() => void this.#copy(snippet)}>Copy</button>
          <span role="status">${this.copied ?? ''}</span>
          ${c.signedIn ? this.#userHash() : nothing}
        </div>
      </div>
      <h3 id="live-preview">Live preview</h3>
      <div class="preview" role="region" aria-labelledby="live-preview">${this.#preview(c, siteKey)}</div>
    </section>`;
  }

  /** The widget itself, with the snippet's attributes (no user: the studio holds no identity secret). */
  #preview(c: Choices, siteKey: string) {
    const attrs = new Map(attributesOf(c, siteKey));
    const text = (name: string) => {
      const v = attrs.get(name);
      return typeof v === 'string' ? v : undefined;
    };
    const chat = html`<tipsy-chat
      part="live-chat"
      server=${this.serverUrl}
      site-key=${siteKey}
      character=${ifDefined(text('character'))}
      mode=${ifDefined(text('mode'))}
      theme=${ifDefined(text('theme'))}
      lang=${ifDefined(text('lang'))}
      placeholder=${ifDefined(text('placeholder'))}
      style=${ifDefined(text('style'))}
      ?open=${attrs.has('open')}
      ?sound=${attrs.has('sound')}
    ></tipsy-chat>`;
    return c.mode === 'inline' ? html`<div class="inline">${chat}</div>` : chat;
  }

  #userHash() {
    return html`<p>Fill in <code>USER_ID</code> with your user's id and <code>USER_HASH</code> with its hash, computed on your server with the site's identity secret (never in the page):</p>
      ${USER_HASH_EXAMPLES.map(
        (example) => html`<details part="user-hash-example">
          <summary>${example.language}</summary>
          <pre><code>${example.code}</code></pre>
        </details>`,
      )}`;
  }

  /** Copies with the clipboard API where there is one; else selects the snippet, for the owner's own copy. */
  async #copy(snippet: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(snippet);
      this.copied = 'Copied.';
    } catch {
      const area = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.code');
      area?.focus();
      area?.select();
      this.copied = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  }
}

customElements.define('tipsy-studio-snippet', StudioSnippet);
