/** "Delete this chat?", its styles: adopted once the conversations' module has arrived (erase-chat.ts). */
export const eraseStyles = `
  .erase {
    padding: 8px 12px;
    font-size: 0.9em;
    background: var(--_surface);
    border-bottom: 1px solid var(--_border);
  }
  .erase p {
    margin: 0 0 8px;
  }
  .erase button {
    margin-inline-end: 8px;
    padding: 4px 12px;
    border: 1px solid var(--_muted);
    border-radius: 8px;
    background: var(--_bg);
    color: inherit;
    font: inherit;
    cursor: pointer;
  }
  /* Delete, the first: in the colour of danger. */
  .erase button:first-of-type {
    border-color: var(--_danger);
    background: var(--_danger);
    color: var(--_bg);
  }
`;
