/** The log of messages: the bubbles, their text (a character's Markdown), the last message's versions, the typing indicator. */
export const messagesStyles = `
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
  .message:not(.user) {
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
  .who {
    font-size: 12px;
    font-weight: 600;
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
`;
