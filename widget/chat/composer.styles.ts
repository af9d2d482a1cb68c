/** The composer: the text area and the send (or stop) button; and the text only screen readers read. */
export const composerStyles = `
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
`;
