/** What a site's webhooks can be told, by name (docs/operations.md, "Webhooks"). */
export const WEBHOOK_EVENTS = ['conversation.started', 'message.created', 'reply.completed', 'reply.failed', 'visitor.erased', 'budget.reached'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** The body every delivery carries: the event, once, with an id the receiver can deduplicate on. */
export interface WebhookBody {
  /** The delivery's id: the same on every retry. */
  id: string;
  type: WebhookEventName;
  created_at: string;
  site_id: string;
  data: Record<string, unknown>;
}
