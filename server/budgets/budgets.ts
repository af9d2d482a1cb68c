import { utcDay } from '../ids.js';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/database.js';
import { TipsyError } from '../errors.js';
import { limitReached, parseBudget, spendOf, type BudgetSettings, type Usage } from './budget-settings.js';

/** How long a site's usage is trusted before it is read again (a flush on this process refreshes it at once). */
const FRESH_MS = 2_000;
/** Replies' tokens are added up in memory and written once per site and day this often: not three queries per reply. */
const FLUSH_MS = 1_000;

export interface SiteUsage {
  budget: BudgetSettings | null;
  today: Usage;
  month: Usage;
  /** Which limit stops replies now, if one does. */
  reached: 'day' | 'month' | null;
}

/** A count of tokens as an endpoint or an estimate gave it: anything but a finite count is none. */
const tokenCount = (value: number) => (Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

interface PendingUsage {
  inputTokens: number;
  outputTokens: number;
  replies: number;
}
/** When a reached limit lifts: the next UTC day, or the next UTC month. */
const periodEnd = (at: Date, period: 'day' | 'month') =>
  period === 'day' ? Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1) : Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
const monthStart = (at: Date) => `${at.toISOString().slice(0, 7)}-01`;
const asNumber = (value: number | string | null | undefined) => Number(value ?? 0);

/**
 * Sites' model budgets: what their replies used, a row a day, and whether a limit stops
 * the next reply. Checked before every reply from a short cache; usage is written within a
 * second. So a site can go over by the replies running when it reaches its limit and those
 * that start in the few seconds after (on every process).
 */
export class Budgets {
  readonly #cache = new LRUCache<string, { at: number; usage: Promise<SiteUsage> }>({ max: 10_000 });
  /** Tokens used and not yet written, by site and day. */
  readonly #pending = new Map<string, PendingUsage>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly db: Db,
    /** Called once per site and period when a limit is reached. */
    private readonly onReached: (siteId: string, period: 'day' | 'month', usage: SiteUsage) => void = () => undefined,
    /** A write of usage failed (the database away): its tokens are not counted. */
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Which limit stops the site's next reply, if one does. */
  async reached(siteId: string): Promise<'day' | 'month' | null> {
    return (await this.usage(siteId)).reached;
  }

  /**
   * Refuses a reply the site's budget no longer covers (QUOTA_EXCEEDED), saying when replies
   * resume: the visitor is told, and their message is not stored for a reply that cannot come.
   */
  async assertOpen(siteId: string): Promise<void> {
    const reached = await this.reached(siteId);
    if (!reached) return;
    const now = this.now();
    throw new TipsyError('QUOTA_EXCEEDED', `This chat has reached its limit for ${reached === 'day' ? 'today' : 'this month'}. Please come back later.`, {
      retryAfterMs: periodEnd(now, reached) - now.getTime(),
    });
  }

  /** Adds a reply's tokens to the site's usage today (written within FLUSH_MS). */
  record(siteId: string, used: { inputTokens: number; outputTokens: number }): void {
    this.#addPending(`${siteId}\u0000${utcDay(this.now())}`, { inputTokens: tokenCount(used.inputTokens), outputTokens: tokenCount(used.outputTokens), replies: 1 });
  }

  #addPending(key: string, used: PendingUsage): void {
    const pending = this.#pending.get(key) ?? { inputTokens: 0, outputTokens: 0, replies: 0 };
    pending.inputTokens += used.inputTokens;
    pending.outputTokens += used.outputTokens;
    pending.replies += used.replies;
    this.#pending.set(key, pending);
    if (!this.#closed) this.#flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS).unref();
  }

  /** Writes what is pending (replies have ended) and schedules no more writes. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#flushTimer);
  }

  /**
   * Writes what replies used since the last flush, then tells of any limit now reached. One
   * flush at a time: a second waits for the first (at shutdown, nothing is written under a
   * closing database). A write that fails is kept, and tried again with the next.
   */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce());
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const [key, used] of pending) {
      const [siteId, today] = key.split('\u0000') as [string, string];
      try {
        await this.#add(siteId, today, used);
      } catch (error) {
        this.onError(error);
        this.#addPending(key, used);
        continue;
      }
      // A site last read without a budget has none to reach: no reading it again every second.
      const known = await this.#cache.get(siteId)?.usage.catch(() => undefined);
      this.#cache.delete(siteId);
      if (known && !known.budget) continue;
      await this.announceIfReached(siteId).catch(this.onError);
    }
  }

  /**
   * Tells the site owner (onReached) when a limit stops the site's replies: once per site and
   * period, whichever process sees it first (the database keeps who was told).
   */
  async announceIfReached(siteId: string): Promise<void> {
    const usage = await this.usage(siteId);
    if (!usage.reached) return;
    const today = utcDay(this.now());
    const period = usage.reached === 'day' ? today : today.slice(0, 7);
    const first = await this.db
      .insertInto('budget_notices')
      .values({ site_id: siteId, period })
      .onConflict((oc) => oc.doNothing())
      .returning('site_id')
      .executeTakeFirst();
    if (first) this.onReached(siteId, usage.reached, usage);
  }

  #add(siteId: string, today: string, used: PendingUsage) {
    return this.db
      .insertInto('site_usage')
      .values({ site_id: siteId, day: today, input_tokens: used.inputTokens, output_tokens: used.outputTokens, replies: used.replies })
      .onConflict((oc) =>
        oc.columns(['site_id', 'day']).doUpdateSet((eb) => ({
          input_tokens: eb('site_usage.input_tokens', '+', eb.ref('excluded.input_tokens')),
          output_tokens: eb('site_usage.output_tokens', '+', eb.ref('excluded.output_tokens')),
          replies: eb('site_usage.replies', '+', eb.ref('excluded.replies')),
        })),
      )
      .execute();
  }

  /** The site's budget, what it used today and this month (UTC), and which limit it has reached. */
  usage(siteId: string): Promise<SiteUsage> {
    const cached = this.#cache.get(siteId);
    if (cached && Date.now() - cached.at < FRESH_MS) return cached.usage;
    const usage = this.#read(siteId);
    this.#cache.set(siteId, { at: Date.now(), usage });
    usage.catch(() => this.#cache.delete(siteId));
    return usage;
  }

  /** A site owner changed the budget: read it afresh (a budget lowered under today's usage is announced now). */
  forget(siteId: string): void {
    this.#cache.delete(siteId);
    void this.announceIfReached(siteId).catch(this.onError);
  }

  async #read(siteId: string): Promise<SiteUsage> {
    const now = this.now();
    const [site, rows] = await Promise.all([
      this.db.selectFrom('sites').select('budget').where('id', '=', siteId).executeTakeFirst(),
      this.db
        .selectFrom('site_usage')
        .select(['day', 'input_tokens', 'output_tokens', 'replies'])
        .where('site_id', '=', siteId)
        .where('day', '>=', monthStart(now))
        .execute(),
    ]);
    const budget = parseBudget(site?.budget ?? null);
    const total = (which: typeof rows): Usage => {
      const inputTokens = which.reduce((n, r) => n + asNumber(r.input_tokens), 0);
      const outputTokens = which.reduce((n, r) => n + asNumber(r.output_tokens), 0);
      const replies = which.reduce((n, r) => n + asNumber(r.replies), 0);
      return { inputTokens, outputTokens, replies, spend: spendOf({ inputTokens, outputTokens }, budget) };
    };
    const today = total(rows.filter((r) => r.day === utcDay(now)));
    const month = total(rows);
    return { budget, today, month, reached: limitReached(budget, today, month) };
  }
}
