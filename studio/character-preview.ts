import { css, html, LitElement } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { studioStyles } from './studio.styles.js';
import { loadWidget } from './widget-module.js';


/**
 * The live preview: the real `<tipsy-chat>`, inline, with the site's publishable key, talking
 * to the real server about the draft `character`. A new slug (another draft) mounts a new
 * widget, so a new conversation starts; the same draft carries on its conversation.
 */
export class CharacterPreview extends LitElement {
  static override styles = [
    studioStyles,
    css`
      .frame {
        height: 520px;
        border: 1px solid var(--line);
        border-radius: 8px;
        overflow: hidden;
      }
    `,
  ];
  static override properties = {
    siteKey: { attribute: 'site-key' },
    character: {},
    error: { state: true },
  };

  siteKey = '';
  /** The draft's slug; empty: nothing to preview yet. */
  character = '';
  error: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    loadWidget().catch(() => (this.error = 'The chat widget could not be loaded from this server (is it built? `npm run build`).'));
  }

  override render() {
    if (this.error) return html`<p role="alert">${this.error}</p>`;
    if (!this.siteKey) return html`<p class="muted">The preview needs a publishable key: create one under Origins and keys.</p>`;
    if (!this.character) return html`<p class="muted">Press Preview to talk to the character as it is in the form.</p>`;
    return html`<div class="frame" part="preview">
      ${keyed(this.character, html`<tipsy-chat mode="inline" site-key=${this.siteKey} character=${this.character} server=${location.origin}></tipsy-chat>`)}
    </div>`;
  }
}

customElements.define('tipsy-studio-preview', CharacterPreview);
