/**
 * The site directory's caches, over the real database of a real server: a
 * flush is followed by one query per key however many ask at once, the least
 * recently used answer is the one evicted, and answers expire. Queries are
 * counted with Kysely's `log` on a second connection to the same file.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ReadThroughCache } from '../../server/auth/read-through-cache.js';
import { SiteDirectory } from '../../server/auth/site-directory.js';
import { createSite } from '../../server/auth/sites.js';
import type { Database } from '../../server/db/tables.js';
import { SITE_ORIGIN, startHarness, type Harness } from './harness.js';
import { SQLITE_ONLY } from './test-database.js';

const CONCURRENT = 25;

describe('the site directory’s caches', { skip: SQLITE_ONLY }, () => {
  let h: Harness;
  let db: Kysely<Database>;
  const queries: string[] = [];
  /** Queries that read a table, since the count was last reset. */
  const reads = (table: string) => queries.filter((sql) => sql.includes(`from "${table}"`)).length;

  before(async () => {
    h = await startHarness();
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(h.dbFile) }),
      log: (event) => {
        if (event.level === 'query') queries.push(event.query.sql);
      },
    });
  });
  after(async () => {
    await db.destroy();
    await h.close();
  });
  beforeEach(() => (queries.length = 0));

  it(`after a flush, ${CONCURRENT} concurrent lookups of one site send one query`, async () => {
    const directory = new SiteDirectory(db);
    const site = await directory.findById(h.siteId);
    assert.deepEqual(site?.origins, [SITE_ORIGIN]);
    directory.forget();
    queries.length = 0;
    const found = await Promise.all(Array.from({ length: CONCURRENT }, () => directory.findById(h.siteId)));
    assert.equal(reads('sites'), 1, 'one query for the site');
    assert.equal(reads('site_origins'), 1, 'one query for its origins');
    assert.ok(found.every((answer) => answer === found[0] && answer?.id === h.siteId));
  });

  it(`${CONCURRENT} concurrent requests with one key read the key once and the site once`, async () => {
    const directory = new SiteDirectory(db);
    await Promise.all(Array.from({ length: CONCURRENT }, () => directory.requirePublishableKey(h.siteKey, SITE_ORIGIN)));
    assert.equal(reads('site_keys'), 1);
    assert.equal(reads('sites'), 1);
  });

  it('keeps "no such site" as an answer too', async () => {
    const directory = new SiteDirectory(db);
    assert.equal(await directory.findById('no-such-site'), null);
    assert.equal(await directory.findById('no-such-site'), null);
    assert.equal(reads('sites'), 1);
  });

  it('evicts the least recently used site when full, and keeps the recent one', async () => {
    const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((name) => createSite(h.app.db, { name, origins: [SITE_ORIGIN] })));
    const directory = new SiteDirectory(db, undefined, 2);
    await directory.findById(a!.siteId);
    await directory.findById(b!.siteId);
    await directory.findById(a!.siteId); // a is now the most recently used
    await directory.findById(c!.siteId); // full: b goes
    queries.length = 0;
    await directory.findById(a!.siteId);
    assert.equal(reads('sites'), 0, 'the recently used site is still known');
    await directory.findById(b!.siteId);
    assert.equal(reads('sites'), 1, 'the least recently used site was evicted');
  });

  it('answers a lookup under way when forget() runs, without keeping that answer', async () => {
    const directory = new SiteDirectory(db);
    const pending = directory.findById(h.siteId);
    directory.forget(); // an access change, while the load is under way
    assert.equal((await pending)?.id, h.siteId);
    queries.length = 0;
    await directory.findById(h.siteId);
    assert.equal(reads('sites'), 1, 'the answer read before the change was not kept');
  });

  it('reads an answer again once it has expired', async () => {
    const cache = new ReadThroughCache({
      ttlMs: 40,
      max: 10,
      load: async (siteId) => (await db.selectFrom('sites').select('name').where('id', '=', siteId).executeTakeFirst()) ?? null,
    });
    await cache.get(h.siteId);
    await cache.get(h.siteId);
    assert.equal(reads('sites'), 1);
    await sleep(60);
    assert.equal((await cache.get(h.siteId))?.name, 'Test shop');
    assert.equal(reads('sites'), 2);
  });
});
