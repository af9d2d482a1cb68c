import type { inferRouterOutputs } from '@trpc/server';
import { css, html, LitElement, nothing, svg } from 'lit';
import type { AppRouter } from '../server/protocol/api.js';
import { api } from './api.js';
import { studioStyles } from './studio.styles.js';

type Day = inferRouterOutputs<AppRouter>['admin']['site']['stats']['days'][number];
type Series = Exclude<keyof Day, 'day'>;

/** The charts, one per series: what each counts, and whether more of it is bad news (drawn in the danger colour). */
const SERIES: readonly { key: Series; title: string; alarming?: boolean }[] = [
  { key: 'conversations', title: 'Conversations started' },
  { key: 'visitorMessages', title: 'Messages from visitors' },
  { key: 'replies', title: 'Replies by characters' },
  { key: 'failed', title: 'Failed replies', alarming: true },
  { key: 'interrupted', title: 'Interrupted replies', alarming: true },
  { key: 'refusals', title: 'Requests refused by rate limits', alarming: true },
];

const WIDTH = 300;
const HEIGHT = 80;
/** A day's UTC date, as the owner reads dates. */
const dayName = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * The site's last `days` UTC days at a glance (admin.site.stats): a small bar chart per series,
 * drawn as inline SVG in the studio's own colours (light and dark), each named by its heading and
 * read to screen readers as a table of its days (the drawing itself is hidden from them).
 */
export class StudioUsage extends LitElement {
  static override styles = [
    studioStyles,
    css`
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));
        gap: 16px;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
      }
      svg {
        display: block;
        width: 100%;
        height: auto;
        border-bottom: 1px solid var(--line);
      }
      .bar {
        fill: var(--accent);
      }
      .alarming .bar {
        fill: var(--danger);
      }
    `,
  ];
  static override properties = {
    days: { type: Number },
    stats: { state: true },
    error: { state: true },
  };

  /** How many days, today included (1–90). */
  days = 30;
  stats: Day[] | undefined;
  error: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Reads the days again. */
  async refresh(): Promise<void> {
    try {
      this.stats = (await api.admin.site.stats.query({ days: this.days })).days;
      this.error = undefined;
    } catch (error) {
      this.error = error instanceof Error ? error.message : 'The usage could not be read.';
    }
  }

  override render() {
    return html`<section aria-labelledby="usage-by-day">
      <h2 id="usage-by-day">Last ${this.days} days</h2>
      <p class="muted">By UTC day, today last.</p>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      ${this.stats ? html`<div class="charts">${SERIES.map((series) => this.#chart(series, this.stats!))}</div>` : html`<p role="status">Loading…</p>`}
    </section>`;
  }

  #chart(series: (typeof SERIES)[number], days: Day[]) {
    const values = days.map((d) => d[series.key]);
    const total = values.reduce((a, b) => a + b, 0);
    const max = Math.max(1, ...values);
    const slot = WIDTH / Math.max(1, days.length);
    const id = `chart-${series.key}`;
    return html`<figure part="usage-chart" class=${series.alarming ? 'alarming' : ''} aria-labelledby=${id}>
      <figcaption id=${id}>${series.title}: ${total}</figcaption>
      <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-hidden="true" focusable="false" preserveAspectRatio="none">
        ${values.map((value, i) => {
          // A day with none still shows a sliver on the baseline, so zeros read as days, not gaps.
          const height = value ? Math.max(2, (value / max) * HEIGHT) : 1;
          return svg`<rect class="bar" x=${i * slot + slot * 0.15} y=${HEIGHT - height} width=${slot * 0.7} height=${height}></rect>`;
        })}
      </svg>
      <table class="visually-hidden">
        <caption>${series.title}, by UTC day</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">Count</th></tr></thead>
        <tbody>
          ${days.map((d) => html`<tr><th scope="row">${dayName(d.day)}</th><td>${d[series.key]}</td></tr>`)}
        </tbody>
      </table>
    </figure>`;
  }
}

customElements.define('tipsy-studio-usage', StudioUsage);
