import type { html as litHtml, nothing as litNothing } from 'lit/html.js';
import type { Translate } from '../i18n/strings.js';
import { parseMarkdown, type Block, type Inline, type List } from './markdown.js';

/**
 * lit-html's tag and `nothing`, handed over by the chat: this module is fetched on its own
 * (markdown-loader.ts), and a copy of lit-html of its own would be downloaded twice.
 */
export interface LitParts {
  html: typeof litHtml;
  nothing: typeof litNothing;
}

/** How many messages' trees are kept: more than a chat shows at once. */
const PARSED_KEPT = 200;

/**
 * A character's Markdown as lit-html templates: every piece of text is bound as text, links are
 * only those markdown.ts let through. Each kind of block and inline has one template, so while a
 * reply streams, lit updates the nodes already shown (same template, same place) instead of
 * replacing them.
 */
export function markdownRenderer({ html, nothing }: LitParts): (text: string, t: Translate) => unknown[] {
  function inline(node: Inline): unknown {
    if (typeof node === 'string') return node;
    const c = typeof node.c === 'string' ? node.c : node.c.map(inline);
    if (node.t === 'a') return html`<a href=${node.href} target="_blank" rel="noopener noreferrer">${c}</a>`;
    return node.t === 'code' ? html`<code>${c}</code>` : node.t === 'em' ? html`<em>${c}</em>` : html`<strong>${c}</strong>`;
  }

  function block(node: Block, t: Translate): unknown {
    if (node.t === 'p') return html`<p>${node.c.map(inline)}</p>`;
    if (node.t === 'q') return html`<blockquote>${node.c.map((inner) => block(inner, t))}</blockquote>`;
    if (node.t === 'pre')
      return html`<pre part="code-block"><button part="copy-button" .textContent=${t('copy')} @click=${(event: Event) => copy(event, t('copy'), t('copied'))}></button><code>${node.c}</code></pre>`;
    return list(node);
  }

  function list(node: List): unknown {
    const items = node.c.map((item) => html`<li>${item.c.map(inline)}${item.sub ? list(item.sub) : nothing}</li>`);
    return node.t === 'ol' ? html`<ol start=${node.start}>${items}</ol>` : html`<ul>${items}</ul>`;
  }

  // Every render of the chat renders every message again: a message's tree is parsed once, and only
  // the reply still streaming (its text new each time) is parsed anew.
  const parsed = new Map<string, Block[]>();
  return (text, t) => {
    let tree = parsed.get(text);
    if (!tree) {
      tree = parseMarkdown(text);
      parsed.set(text, tree);
      if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
    }
    return tree.map((node) => block(node, t));
  };
}

/**
 * Copies the code below the button, read when clicked (a block still streaming has grown since it
 * rendered). The button's label is a property, not a part of the template, so changing it here
 * leaves lit-html's own nodes alone.
 */
function copy(event: Event, label: string, copied: string): void {
  const button = event.currentTarget as HTMLButtonElement;
  // Not offered here (a page over plain http): nothing is copied, and the label stays as it was.
  navigator.clipboard?.writeText(button.nextElementSibling!.textContent!).then(
    () => {
      button.textContent = copied;
      setTimeout(() => (button.textContent = label), 2000);
    },
    () => {},
  );
}
