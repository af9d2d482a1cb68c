/** The error notice under the header. */
export const errorNoticeStyles = `
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
`;
