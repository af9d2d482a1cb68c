import { InvalidArgumentError, type Command } from 'commander';
import { describeIssues, parseInput } from '../../chat/inputs.js';
import { LimitsOverride } from '../../limits/policy.js';
import { SiteRules } from '../../auth/site-rules.js';
import { loadConfig } from '../../config.js';
import type { z } from 'zod';
import { RetentionDays, SiteName } from '../../auth/site-inputs.js';
import { BudgetSettings, type Usage } from '../../budgets/budget-settings.js';
import { Budgets } from '../../budgets/budgets.js';
import { createSite, getSite, listSites, rotateIdentitySecret, updateSite } from '../../auth/sites.js';
import { plain, print, table, type Output } from '../output.js';
import type { WithDb } from '../with-db.js';

const collectOrigins = (value: string, previous: string[] = []) => [...previous, value];

/** An option's JSON value through its schema; `null` clears the setting. */
function jsonOption<T extends z.ZodType>(schema: T) {
  return (text: string): z.infer<T> | null => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new InvalidArgumentError('Not JSON.');
    }
    if (json === null) return null;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new InvalidArgumentError(describeIssues(parsed.error.issues));
    return parsed.data;
  };
}

function parseRetentionDays(text: string): number | null {
  if (text === 'none') return null;
  const parsed = RetentionDays.safeParse(Number(text));
  if (!parsed.success) throw new InvalidArgumentError('A whole number of days, 1 to 36500, or "none".');
  return parsed.data;
}

const tokens = (usage: Usage) => `${usage.inputTokens + usage.outputTokens} tokens (${usage.inputTokens} in, ${usage.outputTokens} out), ${usage.replies} replies`;

export function registerSiteCommands(program: Command, withDb: WithDb): void {
  const site = program.command('site').description('create, list and change sites');

  site
    .command('create')
    .description("create a site; prints its keys and identity secret (the secret key is shown only now)")
    .requiredOption('--name <name>', 'the site’s name')
    .option('--origin <url>', 'an allowed origin, e.g. https://shop.example.com or https://*.example.com (repeatable)', collectOrigins, [])
    .option('--json', 'print JSON')
    .action((opts: { name: string; origin: string[] } & Output) =>
      withDb(async (db) => {
        const name = parseInput(SiteName, opts.name);
        const created = await createSite(db, { name, origins: opts.origin });
        print(opts, { ...created, origins: opts.origin }, () =>
          [
            `Created site ${plain(name)} (${created.siteId})`,
            `  publishable key  ${created.publishableKey}   (embed it in your pages)`,
            `  secret key       ${created.secretKey}   (server-side only; shown once)`,
            `  identity secret  ${created.identitySecret}   (signs user-hash; server-side only)`,
          ].join('\n'),
        );
      }),
    );

  site
    .command('list')
    .description('list every site with its allowed origins')
    .option('--json', 'print JSON')
    .action((opts: Output) =>
      withDb(async (db) => {
        const sites = await listSites(db);
        print(opts, sites, () => table(sites.map((s) => ({ id: s.id, name: s.name, origins: s.origins.join(' ') }))));
      }),
    );

  site
    .command('update <siteId>')
    .description('rename a site, replace its allowed origins, or set its limits')
    .option('--name <name>', 'a new name')
    .option('--origin <url>', 'an allowed origin (repeatable; replaces the list)', collectOrigins)
    .option('--limits <json>', 'limits to override, e.g. \'{"messageBurst":{"points":10,"seconds":10}}\' ("null" for the defaults)', jsonOption(LimitsOverride))
    .option('--budget <json>', 'the model budget, e.g. \'{"dailyTokens":200000}\' or \'{"monthlySpend":20,"inputPricePerMillion":0.15,"outputPricePerMillion":0.6}\' ("null": none)', jsonOption(BudgetSettings))
    .option('--retention-days <days>', 'delete conversations older than this many days ("none" keeps them)', parseRetentionDays)
    .option('--json', 'print JSON')
    .action((siteId: string, opts: { name?: string; origin?: string[]; limits?: LimitsOverride | null; budget?: BudgetSettings | null; retentionDays?: number | null } & Output) =>
      withDb(async (db) => {
        const name = opts.name === undefined ? undefined : parseInput(SiteName, opts.name);
        // The operator's limits (TIPSY_LIMITS, read here as the server reads it) are the ceilings.
        new SiteRules(loadConfig()).assertLimits(opts.limits);
        const updated = await updateSite(db, siteId, { name, origins: opts.origin, limits: opts.limits, budget: opts.budget, retentionDays: opts.retentionDays });
        print(opts, updated, () => `Updated ${plain(updated.name)}: origins ${plain(updated.origins.join(' ')) || '(none)'}`);
      }),
    );

  site
    .command('usage <siteId>')
    .description('what the site’s replies used today and this month (UTC), against its model budget')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: Output) =>
      withDb(async (db) => {
        await getSite(db, siteId); // an unknown site is said so, not shown as unused
        const usage = await new Budgets(db).usage(siteId);
        print(opts, usage, () => {
          const spend = (u: Usage) => (usage.budget?.inputPricePerMillion !== undefined || usage.budget?.outputPricePerMillion !== undefined ? `, spend ${u.spend.toFixed(4)}` : '');
          return [
            `Today       ${tokens(usage.today)}${spend(usage.today)}`,
            `This month  ${tokens(usage.month)}${spend(usage.month)}`,
            `Budget      ${usage.budget ? JSON.stringify(usage.budget) : 'none'}`,
            ...(usage.reached ? [`Replies stop: the ${usage.reached}'s limit is reached.`] : []),
          ].join('\n');
        });
      }),
    );

  site
    .command('rotate-identity-secret <siteId>')
    .description('replace the identity secret; user hashes made with the old one stop working')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: Output) =>
      withDb(async (db) => {
        const identitySecret = await rotateIdentitySecret(db, siteId);
        print(opts, { identitySecret }, () => `New identity secret: ${identitySecret}`);
      }),
    );
}
