import { html, nothing } from 'lit';
import type { ResponderForm } from './character-form.js';

export type TestResult = { ok: true; model: string; latencyMs: number } | { ok: false; message: string };

export interface ResponderState {
  form: ResponderForm;
  testing: boolean;
  result?: TestResult;
  /** The call itself refused (operator's rules, rate limit…), in the server's words. */
  error?: string;
}

const KINDS: [ResponderForm['kind'], string][] = [
  ['default', 'The site’s default'],
  ['simulated', 'Simulated (offline, answers from the lorebook)'],
  ['openai', 'An OpenAI-compatible endpoint'],
  ['none', 'Nobody (the character never answers)'],
];

/**
 * Who speaks for the character. The API key is write-only: the server shows a stored one
 * only by its end, so the field starts empty, and left empty keeps the stored key.
 */
export function renderResponder(state: ResponderState, changed: () => void, test: () => void) {
  const { form } = state;
  const set = (apply: (value: string) => void) => (event: Event) => {
    apply((event.target as HTMLInputElement | HTMLSelectElement).value);
    changed();
  };
  return html`<fieldset part="responder">
    <legend>Who answers</legend>
    <label
      >Responder
      <select @change=${set((v) => (form.kind = v as ResponderForm['kind']))}>
        ${KINDS.map(([kind, label]) => html`<option value=${kind} ?selected=${form.kind === kind}>${label}</option>`)}
      </select>
    </label>
    ${form.kind === 'openai'
      ? html`<label>Base URL <input type="url" .value=${form.baseUrl} placeholder="https://api.openai.com/v1" required @input=${set((v) => (form.baseUrl = v))} /></label>
          <label>Model <input .value=${form.model} placeholder="gpt-4o-mini" required maxlength="200" @input=${set((v) => (form.model = v))} /></label>
          <label
            >API key
            <input
              type="password"
              autocomplete="off"
              maxlength="500"
              .value=${form.apiKey}
              placeholder=${form.keyHint ? `stored (${form.keyHint}): leave empty to keep it` : 'optional for local models'}
              @input=${set((v) => (form.apiKey = v))}
            />
          </label>`
      : nothing}
    <button class="quiet" type="button" ?disabled=${state.testing || form.kind === 'default'} @click=${test}>${state.testing ? 'Testing…' : 'Test connection'}</button>
    ${state.result?.ok ? html`<p role="status" part="test-result">Connected: ${state.result.model} answered in ${state.result.latencyMs} ms.</p>` : nothing}
    ${state.result && !state.result.ok ? html`<p role="alert" part="test-result">${state.result.message}</p>` : nothing}
    ${state.error ? html`<p role="alert">${state.error}</p>` : nothing}
  </fieldset>`;
}
