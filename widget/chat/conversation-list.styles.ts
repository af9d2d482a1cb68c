/** The list of conversations' own styles, adopted once the conversations' module has arrived (a .styles.ts file: the build squeezes it). */
export const listStyles = `
  .chats {
    flex: 1;
    overflow-y: auto;
    padding: 8px;
  }
  .chats ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .chats button {
    display: block;
    width: 100%;
    text-align: start;
    padding: 8px 10px;
    border: 0;
    border-radius: 10px;
    background: none;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }
  .chats button:hover,
  .chats [aria-current] {
    background: var(--_surface);
  }
  .chats span {
    display: block;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .chats time {
    font-size: 0.8em;
  }
  .log[hidden] {
    display: none;
  }
`;
