/**
 * A fresh customer page for tests of the built widget: an iframe of the test
 * page's own origin (so an allowed origin), with its own element registry,
 * module map and resource timeline.
 */
export interface EmbedFrame {
  window: Window;
  document: Document;
  /** Every URL the page has fetched from `origin` so far, in order. */
  fetchedFrom(origin: string): string[];
  remove(): void;
}

export async function embedFrame(head: string, body: string): Promise<EmbedFrame> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width: 800px; height: 700px; border: 0';
  frame.srcdoc = `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded; // after the page's scripts ran (classic and module alike)
  const win = frame.contentWindow!;
  return {
    window: win,
    document: win.document,
    fetchedFrom: (origin) =>
      win.performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((url) => url.startsWith(`${origin}/`)),
    remove: () => frame.remove(),
  };
}
