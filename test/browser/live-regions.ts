/** What a screen reader would be told: every change inside a live region of a shadow root, as it happens. */

const LIVE = '[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log], [role=marquee], [role=timer]';

export interface Announcement {
  /** The live region's text after the change. */
  text: string;
  region: string;
}

/**
 * Records, once per batch of DOM changes, the text of each live region that changed. A region
 * inserted whole is not counted (screen readers read changes to a region, not its arrival).
 */
export function recordAnnouncements(root: ShadowRoot): { announcements: Announcement[]; stop(): void } {
  const announcements: Announcement[] = [];
  const observer = new MutationObserver((records) => {
    const changed = new Set<Element>();
    for (const record of records) {
      const parent = record.target instanceof Element ? record.target : record.target.parentElement;
      const region = parent?.closest(LIVE);
      if (region) changed.add(region);
    }
    for (const region of changed) announcements.push({ text: region.textContent!.trim(), region: region.outerHTML.slice(0, 80) });
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label'] });
  return { announcements, stop: () => observer.disconnect() };
}
