/** One of a visitor's conversations with a character, as `conversation.list` returns it. */
export interface ConversationSummary {
  id: string;
  /** ISO-8601 timestamps. */
  created_at: string;
  /** When a message was last stored in it (a send, a reply, a regenerated or chosen version); created_at when none. */
  last_message_at: string;
  /** The last message's text, at most CONVERSATION_BOUNDS.conversationPreviewChars characters; '' when there is none. */
  preview: string;
  /** How many messages it holds. */
  messages: number;
}

export interface ConversationList {
  /** Newest activity first, at most CONVERSATION_BOUNDS.conversationListMax. */
  conversations: ConversationSummary[];
}
