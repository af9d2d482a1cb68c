import { html } from 'lit';

/** Greetings a conversation may open with instead of the main one (at most 50), added and removed in place. */
export function renderAlternateGreetings(greetings: string[], changed: () => void) {
  return html`<fieldset part="alternate-greetings">
    <legend>Alternate greetings</legend>
    ${greetings.length ? '' : html`<p class="muted">None: every conversation opens with the greeting.</p>`}
    ${greetings.map(
      (greeting, i) => html`<div class="row">
        <label
          >Alternate greeting ${i + 1}
          <textarea rows="2" maxlength="1000" .value=${greeting} @input=${(e: Event) => ((greetings[i] = (e.target as HTMLTextAreaElement).value), changed())}></textarea>
        </label>
        <button class="quiet" type="button" aria-label=${`Remove alternate greeting ${i + 1}`} @click=${() => (greetings.splice(i, 1), changed())}>Remove</button>
      </div>`,
    )}
    <button class="quiet" type="button" ?disabled=${greetings.length >= 50} @click=${() => (greetings.push(''), changed())}>Add alternate greeting</button>
  </fieldset>`;
}
