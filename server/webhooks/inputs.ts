import { z } from 'zod';
import { Text } from '../text.js';
import { WEBHOOK_EVENTS } from './events.js';

/** Where a webhook posts: an absolute http(s) URL without credentials (its address is checked when it is saved). */
export const WebhookUrl = Text.trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'A webhook URL is an absolute http(s) URL without a user name or password.');

export const WebhookInput = z.object({
  url: WebhookUrl,
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).transform((events) => [...new Set(events)]),
});
export type WebhookInput = z.infer<typeof WebhookInput>;
