import { z } from 'zod';
import { RetentionDays, SiteName, SiteOrigin } from '../../../auth/site-inputs.js';
import { ResponderSettings } from '../../../characters/responders/settings.js';
import { LimitsOverride } from '../../../limits/policy.js';
import { BudgetSettings } from '../../../budgets/budget-settings.js';
import { SiteStatsInput } from '../../../admin/site-stats.js';
import { adminProcedure, router } from '../../init.js';

export const SiteUpdateInput = z.object({
  name: SiteName.optional(),
  origins: z.array(SiteOrigin).max(100).optional(),
  /** Limits to override (replacing earlier overrides); null goes back to the defaults. */
  limits: LimitsOverride.nullable().optional(),
  allowPageCharacters: z.boolean().optional(),
  /** Whether visitors may start new conversations with a character (default true). */
  allowNewConversations: z.boolean().optional(),
  /** The model for characters without their own; null = the server's. */
  responder: ResponderSettings.nullable().optional(),
  /** Delete conversations older than this many days (their last message); null keeps them. */
  retentionDays: RetentionDays.nullable().optional(),
  /** The model budget (docs/operations.md, "Budgets"); null: none. */
  budget: BudgetSettings.nullable().optional(),
});

export const adminSiteRouter = router({
  get: adminProcedure.query(({ ctx }) => ctx.admin.getSite(ctx.siteId)),

  /**
   * Renames the site, replaces its origins or limits; sockets from a dropped origin end at once.
   * Limits may only tighten the operator's, and the responder must be one the operator allows.
   */
  update: adminProcedure.input(SiteUpdateInput).mutation(({ ctx, input }) => ctx.admin.updateSite(ctx.siteId, input)),

  /** The model budget, what replies used today and this month (UTC), and which limit stops replies now. */
  usage: adminProcedure.query(({ ctx }) => ctx.admin.siteUsage(ctx.siteId)),

  /** Each UTC day of the last `days` (1–90, 30 by default), oldest first: conversations, messages, replies and refusals. */
  stats: adminProcedure.input(SiteStatsInput).query(({ ctx, input }) => ctx.admin.siteStats(ctx.siteId, input.days)),

  rotateIdentitySecret: adminProcedure.mutation(async ({ ctx }) => ({
    identitySecret: await ctx.admin.rotateIdentitySecret(ctx.siteId),
  })),
});
