import { z } from 'zod';
import { LineText, Text } from '../text.js';

/** A site's name, as the admin API and the CLI take it: one line, control characters removed. */
export const SiteName = LineText.trim().min(1).max(120);

/** An allowed origin as given; auth/sites.ts then normalises it or refuses it. */
export const SiteOrigin = Text.max(300);

/** How many days a site keeps conversations (after their last message); the sweep deletes older ones. */
export const RetentionDays = z.number().int().min(1).max(36_500);
