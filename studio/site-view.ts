import type { inferRouterOutputs } from '@trpc/server';
import { html, nothing } from 'lit';
import type { AppRouter } from '../server/protocol/api.js';

type Outputs = inferRouterOutputs<AppRouter>['admin'];
export interface SiteData {
  site: Outputs['site']['get'];
  characters: Outputs['characters']['list'];
  usage: Outputs['site']['usage'];
  keys: Outputs['keys']['list'];
}

export interface NewCharacter {
  slug: string;
  name: string;
  greeting?: string;
  persona?: string;
}

/** The signed-in site: its characters (and a new one), the snippet that embeds them, and today's model usage. */
export function renderSite(data: SiteData, state: { busy: boolean; error?: string }, create: (character: NewCharacter) => void, changed: () => void) {
  const onCreate = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    create({ slug: field('slug'), name: field('name'), ...(field('greeting') && { greeting: field('greeting') }), ...(field('persona') && { persona: field('persona') }) });
  };
  const first = data.characters[0]?.slug;
  const publishableKey = data.keys.find((k) => k.kind === 'publishable' && !k.revokedAt)?.display;
  const snippet = `<script src="${location.origin}/widget/tipsy-chat.js" async></script>\n<tipsy-chat site-key="${publishableKey ?? 'pk_…'}"${first ? ` character="${first}"` : ''}></tipsy-chat>`;
  const { today } = data.usage;
  return html`<main>
    <section aria-labelledby="characters">
      <h2 id="characters">Characters</h2>
      ${data.characters.length
        ? html`<table>
            <thead><tr><th scope="col">Name</th><th scope="col">Slug</th><th scope="col">Greeting</th></tr></thead>
            <tbody>
              ${data.characters.map((c) => html`<tr part="character"><td>${c.name}</td><td><code>${c.slug}</code></td><td>${c.greeting ?? ''}</td></tr>`)}
            </tbody>
          </table>`
        : html`<p class="muted">No characters yet.</p>`}
    </section>
    <section aria-labelledby="new-character">
      <h2 id="new-character">New character</h2>
      <form @submit=${onCreate}>
        <label>Name <input name="name" required maxlength="80" /></label>
        <label>Slug <input name="slug" required pattern="[a-z0-9][a-z0-9-]*" maxlength="40" placeholder="e.g. bartender" /></label>
        <label>Greeting <input name="greeting" maxlength="1000" /></label>
        <label>Persona <textarea name="persona" rows="3" maxlength="4000"></textarea></label>
        <button type="submit" ?disabled=${state.busy}>Create</button>
        ${state.error ? html`<p role="alert">${state.error}</p>` : nothing}
      </form>
    </section>
    <section aria-labelledby="embed">
      <h2 id="embed">Embed</h2>
      <p class="muted">Paste this into any page of ${data.site.origins.length ? data.site.origins.join(', ') : 'your site (add its origin first)'}.</p>
      <pre part="snippet">${snippet}</pre>
      <button class="quiet" type="button" @click=${() => navigator.clipboard?.writeText(snippet)}>Copy</button>
    </section>
    <tipsy-studio-access .origins=${data.site.origins} .keys=${data.keys} @tipsy-studio-changed=${changed}></tipsy-studio-access>
    <tipsy-studio-conversations></tipsy-studio-conversations>
    <section aria-labelledby="usage">
      <h2 id="usage">Today</h2>
      <p part="usage">${today.replies} replies, ${today.inputTokens + today.outputTokens} model tokens${data.usage.reached ? html` — <strong>the ${data.usage.reached}'s budget is spent</strong>` : nothing}.</p>
    </section>
  </main>`;
}
