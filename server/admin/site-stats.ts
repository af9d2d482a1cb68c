import { utcDay } from '../ids.js';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database.js';

/** `admin.site.stats`'s input: how many UTC days, today included. */
export const SiteStatsInput = z.object({ days: z.number().int().min(1).max(90).default(30) }).prefault({});

/** One UTC day of a site's chats. */
export interface DayStats {
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** Conversations started that day. */
  conversations: number;
  /** Messages visitors sent. */
  visitorMessages: number;
  /** The characters' replies stored that day, whatever their end (greetings are not replies); of them, `failed` and `interrupted`. */
  replies: number;
  failed: number;
  interrupted: number;
  /** Requests refused with RATE_LIMITED for the site (admin/refusal-tally.ts; written within a few seconds). */
  refusals: number;
}

export interface SiteStats {
  days: DayStats[];
}

const DAY_MS = 86_400_000;
const asNumber = (value: unknown) => Number(value ?? 0);
/** The day of an ISO timestamp, in SQL: the same text functions on SQLite and Postgres. */
const dayOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 10)`;
const countWhen = (condition: ReturnType<typeof sql>) => sql<number | string>`sum(case when ${condition} then 1 else 0 end)`;

/**
 * What a site's chats did each UTC day of the last `days` (oldest first, every day present):
 * grouped by day in SQL, each query bounded by the range (conversations by their start,
 * messages by conversations active in it, through the site's conversations).
 */
export async function siteStats(db: Db, siteId: string, days: number, now = new Date()): Promise<SiteStats> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - (days - 1) * DAY_MS);
  const start = first.toISOString();
  const end = new Date(today + DAY_MS).toISOString();

  const [conversations, messages, refusals] = await Promise.all([
    db
      .selectFrom('conversations')
      .select([dayOf('created_at').as('day'), (eb) => eb.fn.countAll().as('n')])
      .where('site_id', '=', siteId)
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .groupBy(dayOf('created_at'))
      .execute(),
    db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select([
        dayOf('m.created_at').as('day'),
        countWhen(sql`m.sender_type = 'user'`).as('visitor_messages'),
        // A reply answers a visitor: a character's message with one of theirs before it (a greeting, swiped or not, has none).
        countWhen(sql`m.sender_type = 'character' and exists (select 1 from messages u where u.conversation_id = m.conversation_id and u.sender_type = 'user' and u.seq < m.seq)`).as('replies'),
        countWhen(sql`m.sender_type = 'character' and m.status = 'failed'`).as('failed'),
        countWhen(sql`m.sender_type = 'character' and m.status = 'interrupted'`).as('interrupted'),
      ])
      .where('c.site_id', '=', siteId)
      .where('c.last_message_at', '>=', start)
      .where('m.created_at', '>=', start)
      .where('m.created_at', '<', end)
      .groupBy(dayOf('m.created_at'))
      .execute(),
    db
      .selectFrom('daily_refusals')
      .select(['day', 'refusals'])
      .where('site_id', '=', siteId)
      .where('day', '>=', utcDay(first))
      .where('day', '<=', utcDay(new Date(today)))
      .execute(),
  ]);

  const byDay = new Map<string, DayStats>();
  for (let i = 0; i < days; i++) {
    const day = utcDay(new Date(first.getTime() + i * DAY_MS));
    byDay.set(day, { day, conversations: 0, visitorMessages: 0, replies: 0, failed: 0, interrupted: 0, refusals: 0 });
  }
  for (const row of conversations) {
    const day = byDay.get(row.day);
    if (day) day.conversations = asNumber(row.n);
  }
  for (const row of messages) {
    const day = byDay.get(row.day);
    if (!day) continue;
    day.visitorMessages = asNumber(row.visitor_messages);
    day.replies = asNumber(row.replies);
    day.failed = asNumber(row.failed);
    day.interrupted = asNumber(row.interrupted);
  }
  for (const row of refusals) {
    const day = byDay.get(row.day);
    if (day) day.refusals = asNumber(row.refusals);
  }
  return { days: [...byDay.values()] };
}
