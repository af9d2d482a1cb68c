import { css, html, LitElement, nothing } from 'lit';
import { api, messageOf } from './api.js';
import { readAvatarFile, renderAvatar } from './avatar-field.js';
import { bytesOf, download } from './card-files.js';
import { colourOf, createOf, draftOf, emptyForm, formOf, updateOf, type CharacterForm, type CharacterRecord } from './character-form.js';
import { renderAlternateGreetings } from './greetings-editor.js';
import { renderLorebook } from './lorebook-editor.js';
import { renderResponder, type ResponderState } from './responder-field.js';
import { studioStyles } from './studio.styles.js';
import { runChange } from './studio-change.js';
import './character-preview.js';


/**
 * One character in a form, beside a live preview: `character` is the saved one to edit, or
 * null for a new one. Saving calls create or update (only the fields changed); the preview
 * stores the form as a draft (admin.characters.preview) when Preview is pressed, and on
 * opening and after each save. Fires `tipsy-studio-changed` (bubbling) after every change
 * the site's list should show, and `tipsy-studio-close` when the owner is done.
 */
export class CharacterEditor extends LitElement {
  static override styles = [
    studioStyles,
    css`
    `,
  ];
  static override properties = {
    character: { attribute: false },
    siteKey: { attribute: false },
    form: { state: true },
    busy: { state: true },
    error: { state: true },
    status: { state: true },
    previewSlug: { state: true },
    previewError: { state: true },
    confirmingDelete: { state: true },
  };

  character: CharacterRecord | null = null;
  siteKey = '';
  form: CharacterForm = emptyForm();
  busy = false;
  error: string | undefined;
  status: string | undefined;
  previewSlug = '';
  previewError: string | undefined;
  confirmingDelete = false;
  /** The form as last saved: updates send only what differs from it. */
  #saved: CharacterForm | null = null;
  #avatar: { busy: boolean; error?: string; pending?: { base64: string; blobUrl: string } } = { busy: false };
  #responder: Omit<ResponderState, 'form'> = { testing: false };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.character) {
      this.#saved = formOf(this.character);
      this.form = formOf(this.character);
      void this.#preview();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#avatar.pending) URL.revokeObjectURL(this.#avatar.pending.blobUrl);
  }

  override render() {
    const form = this.form;
    const isNew = !this.#saved;
    const changed = () => this.requestUpdate();
    const field = (apply: (value: string) => void) => (event: Event) => {
      apply((event.target as HTMLInputElement).value);
      changed();
    };
    return html`<div class="editor" part="character-editor">
      <form @submit=${this.#save} aria-labelledby="editor-title" novalidate>
        <h3 id="editor-title">${isNew ? 'New character' : html`Edit <span dir="auto">${this.#saved!.name}</span>`}</h3>
        <label>Name <input name="name" required maxlength="80" .value=${form.name} @input=${field((v) => (form.name = v))} /></label>
        ${isNew
          ? html`<label
              >Slug
              <input name="slug" required pattern="[a-z0-9][a-z0-9\\-]*" maxlength="64" placeholder="e.g. bartender" aria-describedby="slug-hint" .value=${form.slug} @input=${field((v) => (form.slug = v))} />
            </label>
            <p id="slug-hint" class="muted">Lowercase letters, digits and dashes: the widget's <code>character</code> attribute. It cannot change later.</p>`
          : html`<p>Slug: <code>${form.slug}</code></p>`}
        ${renderAvatar(
          { url: this.#avatar.pending?.blobUrl ?? form.avatarUrl, name: form.name, busy: this.#avatar.busy, error: this.#avatar.error },
          (file) => void this.#chooseAvatar(file),
          () => void this.#removeAvatar(),
        )}
        <label>Greeting <textarea name="greeting" rows="2" maxlength="1000" .value=${form.greeting} @input=${field((v) => (form.greeting = v))}></textarea></label>
        ${renderAlternateGreetings(form.alternateGreetings, changed)}
        <label>Persona <textarea name="persona" rows="5" maxlength="8000" .value=${form.persona} @input=${field((v) => (form.persona = v))}></textarea></label>
        <label
          >Example dialogue
          <textarea name="examples" rows="4" maxlength="8000" placeholder="{{user}}: …&#10;{{char}}: …" .value=${form.examples} @input=${field((v) => (form.examples = v))}></textarea>
        </label>
        <div class="row">
          <label>Accent colour <input type="color" .value=${colourOf(form.accent)} @input=${field((v) => (form.accent = v))} /></label>
          <label>Accent hex <input name="accent" maxlength="7" placeholder="none" .value=${form.accent} @input=${field((v) => (form.accent = v))} /></label>
        </div>
        ${renderLorebook(form.entries, changed)}
        ${renderResponder({ form: form.responder, ...this.#responder }, changed, () => void this.#testResponder())}
        <div class="actions">
          <button type="submit" ?disabled=${this.busy}>${isNew ? 'Create character' : 'Save changes'}</button>
          <button class="quiet" type="button" ?disabled=${this.busy} @click=${() => void this.#preview()}>Preview</button>
          ${isNew
            ? nothing
            : html`<button class="quiet" type="button" @click=${() => void this.#export('json')}>Export JSON</button>
                <button class="quiet" type="button" @click=${() => void this.#export('png')}>Export PNG</button>`}
          <button class="quiet" type="button" @click=${() => this.dispatchEvent(new Event('tipsy-studio-close', { bubbles: true, composed: true }))}>Close</button>
        </div>
        ${this.error ? html`<p role="alert" part="editor-error">${this.error}</p>` : nothing}
        ${this.status ? html`<p role="status">${this.status}</p>` : nothing}
        ${isNew ? nothing : this.#renderDelete()}
      </form>
      <section class="preview" aria-labelledby="preview-title">
        <h3 id="preview-title">Preview</h3>
        ${this.previewError ? html`<p role="alert">${this.previewError}</p>` : nothing}
        <tipsy-studio-preview .siteKey=${this.siteKey} .character=${this.previewSlug}></tipsy-studio-preview>
      </section>
    </div>`;
  }

  #renderDelete() {
    if (!this.confirmingDelete) {
      return html`<button class="quiet danger" type="button" @click=${() => (this.confirmingDelete = true)}>Delete character…</button>`;
    }
    return html`<div role="group" aria-label="Confirm deletion">
      <p>Delete <span dir="auto">${this.#saved!.name}</span> and every conversation with it, for good?</p>
      <button class="danger-solid" type="button" ?disabled=${this.busy} @click=${() => void this.#delete()}>Delete</button>
      <button class="quiet" type="button" @click=${() => (this.confirmingDelete = false)}>Cancel</button>
    </div>`;
  }

  readonly #save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    await this.#act(async () => {
      let record: CharacterRecord;
      if (!this.#saved) {
        record = await api.admin.characters.create.mutate(createOf(this.form));
        const pending = this.#avatar.pending;
        if (pending) {
          record = await api.admin.characters.setAvatar.mutate({ slug: record.slug, imageBase64: pending.base64 });
          URL.revokeObjectURL(pending.blobUrl);
          this.#avatar = { busy: false };
        }
      } else {
        const changes = updateOf(this.#saved, this.form);
        if (Object.keys(changes).length === 1) return 'Nothing changed.';
        record = await api.admin.characters.update.mutate(changes);
      }
      this.#saved = formOf(record);
      this.form = formOf(record);
      void this.#preview();
      return 'Saved.';
    });
  };

  async #delete(): Promise<void> {
    await this.#act(async () => {
      await api.admin.characters.delete.mutate({ slug: this.#saved!.slug });
      return 'Deleted.';
    });
    // Closed once the studio has been told (a closed editor's events reach no one).
    if (!this.error) this.dispatchEvent(new Event('tipsy-studio-close', { bubbles: true, composed: true }));
  }

  /** Runs a change, shows its outcome in words, and has the studio read the site again. */
  async #act(change: () => Promise<string>): Promise<void> {
    this.status = undefined;
    this.status = await runChange(this, change);
  }

  /** Stores the form as a draft and shows it in the widget (a changed draft starts a new conversation). */
  async #preview(): Promise<void> {
    if (!this.form.name.trim()) {
      this.previewError = 'Give the character a name to preview it.';
      return;
    }
    try {
      const { slug } = await api.admin.characters.preview.mutate({ draft: draftOf(this.form), ...(this.#saved && { slug: this.#saved.slug }) });
      this.previewSlug = slug;
      this.previewError = undefined;
    } catch (error) {
      this.previewError = messageOf(error);
    }
  }

  async #chooseAvatar(file: File): Promise<void> {
    const read = await readAvatarFile(file);
    if ('error' in read) {
      this.#avatar = { ...this.#avatar, error: read.error };
      return this.requestUpdate();
    }
    if (!this.#saved) {
      // Uploaded with the character when it is created.
      if (this.#avatar.pending) URL.revokeObjectURL(this.#avatar.pending.blobUrl);
      this.#avatar = { busy: false, pending: { base64: read.base64, blobUrl: URL.createObjectURL(file) } };
      return this.requestUpdate();
    }
    await this.#avatarCall(() => api.admin.characters.setAvatar.mutate({ slug: this.#saved!.slug, imageBase64: read.base64 }));
  }

  async #removeAvatar(): Promise<void> {
    if (!this.#saved) {
      if (this.#avatar.pending) URL.revokeObjectURL(this.#avatar.pending.blobUrl);
      this.#avatar = { busy: false };
      this.form.avatarUrl = null;
      return this.requestUpdate();
    }
    await this.#avatarCall(() => api.admin.characters.update.mutate({ slug: this.#saved!.slug, avatarUrl: null }));
  }

  async #avatarCall(call: () => Promise<CharacterRecord>): Promise<void> {
    this.#avatar = { busy: true };
    this.requestUpdate();
    try {
      const record = await call();
      this.form.avatarUrl = this.#saved!.avatarUrl = record.avatarUrl;
      this.#avatar = { busy: false };
      this.dispatchEvent(new Event('tipsy-studio-changed', { bubbles: true, composed: true }));
    } catch (error) {
      this.#avatar = { busy: false, error: messageOf(error) };
    }
    this.requestUpdate();
  }

  async #testResponder(): Promise<void> {
    this.#responder = { testing: true };
    this.requestUpdate();
    try {
      const { responder } = draftOf(this.form);
      const saved = this.#saved && { slug: this.#saved.slug };
      const result = responder ? await api.admin.characters.testResponder.mutate({ responder, ...saved }) : undefined;
      this.#responder = { testing: false, ...(result && { result }) };
    } catch (error) {
      this.#responder = { testing: false, error: messageOf(error) };
    }
    this.requestUpdate();
  }

  async #export(format: 'json' | 'png'): Promise<void> {
    const slug = this.#saved!.slug;
    try {
      const exported = await api.admin.characters.export.query({ slug, format, spec: 'v3' });
      if ('pngBase64' in exported) download(`${slug}.png`, bytesOf(exported.pngBase64), 'image/png');
      else download(`${slug}.json`, JSON.stringify(exported.card, null, 2), 'application/json');
      this.error = undefined;
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}

customElements.define('tipsy-studio-character', CharacterEditor);

declare global {
  interface HTMLElementTagNameMap {
    'tipsy-studio-character': CharacterEditor;
  }
}
