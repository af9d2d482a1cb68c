import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../db/database.js';
import { TipsyError } from '../errors.js';
import type { ConversationFilters } from './conversation-filters.js';

/**
 * A text search reads the messages of at most this many conversations per call, newest first:
 * words no message holds cost a bounded scan, not one over every message the site has.
 * Past it, the page comes back short with a cursor to search on from there.
 */
export const SEARCH_WINDOW = 1000;

export interface ConversationSearch {
  /** The filters as one condition on `c` (conversations) and `ch` (characters); undefined when none is given. */
  where: Expression<SqlBool> | undefined;
  /** Where to search on when a text search stopped at its window before filling a page. */
  resumeAt: string | null;
}

/** `%`, `_` and the escape character itself match only themselves. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A day means that UTC day from its first instant; a date and time, that instant. */
function bound(value: string, end: boolean): { at: string; inclusive: boolean } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = new Date(`${value}T00:00:00.000Z`);
    // The end of a day is the next day's start, excluded.
    if (end) start.setUTCDate(start.getUTCDate() + 1);
    return { at: start.toISOString(), inclusive: !end };
  }
  return { at: new Date(value).toISOString(), inclusive: true };
}

/**
 * The conditions a site owner's filters put on the list of conversations (transcripts.ts):
 * a character, a range of when they started, and words any of their messages holds.
 * Letter case is ignored with SQL's lower() on both sides: fully on Postgres, for ASCII
 * letters only on SQLite (whose lower() knows no others).
 */
export async function conversationSearch(
  db: Db,
  siteId: string,
  filters: ConversationFilters & { before?: string },
): Promise<ConversationSearch> {
  const conditions: Expression<SqlBool>[] = [];
  if (filters.character) conditions.push(sql<SqlBool>`${sql.ref('ch.slug')} = ${filters.character}`);
  const from = filters.from === undefined ? undefined : bound(filters.from, false);
  const to = filters.to === undefined ? undefined : bound(filters.to, true);
  if (from && to && (to.inclusive ? from.at > to.at : from.at >= to.at)) throw new TipsyError('INVALID_INPUT', 'from must not be after to.');
  if (from) conditions.push(sql<SqlBool>`${sql.ref('c.created_at')} >= ${from.at}`);
  if (to) conditions.push(to.inclusive ? sql<SqlBool>`${sql.ref('c.created_at')} <= ${to.at}` : sql<SqlBool>`${sql.ref('c.created_at')} < ${to.at}`);

  let resumeAt: string | null = null;
  if (filters.query !== undefined) {
    // The oldest conversation of this call's window (found through the index, before any message is read).
    let window = db
      .selectFrom('conversations as c')
      .innerJoin('characters as ch', 'ch.id', 'c.character_id')
      .select('c.id')
      .where('c.site_id', '=', siteId)
      .orderBy('c.id', 'desc')
      .limit(1)
      .offset(SEARCH_WINDOW - 1);
    if (filters.before) window = window.where('c.id', '<', filters.before);
    for (const condition of conditions) window = window.where(condition);
    resumeAt = (await window.executeTakeFirst())?.id ?? null;
    if (resumeAt) conditions.push(sql<SqlBool>`${sql.ref('c.id')} >= ${resumeAt}`);
    conditions.push(
      sql<SqlBool>`exists (select 1 from messages m where m.conversation_id = ${sql.ref('c.id')} and lower(m.content) like lower(${likePattern(filters.query)}) escape '\\')`,
    );
  }
  return { where: conditions.length ? sql<SqlBool>`(${sql.join(conditions, sql` and `)})` : undefined, resumeAt };
}
