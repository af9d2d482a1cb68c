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

/** The signed-in site: its characters, the snippet builder, origins and keys, conversations, and its usage. */
export function renderSite(data: SiteData, changed: () => void) {
  const publishableKey = data.keys.find((k) => k.kind === 'publishable' && !k.revokedAt)?.display;
  const { today } = data.usage;
  return html`<main>
    <tipsy-studio-characters .characters=${data.characters} .siteKey=${publishableKey ?? ''} @tipsy-studio-changed=${changed}></tipsy-studio-characters>
    <tipsy-studio-snippet .characters=${data.characters} .publishableKey=${publishableKey} .origins=${data.site.origins} .serverUrl=${location.origin}></tipsy-studio-snippet>
    <tipsy-studio-access .origins=${data.site.origins} .keys=${data.keys} @tipsy-studio-changed=${changed}></tipsy-studio-access>
    <tipsy-studio-conversations></tipsy-studio-conversations>
    <section aria-labelledby="usage">
      <h2 id="usage">Today</h2>
      <p part="usage">${today.replies} replies, ${today.inputTokens + today.outputTokens} model tokens${data.usage.reached ? html` — <strong>the ${data.usage.reached}'s budget is spent</strong>` : nothing}.</p>
    </section>
    <tipsy-studio-usage></tipsy-studio-usage>
  </main>`;
}
