import type { Generated, Selectable } from 'kysely';

/** Timestamps are ISO-8601 text on every dialect, so they sort and compare the same everywhere. */
type Iso = string;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface SitesTable {
  id: string;
  name: string;
  /** HMAC key for verified identity (`user-hash`); server-side only. */
  identity_secret: string | null;
  /** JSON: the limits this site overrides (server/limits/policy.ts). */
  limits: string | null;
  /** JSON: the site's default responder settings; null = the server's. */
  responder: string | null;
  /** 1 when pages may define characters by attributes. */
  allow_page_characters: Generated<number>;
  /** 1 when visitors may start new conversations (the default). */
  allow_new_conversations: Generated<number>;
  /** Days a conversation is kept after its last message (privacy/retention.ts); null: until erased. */
  retention_days: number | null;
  /** JSON model budget (budgets/budget-settings.ts); null: none. */
  budget: string | null;
  created_at: Iso;
}

export type SiteKeyKind = 'publishable' | 'secret';

export interface SiteKeysTable {
  id: string;
  site_id: string;
  kind: SiteKeyKind;
  /** Publishable keys are public and kept as they are; secret keys are kept as a SHA-256 hex digest. */
  key: string;
  /** The key's last characters, to tell keys apart in listings. */
  hint: string | null;
  created_at: Iso;
  revoked_at: Iso | null;
}

export interface SiteOriginsTable {
  site_id: string;
  /** Normalised `scheme://host[:port]`. */
  origin: string;
}

export interface CharactersTable {
  id: string;
  site_id: string;
  slug: string;
  name: string;
  avatar_url: string | null;
  greeting: string | null;
  persona: string;
  /** Example dialogue, in the character card convention (`{{user}}:` / `{{char}}:` lines). */
  examples: Generated<string>;
  /** A CSS hex colour for the widget. */
  accent: string | null;
  /** JSON responder settings; null = the site's. */
  responder: string | null;
  /** 'draft': a studio preview's character (characters/drafts.ts). */
  origin: Generated<'site' | 'page' | 'draft'>;
  /** JSON array of alternate greetings (characters/character-book.ts). */
  alternate_greetings: Generated<string>;
  /** JSON lorebook (CharacterBook); null: none. */
  character_book: string | null;
  /** JSON: the imported card's other fields, kept for export; null: none. */
  card: string | null;
  created_at: Iso;
}

/** A character's avatar taken from its card, served by the chat server (characters/avatars.ts). */
export interface CharacterAvatarsTable {
  character_id: string;
  site_id: string;
  /** `<sha256 hex>.<ext>`: the last part of the path it is served at. */
  file: string;
  content_type: string;
  bytes: Buffer;
  created_at: Iso;
}

export interface VisitorsTable {
  id: string;
  site_id: string;
  /** The host site's own user id, when the visitor came with a valid user-hash. */
  external_user_id: string | null;
  display_name: string | null;
  created_at: Iso;
}

export interface ConversationsTable {
  id: string;
  site_id: string;
  visitor_id: string;
  character_id: string;
  /** The last message's `seq`: the next message takes last_seq + 1. */
  last_seq: Generated<number>;
  /** 1, 2, 3… per visitor and character: unique, so concurrent first starts make one conversation. */
  number: Generated<number>;
  created_at: Iso;
  /** When a message last took a seq in it (stamped by the same UPDATE); created_at until then. */
  last_message_at: Iso;
  /** The display name of the person answering in the character's place (live takeover); null: the character answers. */
  agent_name: string | null;
  /** When that person took the conversation over; null with agent_name. */
  taken_over_at: Iso | null;
}

/** `failed`: the character could not answer at all; the content says so. */
export type MessageStatus = 'complete' | 'streaming' | 'interrupted' | 'failed';

export interface MessagesTable {
  id: string;
  conversation_id: string;
  /** 1, 2, 3… in commit order within the conversation. */
  seq: number;
  /** `agent`: a person answering in the character's place (live takeover). */
  sender_type: 'user' | 'character' | 'agent';
  content: string;
  client_message_id: string | null;
  /** On an `agent` message, the person's display name; null on every other. */
  sender_name: string | null;
  status: MessageStatus;
  /** Stream chunks `content` holds (for replies). */
  chunks: number;
  created_at: Iso;
  /** Last write of a streaming reply: a heartbeat, so a dead process's replies can be found. */
  updated_at: Iso | null;
  /** The version shown (0-based) and how many the message has (chat/swipes.ts); 0 of 1 for most. */
  swipe_index: Generated<number>;
  swipe_count: Generated<number>;
}

/**
 * A character message's versions. The message's own row holds the version
 * shown; a version's row here is written when the message moves away from it
 * (to another version, or a new one), so every version not shown is here as it ended.
 */
export interface MessageVersionsTable {
  message_id: string;
  /** 0-based, as Message.swipe.index. */
  idx: number;
  content: string;
  status: MessageStatus;
  chunks: number;
  created_at: Iso;
}

export interface WebhooksTable {
  id: string;
  site_id: string;
  url: string;
  secret: string;
  /** JSON array of event names (webhooks/events.ts). */
  events: string;
  created_at: Iso;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  site_id: string;
  event: string;
  /** The JSON body sent, the same on every attempt. */
  body: string;
  conversation_id: string | null;
  visitor_id: string | null;
  status: DeliveryStatus;
  attempts: Generated<number>;
  /** When it is due (pending), or until when a process holds it (sending). */
  next_attempt_at: Iso;
  last_status: number | null;
  last_error: string | null;
  created_at: Iso;
  delivered_at: Iso | null;
}

export interface SiteUsageTable {
  site_id: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** bigint: node-postgres hands it back as a string. */
  input_tokens: Generated<number | string>;
  output_tokens: Generated<number | string>;
  replies: Generated<number>;
}

export interface BudgetNoticesTable {
  site_id: string;
  /** YYYY-MM-DD (a day's limit) or YYYY-MM (a month's). */
  period: string;
}

export interface StudioLinksTable {
  /** SHA-256 of the link's token (hex). */
  token_hash: string;
  site_id: string;
  expires_at: Iso;
  used_at: Iso | null;
  created_at: Iso;
}

export interface StudioSessionsTable {
  /** SHA-256 of the session cookie's value (hex). */
  token_hash: string;
  site_id: string;
  /** The secret key the session was opened with; null: a one-time link. */
  key_id: string | null;
  created_at: Iso;
  last_seen_at: Iso;
}

/** Requests refused with RATE_LIMITED, per site and UTC day (admin/refusal-tally.ts). */
export interface DailyRefusalsTable {
  site_id: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** bigint: node-postgres hands it back as a string. */
  refusals: Generated<number | string>;
}

export interface Database {
  settings: SettingsTable;
  sites: SitesTable;
  site_keys: SiteKeysTable;
  site_origins: SiteOriginsTable;
  characters: CharactersTable;
  visitors: VisitorsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_versions: MessageVersionsTable;
  character_avatars: CharacterAvatarsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  site_usage: SiteUsageTable;
  budget_notices: BudgetNoticesTable;
  studio_links: StudioLinksTable;
  studio_sessions: StudioSessionsTable;
  daily_refusals: DailyRefusalsTable;
}

export type CharacterRow = Selectable<CharactersTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MessageVersionRow = Selectable<MessageVersionsTable>;
