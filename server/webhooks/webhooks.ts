import { EndpointRules } from '../characters/responders/endpoint-rules.js';
import { guardedFetch, type GuardedFetch } from '../characters/responders/guarded-fetch.js';
import type { Db } from '../db/database.js';
import { TipsyError } from '../errors.js';
import type { Log } from '../log.js';
import { WebhookDispatcher, type DispatchOptions, DEFAULT_DISPATCH } from './dispatcher.js';
import type { WebhookInput } from './inputs.js';
import { WebhookPublisher } from './publisher.js';
import { webhookStore } from './webhook-store.js';

/** At most so many webhooks a site. */
const MAX_PER_SITE = 10;

export interface WebhooksConfig {
  privateHosts: boolean | readonly string[];
  retryBaseMs: number;
  maxAttempts: number;
}

/**
 * A site's webhooks: registering them (their targets held to the operator's address
 * rules, as model endpoints are), queueing events, and delivering them. Every target is
 * reached through the guarded fetch: no private address unless allowed, no redirect.
 */
export class Webhooks {
  readonly publisher: WebhookPublisher;
  readonly #dispatcher: WebhookDispatcher;
  readonly #rules: EndpointRules;
  readonly #fetch: GuardedFetch;

  constructor(
    private readonly db: Db,
    log: Log,
    config: WebhooksConfig,
    dispatch: Partial<DispatchOptions> = {},
  ) {
    this.#rules = new EndpointRules({ privateHosts: config.privateHosts, siteResponders: 'any', listedHosts: [] });
    this.#fetch = guardedFetch(this.#rules);
    const options = { ...DEFAULT_DISPATCH, retryBaseMs: config.retryBaseMs, maxAttempts: config.maxAttempts, ...dispatch };
    this.#dispatcher = new WebhookDispatcher(db, this.#fetch.fetch, log, options);
    this.publisher = new WebhookPublisher(db, this.#dispatcher, log);
  }

  start(): void {
    this.#dispatcher.start();
  }

  async stop(): Promise<void> {
    await this.#dispatcher.stop();
    await this.#fetch.close();
  }

  async create(siteId: string, input: WebhookInput) {
    await this.#rules.assertNotPrivate(new URL(input.url), 'webhook address');
    const existing = await webhookStore.list(this.db, siteId);
    if (existing.length >= MAX_PER_SITE) throw new TipsyError('NOT_ALLOWED', `A site can have at most ${MAX_PER_SITE} webhooks.`);
    const created = await webhookStore.create(this.db, siteId, input.url, input.events);
    this.publisher.changed();
    return created;
  }

  list(siteId: string) {
    return webhookStore.list(this.db, siteId);
  }

  async remove(siteId: string, id: string): Promise<void> {
    await webhookStore.remove(this.db, siteId, id);
    this.publisher.changed();
  }

  deliveries(siteId: string, options: { webhookId?: string; limit: number }) {
    return webhookStore.deliveries(this.db, siteId, options);
  }
}
