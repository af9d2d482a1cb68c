/**
 * A person answering a conversation in the character's place (live takeover):
 * what a visitor's page may know of them, their display name and nothing more.
 */
export interface AgentView {
  name: string;
}

/** Characters a person's display name may have (admin.conversations.takeOver). */
export const AGENT_NAME_MAX_CHARS = 60;
