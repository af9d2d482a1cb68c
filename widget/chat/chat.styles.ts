import { css } from 'lit';

/**
 * Public styling API: the --tipsy-* custom properties below and the parts
 * named in the element's docs. Everything else is private.
 */
export const styles = css`
  :host {
    /* light-dark() follows color-scheme: the system's by default, or the theme attribute's. */
    color-scheme: light dark;
    --_accent: var(--tipsy-accent, var(--_character-accent, #c2410c));
    --_accent-fg: var(--tipsy-accent-contrast, #fff);
    --_bg: var(--tipsy-background, light-dark(#fff, #1c1917));
    --_fg: var(--tipsy-foreground, light-dark(#1c1917, #f5f5f4));
    --_muted: var(--tipsy-muted, light-dark(#78716c, #a8a29e));
    --_surface: var(--tipsy-surface, light-dark(#f5f5f4, #292524));
    --_border: var(--tipsy-border, light-dark(#e7e5e4, #44403c));
    --_danger: var(--tipsy-danger, light-dark(#b91c1c, #f87171));
    --_radius: var(--tipsy-radius, 16px);
    font-family: var(--tipsy-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--tipsy-font-size, 15px);
    line-height: 1.45;
    color: var(--_fg);
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
    min-height: 320px;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }

  .launcher {
    position: fixed;
    right: 20px;
    bottom: 20px;
    z-index: var(--tipsy-z-index, 2147483000);
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
  .launcher:focus-visible,
  button:focus-visible,
  textarea:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .launcher svg {
    width: 26px;
    height: 26px;
  }

  .panel {
    /* Inside the panel, the character's own accent (set on it) applies unless the page sets one. */
    --_accent: var(--tipsy-accent, var(--_character-accent, #c2410c));
    display: flex;
    flex-direction: column;
    background: var(--_bg);
    color: var(--_fg);
    overflow: hidden;
  }
  :host(:not([mode='inline'])) .panel {
    position: fixed;
    right: 20px;
    bottom: 88px;
    z-index: var(--tipsy-z-index, 2147483000);
    width: var(--tipsy-panel-width, 380px);
    height: var(--tipsy-panel-height, 580px);
    max-height: calc(100vh - 110px);
    border-radius: var(--_radius);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.22);
    animation: rise 0.18s ease-out;
  }
  :host([mode='inline']) .panel {
    height: 100%;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  @media (max-width: 480px) {
    :host(:not([mode='inline'])) .panel {
      inset: 0;
      width: auto;
      height: auto;
      max-height: none;
      border-radius: 0;
    }
  }
  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(12px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .panel,
    .launcher,
    .dot {
      animation: none !important;
      transition: none !important;
    }
  }

  .header {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 12px 14px;
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  .avatar {
    width: 36px;
    height: 36px;
    border-radius: 50%;
    object-fit: cover;
    background: rgb(255 255 255 / 0.25);
    flex: none;
  }
  .title {
    flex: 1;
    min-width: 0;
  }
  .name {
    font-weight: 600;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .presence {
    font-size: 0.8em;
    opacity: 0.85;
  }
  .icon-button {
    border: 0;
    background: transparent;
    color: inherit;
    cursor: pointer;
    padding: 6px;
    border-radius: 8px;
    display: grid;
    place-items: center;
  }
  .icon-button:hover {
    background: rgb(255 255 255 / 0.15);
  }

  .error {
    display: flex;
    gap: 8px;
    align-items: start;
    padding: 8px 12px;
    font-size: 0.9em;
    color: var(--_danger);
    background: color-mix(in srgb, var(--_danger) 10%, var(--_bg));
    border-bottom: 1px solid var(--_border);
  }
  .error span {
    flex: 1;
  }
  .error .icon-button:hover {
    background: color-mix(in srgb, var(--_danger) 15%, transparent);
  }

  .log {
    flex: 1;
    overflow-y: auto;
    padding: 14px;
    display: flex;
    flex-direction: column;
    gap: 8px;
    overscroll-behavior: contain;
  }
  .older {
    align-self: center;
    font-size: 0.8em;
    color: var(--_muted);
  }
  .message {
    max-width: 82%;
    padding: 8px 12px;
    border-radius: 14px;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .message.character {
    align-self: flex-start;
    background: var(--tipsy-character-bubble, var(--_surface));
    border-bottom-left-radius: 4px;
  }
  .message.user {
    align-self: flex-end;
    background: var(--tipsy-user-bubble, var(--_accent));
    color: var(--tipsy-user-bubble-text, var(--_accent-fg));
    border-bottom-right-radius: 4px;
  }
  .message.pending {
    opacity: 0.7;
  }
  .message.failed {
    background: color-mix(in srgb, var(--_danger) 15%, var(--_bg));
    color: var(--_fg);
  }
  .message.character.interrupted .meta,
  .message.character.failed {
    font-style: italic;
  }
  .meta {
    display: block;
    font-size: 0.75em;
    margin-top: 2px;
    opacity: 0.75;
  }
  .retry {
    border: 0;
    background: none;
    color: var(--_danger);
    text-decoration: underline;
    cursor: pointer;
    font: inherit;
    padding: 0;
  }

  .typing {
    align-self: flex-start;
    display: flex;
    gap: 4px;
    padding: 12px 14px;
    border-radius: 14px;
    background: var(--_surface);
  }
  .dot {
    width: 7px;
    height: 7px;
    border-radius: 50%;
    background: var(--_muted);
    animation: blink 1.2s infinite ease-in-out;
  }
  .dot:nth-child(2) {
    animation-delay: 0.15s;
  }
  .dot:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.3;
    }
    40% {
      opacity: 1;
    }
  }

  .composer {
    display: flex;
    gap: 8px;
    align-items: flex-end;
    padding: 10px;
    border-top: 1px solid var(--_border);
  }
  textarea {
    flex: 1;
    resize: none;
    field-sizing: content;
    min-height: 40px;
    max-height: 140px;
    padding: 9px 12px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: var(--_bg);
    color: var(--_fg);
    font: inherit;
  }
  .send {
    flex: none;
    width: 40px;
    height: 40px;
    border: 0;
    border-radius: 12px;
    background: var(--_accent);
    color: var(--_accent-fg);
    cursor: pointer;
    display: grid;
    place-items: center;
  }
  .send:disabled {
    opacity: 0.45;
    cursor: default;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
