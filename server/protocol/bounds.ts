/** Size bounds of the contract, shared by the widget (a pure constant) and the server's schemas. */
export const BOUNDS = {
  messageMaxChars: 4000,
  historyPageMax: 100,
  historyPageDefault: 30,
} as const;

/** Bounds of versions and conversation lists: apart from BOUNDS, whose every field the widget's bundle carries. */
export const CONVERSATION_BOUNDS = {
  /** Versions one character message may hold (its swipes): regenerating past it is refused. */
  swipesMax: 20,
  /** Conversations `conversation.list` returns, newest activity first. */
  conversationListMax: 20,
  /** Characters of a listed conversation's last message shown as its preview. */
  conversationPreviewChars: 120,
} as const;
