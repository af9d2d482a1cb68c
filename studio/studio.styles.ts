import { css } from 'lit';

/** Light and dark by the system's choice; every text at 4.5:1 or more, every control and focus ring at 3:1. */
export const studioStyles = css`
  :host {
    --bg: #ffffff;
    --fg: #1d2430;
    --muted: #4a5566;
    --line: #8a94a6;
    --accent: #1f5fbf;
    --on-accent: #ffffff;
    --danger: #b42318;
    display: block;
    background: var(--bg);
    color: var(--fg);
    font: 15px/1.5 system-ui, sans-serif;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #14181f;
      --fg: #e8ecf2;
      --muted: #b3bccb;
      --line: #6b7689;
      --accent: #8ab4ff;
      --on-accent: #0b1220;
      --danger: #ff9b8f;
    }
  }
  header {
    display: flex;
    align-items: center;
    gap: 16px;
    padding: 12px 24px;
    border-bottom: 1px solid var(--line);
  }
  header h1 {
    font-size: 1.1em;
    margin: 0;
    flex: 1;
  }
  main {
    max-width: 880px;
    margin: 0 auto;
    padding: 24px;
    display: grid;
    gap: 32px;
  }
  h2 {
    font-size: 1.05em;
    margin: 0 0 8px;
  }
  p {
    margin: 0 0 8px;
  }
  .muted {
    color: var(--muted);
  }
  form {
    display: grid;
    gap: 8px;
    max-width: 480px;
  }
  label {
    display: grid;
    gap: 2px;
    font-weight: 600;
  }
  input,
  textarea {
    font: inherit;
    color: inherit;
    background: transparent;
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 6px 8px;
  }
  button {
    font: inherit;
    justify-self: start;
    border: 1px solid var(--accent);
    border-radius: 6px;
    padding: 6px 14px;
    background: var(--accent);
    color: var(--on-accent);
    cursor: pointer;
  }
  button.quiet {
    background: transparent;
    color: var(--accent);
  }
  :focus-visible {
    outline: 3px solid var(--accent);
    outline-offset: 2px;
  }
  [role='alert'] {
    color: var(--danger);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: start;
    padding: 6px 8px;
    border-bottom: 1px solid var(--line);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  ol.transcript {
    padding-inline-start: 20px;
    display: grid;
    gap: 4px;
  }
  h3 {
    font-size: 1em;
    margin: 16px 0 8px;
  }
  pre {
    white-space: pre-wrap;
    word-break: break-all;
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 8px;
    margin: 0 0 8px;
  }
  /* The character editor (character-editor.ts): the form beside its live preview. */
  .editor {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(280px, 360px);
    gap: 24px;
    align-items: start;
    margin-top: 16px;
    padding-top: 8px;
    border-top: 1px solid var(--line);
  }
  @media (max-width: 760px) {
    .editor {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .editor form {
    max-width: none;
  }
  .editor label > :is(input, textarea, select),
  .drop label > input {
    font-weight: normal;
  }
  .editor .preview {
    position: sticky;
    top: 8px;
  }
  fieldset {
    display: grid;
    gap: 8px;
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 8px 12px 12px;
    margin: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  fieldset.entry {
    border-style: dashed;
  }
  select {
    font: inherit;
    color: inherit;
    background: var(--bg);
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 6px 8px;
  }
  input[type='color'] {
    width: 56px;
    height: 36px;
    padding: 2px;
  }
  .row,
  .checks,
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    align-items: end;
  }
  .row > label {
    flex: 1;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: 6px;
    font-weight: normal;
  }
  .avatar-field {
    display: flex;
    gap: 12px;
    align-items: start;
  }
  .avatar-field img,
  .avatar-none {
    width: 72px;
    height: 72px;
    border-radius: 50%;
    object-fit: cover;
    border: 1px solid var(--line);
    flex: none;
    display: grid;
    place-items: center;
    font-size: 0.8em;
    text-align: center;
  }
  .drop {
    border: 2px dashed var(--line);
    border-radius: 8px;
    padding: 12px;
    margin-top: 16px;
  }
  .drop.dragging {
    border-color: var(--accent);
  }
  button.danger {
    color: var(--danger);
    border-color: var(--danger);
  }
  button.danger-solid {
    background: var(--danger);
    border-color: var(--danger);
    color: var(--bg);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.7;
  }
`;
