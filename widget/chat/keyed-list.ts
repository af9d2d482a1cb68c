import { render } from 'lit/html.js';

/**
 * A list rendered by key, as lit's `repeat` directive does, at a fraction of its weight: each
 * item is rendered with lit-html into an element of its own that stays with its key. When items
 * arrive above or below, or others go, an item's element stays where it is, untouched (focus in
 * it, a text selection, the reader's place); only an item that really changes places is moved.
 *
 * The elements take no box (`display: contents`, messages.styles.ts): what an item renders lays out
 * as if it were a child of the list's parent.
 */
export class KeyedList<T> {
  /** Rendered once into the template that holds the list, as a single node. */
  readonly element = document.createElement('div');
  #byKey = new Map<string, HTMLElement>();

  constructor() {
    this.element.className = 'entries';
  }

  /** Renders `items` in order and returns the list's element. */
  update(items: readonly T[], keyOf: (item: T) => string, template: (item: T, index: number) => unknown): HTMLElement {
    const keys = items.map(keyOf);
    const kept = new Set(keys);
    // Gone first, so no item is moved just to step past one that is leaving.
    for (const [key, child] of this.#byKey) if (!kept.has(key)) (child.remove(), this.#byKey.delete(key));
    let next = this.element.firstChild;
    items.forEach((item, index) => {
      const key = keys[index]!;
      let child = this.#byKey.get(key);
      if (!child) this.#byKey.set(key, (child = document.createElement('div')));
      render(template(item, index), child);
      if (child === next) next = child.nextSibling;
      else this.element.insertBefore(child, next);
    });
    return this.element;
  }
}
