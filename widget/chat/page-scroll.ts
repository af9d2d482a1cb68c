/** How many chats hold the page's scroll (full-screen panels), and the page's own overflow before the first did. */
let pageScrollLocks = 0;
let pageOverflow = '';

/** Holds the page's scroll for one more chat, or lets go for one. */
export function lockPageScroll(lock: boolean): void {
  const style = document.documentElement.style;
  // One lock for the page, however many chats hold it: the page's own value is kept once, and back when the last lets go.
  if (lock && pageScrollLocks++ === 0) {
    pageOverflow = style.overflow;
    style.overflow = 'hidden';
  } else if (!lock && --pageScrollLocks === 0) style.overflow = pageOverflow;
}
