import { html, LitElement, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { api, messageOf } from './api.js';
import { CARD_ACCEPT, importInputOf } from './card-files.js';
import type { CharacterRecord } from './character-form.js';
import { studioStyles } from './studio.styles.js';
import './character-editor.js';


/**
 * The site's characters: the list (each with Edit), a new one, and Character Card import
 * (dropped on the zone, or chosen with the file input); one at a time opens in the editor.
 * `characters` and `siteKey` come from the studio, which reads the site again on
 * `tipsy-studio-changed`.
 */
export class StudioCharacters extends LitElement {
  static override styles = studioStyles;
  static override properties = {
    characters: { attribute: false },
    siteKey: { attribute: false },
    editing: { state: true },
    importing: { state: true },
    dragging: { state: true },
    error: { state: true },
  };

  characters: CharacterRecord[] = [];
  siteKey = '';
  /** The character open in the editor (null: a new one), with a key so each opening is a fresh editor. */
  editing: { key: number; character: CharacterRecord | null } | undefined;
  importing = false;
  dragging = false;
  error: string | undefined;
  #opened = 0;

  override render() {
    return html`<section aria-labelledby="characters" @tipsy-studio-close=${() => (this.editing = undefined)}>
      <h2 id="characters">Characters</h2>
      ${this.characters.length
        ? html`<table>
            <thead><tr><th scope="col">Name</th><th scope="col">Slug</th><th scope="col">Greeting</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              ${this.characters.map(
                (c) => html`<tr part="character">
                  <td dir="auto">${c.name}</td>
                  <td><code>${c.slug}</code></td>
                  <td dir="auto">${c.greeting ?? ''}</td>
                  <td><button class="quiet" type="button" aria-label=${`Edit ${c.name}`} @click=${() => this.#open(c)}>Edit</button></td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted">No characters yet.</p>`}
      <div class="actions">
        <button type="button" @click=${() => this.#open(null)}>New character</button>
      </div>
      ${this.#renderImport()}
      ${this.editing
        ? keyed(this.editing.key, html`<tipsy-studio-character .character=${this.editing.character} .siteKey=${this.siteKey}></tipsy-studio-character>`)
        : nothing}
    </section>`;
  }

  #renderImport() {
    const onDrop = (event: DragEvent) => {
      event.preventDefault();
      this.dragging = false;
      const file = event.dataTransfer?.files[0];
      if (file) void this.#import(file);
    };
    const onChange = (event: Event) => {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      input.value = '';
      if (file) void this.#import(file);
    };
    return html`<div
      part="card-drop"
      class=${this.dragging ? 'drop dragging' : 'drop'}
      @dragover=${(event: DragEvent) => (event.preventDefault(), (this.dragging = true))}
      @dragleave=${() => (this.dragging = false)}
      @drop=${onDrop}
    >
      <p>Import a Character Card (V2 or V3): drop a PNG, JSON or CHARX file here, or choose one.</p>
      <label>Character card file <input type="file" accept=${CARD_ACCEPT} ?disabled=${this.importing} @change=${onChange} /></label>
      ${this.importing ? html`<p role="status">Importing…</p>` : nothing}
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
    </div>`;
  }

  #open(character: CharacterRecord | null): void {
    this.editing = { key: ++this.#opened, character };
    void this.updateComplete.then(() => this.renderRoot.querySelector('tipsy-studio-character')?.scrollIntoView({ block: 'start' }));
  }

  async #import(file: File): Promise<void> {
    const read = await importInputOf(file);
    if ('error' in read) {
      this.error = read.error;
      return;
    }
    this.importing = true;
    try {
      const imported = await api.admin.characters.import.mutate(read.input);
      this.error = undefined;
      this.dispatchEvent(new Event('tipsy-studio-changed', { bubbles: true, composed: true }));
      this.#open(imported);
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.importing = false;
    }
  }
}

customElements.define('tipsy-studio-characters', StudioCharacters);
