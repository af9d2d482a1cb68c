/**
 * The element's own styles, present before the chat loads: the public
 * --tipsy-* custom properties (read here once, for the chat's styles too),
 * the theme, the bubble and the load-failure notice. Sides are logical
 * (inline-end, not right): right to left, the bubble sits bottom left.
 */
export const launcherStyles = `
  :host {
    color-scheme: light dark;
    --_accent: var(--tipsy-accent, var(--_character-accent, #c2410c));
    --_accent-fg: var(--tipsy-accent-contrast, #fff);
    /* The light colours alone, where light-dark() is missing (before Chrome 123, Firefox 120, Safari 17.5). */
    --_bg: var(--tipsy-background, #fff);
    --_fg: var(--tipsy-foreground, #1c1917);
    --_muted: var(--tipsy-muted, #78716c);
    --_surface: var(--tipsy-surface, #f5f5f4);
    --_border: var(--tipsy-border, #e7e5e4);
    --_danger: var(--tipsy-danger, #b91c1c);
    --_radius: var(--tipsy-radius, 16px);
    --_z: var(--tipsy-z-index, 2147483000);
    /* !important: inherited properties reach the text, and a page's !important rule on * matches the host. */
    font: normal var(--tipsy-font-size, 15px) / 1.45 var(--tipsy-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif) !important;
    color: var(--_fg) !important;
    letter-spacing: normal !important;
    text-transform: none !important;
  }
  @supports (color: light-dark(#000, #fff)) {
    /* light-dark() follows color-scheme: the system's by default, or the theme attribute's. */
    :host {
      --_bg: var(--tipsy-background, light-dark(#fff, #1c1917));
      --_fg: var(--tipsy-foreground, light-dark(#1c1917, #f5f5f4));
      --_muted: var(--tipsy-muted, light-dark(#78716c, #a8a29e));
      --_surface: var(--tipsy-surface, light-dark(#f5f5f4, #292524));
      --_border: var(--tipsy-border, light-dark(#e7e5e4, #44403c));
      --_danger: var(--tipsy-danger, light-dark(#b91c1c, #f87171));
    }
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([mode='inline']) {
    display: block;
    height: 100%;
    min-height: 240px;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  /* The bubble sits on the host page, whose colours are unknown: a dark ring on a light band contrasts with any of them, whatever the accent. */
  .launcher:focus-visible {
    outline: 2px solid #1c1917;
    box-shadow: 0 0 0 2px #fff, 0 6px 20px rgb(0 0 0 / 0.25);
  }

  .launcher {
    position: fixed;
    inset-inline-end: 20px;
    /* --_lift: set on the element when floating launchers come before it. */
    bottom: calc(20px + var(--_lift, 0px));
    z-index: var(--_z);
    width: 56px;
    height: 56px;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-fg);
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.25);
    cursor: pointer;
    display: grid;
    place-items: center;
    transition: transform 0.15s ease;
  }
  .launcher:hover {
    transform: scale(1.06);
  }
  .launcher[aria-busy='true'] {
    cursor: progress;
  }
  .launcher svg {
    width: 26px;
    height: 26px;
  }
  .badge {
    position: absolute;
    top: -4px;
    inset-inline-end: -4px;
    padding: 0 7px;
    border-radius: 11px;
    background: var(--_danger);
    color: var(--_bg);
    font: 700 12px/22px system-ui, sans-serif;
  }
  /* Above its own bubble, and over the bubbles stacked above that. */
  @media (min-width: 481px) {
    :host(:not([mode='inline'])) .panel:not(#_) {
      bottom: calc(88px + var(--_lift, 0px));
      max-height: calc(100vh - 110px - var(--_lift, 0px));
      z-index: calc(var(--_z) + 1);
    }
  }

  .notice {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 10px;
    padding: 14px;
    color: var(--_danger);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  :host(:not([mode='inline'])) .notice {
    position: fixed;
    inset-inline-end: 20px;
    bottom: calc(88px + var(--_lift, 0px));
    z-index: var(--_z);
    width: min(var(--tipsy-panel-width, 380px), calc(100vw - 40px));
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.22);
  }
  :host([mode='inline']) .notice {
    height: 100%;
    justify-content: center;
    align-items: center;
    text-align: center;
  }
  .notice button {
    border: 0;
    border-radius: 8px;
    padding: 6px 14px;
    background: var(--_accent);
    color: var(--_accent-fg);
    font: inherit;
    cursor: pointer;
  }

  @media (prefers-reduced-motion: reduce) {
    .launcher {
      transition: none;
    }
  }
`;
