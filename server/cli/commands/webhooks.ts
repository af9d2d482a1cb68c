import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config.js';
import { WEBHOOK_EVENTS, type WebhookEventName } from '../../webhooks/events.js';
import { Webhooks } from '../../webhooks/webhooks.js';
import { plain, print, table, type Output } from '../output.js';
import type { WithDb } from '../with-db.js';

function parseEvents(value: string): WebhookEventName[] {
  const events = value.split(',').map((e) => e.trim());
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length || !events.length) throw new InvalidArgumentError(`Events are a comma list of: ${WEBHOOK_EVENTS.join(', ')}.`);
  return events as WebhookEventName[];
}

/** Quiet: the CLI only registers and reads webhooks; the running servers deliver them. */
const quiet = { error: () => undefined, warn: () => undefined };

export function registerWebhookCommands(program: Command, withDb: WithDb): void {
  const webhook = program.command('webhook').description('register, list and remove a site’s webhooks, and read their deliveries');
  const webhooksOf = (db: Parameters<Parameters<WithDb>[0]>[0]) => new Webhooks(db, quiet, loadConfig().webhooks);

  webhook
    .command('add <siteId> <url>')
    .description('post these events to the URL (the signing secret is shown only now)')
    .option('--events <list>', `comma list of: ${WEBHOOK_EVENTS.join(', ')}`, parseEvents, [...WEBHOOK_EVENTS])
    .option('--json', 'print JSON')
    .action((siteId: string, url: string, opts: { events: WebhookEventName[] } & Output) =>
      withDb(async (db) => {
        const created = await webhooksOf(db).create(siteId, { url, events: opts.events });
        print(opts, created, () => `Webhook ${created.id} → ${plain(created.url)} (${created.events.join(', ')}). Signing secret: ${created.secret}`);
      }),
    );

  webhook
    .command('list <siteId>')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: Output) =>
      withDb(async (db) => {
        const hooks = await webhooksOf(db).list(siteId);
        print(opts, hooks, () => table(hooks.map((h) => ({ id: h.id, url: h.url, events: h.events.join(','), created: h.createdAt }))));
      }),
    );

  webhook
    .command('remove <siteId> <webhookId>')
    .option('--json', 'print JSON')
    .action((siteId: string, webhookId: string, opts: Output) =>
      withDb(async (db) => {
        await webhooksOf(db).remove(siteId, webhookId);
        print(opts, { removed: webhookId }, () => `Removed webhook ${plain(webhookId)}.`);
      }),
    );

  webhook
    .command('deliveries <siteId>')
    .description('the latest deliveries, newest first')
    .option('--webhook <id>', 'only this webhook’s')
    .option('--limit <n>', 'how many (1–100)', (v) => Math.min(100, Math.max(1, Number(v) || 20)), 20)
    .option('--json', 'print JSON')
    .action((siteId: string, opts: { webhook?: string; limit: number } & Output) =>
      withDb(async (db) => {
        const deliveries = await webhooksOf(db).deliveries(siteId, { webhookId: opts.webhook, limit: opts.limit });
        print(opts, deliveries, () =>
          table(
            deliveries.map((d) => ({
              id: d.id,
              event: d.event,
              status: d.status,
              attempts: String(d.attempts),
              last: d.lastStatus ? String(d.lastStatus) : (d.lastError ?? ''),
              created: d.createdAt,
            })),
          ),
        );
      }),
    );
}
