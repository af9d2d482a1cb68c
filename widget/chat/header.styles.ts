/** The panel's header: the character's avatar, name and presence; and the icon buttons, the header's and those elsewhere in the panel. */
export const headerStyles = `
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
`;
