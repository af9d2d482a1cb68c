import { html, nothing } from 'lit/html.js';
import type { Translate } from '../i18n/strings.js';

type RenderMarkdown = (text: string, t: Translate) => unknown;

let render: RenderMarkdown | undefined;
let loading: Promise<RenderMarkdown> | undefined;

/** Any of Markdown's marks: a character that writes plain text never fetches the renderer. */
const MARKED = /[*_`[>#]|^\s*(?:[-+]|\d+[.)])\s|https?:|mailto:/m;

/** Fetches the Markdown renderer, a module of its own (once; again after a failure). */
export function loadMarkdown(): Promise<RenderMarkdown> {
  return (loading ??= import('./markdown-view.js').then(
    (module) => (render = module.markdownRenderer({ html, nothing })),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/**
 * A character's text: its Markdown rendered once the renderer is here. Until then it shows as
 * written, and `ready` is called when rendering again would show it formatted.
 */
export function characterText(text: string, t: Translate, ready: () => void): unknown {
  if (render) return render(text, t);
  if (MARKED.test(text)) loadMarkdown().then(ready, () => undefined);
  return text;
}
