/** Size bounds of the contract, shared by the widget (a pure constant) and the server's schemas. */
export const BOUNDS = {
  messageMaxChars: 4000,
  historyPageMax: 100,
  historyPageDefault: 30,
} as const;
