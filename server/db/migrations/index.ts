import type { Migration } from 'kysely';
import * as initial from './2026-11-27-01-initial.js';
import * as verifiedIdentity from './2026-11-27-02-verified-identity.js';
import * as siteLimits from './2026-11-27-03-site-limits.js';
import * as messageSequence from './2026-11-27-04-message-sequence.js';
import * as characterDetails from './2026-11-27-05-character-details.js';
import * as streamingIndex from './2026-11-27-06-streaming-index.js';
import * as storeMessageFunction from './2026-12-03-01-store-message-function.js';
import * as characterCards from './2026-12-03-02-character-cards.js';
import * as swipesAndConversations from './2026-12-03-03-swipes-and-conversations.js';
import * as characterAssets from './2026-12-03-04-character-assets.js';
import * as retention from './2026-12-03-05-retention.js';
import * as webhooks from './2026-12-03-06-webhooks.js';
import * as budgets from './2026-12-03-07-budgets.js';
import * as studio from './2026-12-04-01-studio.js';
import * as takeover from './2026-12-04-02-takeover.js';
import * as dailyRefusals from './2026-12-04-04-daily-refusals.js';

/** Every migration, keyed by its frozen date-prefixed name (applied in key order). */
export const migrations: Record<string, Migration> = {
  '2026-11-27-01-initial': initial,
  '2026-11-27-02-verified-identity': verifiedIdentity,
  '2026-11-27-03-site-limits': siteLimits,
  '2026-11-27-04-message-sequence': messageSequence,
  '2026-11-27-05-character-details': characterDetails,
  '2026-11-27-06-streaming-index': streamingIndex,
  '2026-12-03-01-store-message-function': storeMessageFunction,
  '2026-12-03-02-character-cards': characterCards,
  '2026-12-03-03-swipes-and-conversations': swipesAndConversations,
  '2026-12-03-04-character-assets': characterAssets,
  '2026-12-03-05-retention': retention,
  '2026-12-03-06-webhooks': webhooks,
  '2026-12-03-07-budgets': budgets,
  '2026-12-04-01-studio': studio,
  '2026-12-04-02-takeover': takeover,
  '2026-12-04-04-daily-refusals': dailyRefusals,
};
