import { html } from 'lit';
import { emptyEntry, type LoreEntryForm } from './character-form.js';

/**
 * The lorebook's entries: keys (comma-separated), content, enabled, constant; added and
 * removed in place. `changed` is called after every edit (the editor renders again).
 * Fields the form does not show (priority, position, regex keys…) stay as they came.
 */
export function renderLorebook(entries: LoreEntryForm[], changed: () => void) {
  const edit = (entry: LoreEntryForm, apply: (entry: LoreEntryForm) => void) => () => {
    apply(entry);
    changed();
  };
  return html`<fieldset part="lorebook">
    <legend>Lorebook</legend>
    <p class="muted">Facts the character brings up when a key is said: a key matches inside words too (“bar” in “barrel”). Constant entries are always in the prompt.</p>
    ${entries.map(
      (entry, i) => html`<fieldset part="lore-entry" class="entry">
        <legend>Entry ${i + 1}</legend>
        <label
          >Keys, comma-separated
          <input .value=${entry.keys} maxlength="4000" @input=${(e: Event) => edit(entry, (it) => (it.keys = (e.target as HTMLInputElement).value))()} />
        </label>
        <label
          >Content
          <textarea rows="3" maxlength="8000" .value=${entry.content} @input=${(e: Event) => edit(entry, (it) => (it.content = (e.target as HTMLTextAreaElement).value))()}></textarea>
        </label>
        <div class="checks">
          <label class="check"
            ><input type="checkbox" .checked=${entry.enabled} @change=${(e: Event) => edit(entry, (it) => (it.enabled = (e.target as HTMLInputElement).checked))()} />
            Enabled</label
          >
          <label class="check"
            ><input type="checkbox" .checked=${entry.constant} @change=${(e: Event) => edit(entry, (it) => (it.constant = (e.target as HTMLInputElement).checked))()} />
            Constant</label
          >
        </div>
        <button class="quiet" type="button" aria-label=${`Remove entry ${i + 1}`} @click=${() => (entries.splice(i, 1), changed())}>Remove</button>
      </fieldset>`,
    )}
    <button class="quiet" type="button" @click=${() => (entries.push(emptyEntry()), changed())}>Add lorebook entry</button>
  </fieldset>`;
}
