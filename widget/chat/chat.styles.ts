/**
 * The panel's styles. Public styling API: the --tipsy-* custom properties
 * (read on :host in widget/tipsy-chat/launcher.styles.ts, which is always
 * adopted first) and the parts named in the element's docs. Everything else
 * is private.
 */
export const chatStyles = `
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
    inset-inline-end: 20px;
    bottom: 88px;
    /* Over every bubble, other chats' included. */
    z-index: calc(var(--_z) + 1);
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
  /* Full screen on phones: over the bubble (hidden, the panel has its own close button), inside the
     safe area, and as tall as the visual viewport (chat-view.ts), so the keyboard never hides the composer. */
  @media (max-width: 480px) {
    :host(:not([mode='inline'])) .panel {
      inset: 0;
      top: var(--_vv-top, 0);
      width: auto;
      height: var(--_vv-height, auto);
      max-height: none;
      border-radius: 0;
      padding: env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);
    }
    :host([open]) [part~='launcher'] {
      display: none;
    }
    /* Below 16px, iOS zooms the page in on focus. */
    .composer textarea {
      font-size: 16px;
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
  }
  /* Rings in a colour that contrasts with what is behind them, whatever the accent. */
  .panel :focus-visible {
    outline-color: var(--_fg);
  }
  .header :focus-visible {
    outline-color: currentColor;
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
  /* The messages' elements (keyed-list.ts) take no box: each message lays out in the log itself. */
  .entries,
  .entries > div {
    display: contents;
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
    border-end-start-radius: 4px;
  }
  .message.user {
    align-self: flex-end;
    background: var(--tipsy-user-bubble, var(--_accent));
    color: var(--tipsy-user-bubble-text, var(--_accent-fg));
    border-end-end-radius: 4px;
  }
  .message.failed {
    background: color-mix(in srgb, var(--_danger) 15%, var(--_bg));
    color: var(--_fg);
  }
  .message.character.interrupted .meta,
  .message.character.failed {
    font-style: italic;
  }
  /* A character's Markdown (markdown-view.ts): text keeps the bubble's colour, so its contrast, in either theme. */
  .text * {
    margin: 0;
  }
  /* Between blocks and list items (inline elements take no vertical margin). */
  .text * + * {
    margin-top: 0.4em;
  }
  .text :is(ul, ol) {
    padding-inline-start: 1.4em;
  }
  .text blockquote {
    padding-inline-start: 0.6em;
    border-inline-start: 3px solid var(--_muted);
  }
  .text a {
    color: inherit;
  }
  .text :not(pre) > code,
  .text pre {
    padding: 0 0.2em;
    border-radius: 4px;
    /* A grey tint shows on light and dark bubbles alike. */
    background: #8883;
  }
  .text pre {
    padding: 4px 8px;
    overflow-x: auto;
  }
  /* On a line of its own, at the line's end: a scrolled code line never runs under it. */
  .text button {
    display: block;
    margin-inline-start: auto;
    color: inherit;
    background: none;
    border: 1px solid;
    border-radius: 6px;
  }
  .meta {
    display: block;
    font-size: 0.75em;
    margin-top: 2px;
  }
  /* Under the last message: its versions (‹ n/m ›) and Regenerate. */
  .versions {
    align-self: flex-start;
    display: flex;
    align-items: center;
    margin-top: -6px;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .versions .icon-button {
    font: inherit;
    font-size: 1.2em;
    padding: 0 8px;
  }
  .versions .icon-button:hover {
    background: #8883;
  }
  .icon-button:disabled,
  [aria-disabled='true'] {
    opacity: 0.45;
    cursor: default;
  }
  .retry {
    border: 0;
    background: none;
    color: inherit;
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
    border: 1px solid var(--_muted);
    border-radius: 12px;
    background: var(--_bg);
    color: var(--_fg);
    font: inherit;
  }
  ::placeholder {
    color: var(--_muted);
    opacity: 1;
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
  /* Last, to win over the rules above. A short window (at 400 % zoom, 1280 × 720 becomes 320 × 180): header and composer slim down so messages keep the room. */
  @media (max-height: 300px) {
    .header {
      padding-block: 4px;
    }
    .avatar {
      width: 24px;
      height: 24px;
    }
    .composer {
      padding-block: 4px;
    }
    .composer textarea {
      min-height: 32px;
      padding-block: 5px;
    }
  }
`;
