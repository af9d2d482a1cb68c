/**
 * The site owner's conversation search (admin.conversations.list's filters) against the real
 * server and database: words any message holds (letter case aside, `%`, `_` and `\` as
 * themselves), a character, a range of start dates, all together, paged with `before`, a text
 * search's bounded window, and never another site's conversations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { SEARCH_WINDOW } from '../../server/chat/conversation-search.js';
import { newId, nowIso } from '../../server/ids.js';
import { startHarness, trpcErrorCode, type Client, type Harness } from './harness.js';

describe('conversation search (admin.conversations.list filters)', () => {
  let h: Harness;
  let admin: Client;
  /** Conversation ids by what their visitor wrote. */
  const ids: Record<string, string> = {};

  /** A new visitor's conversation with `character`, in which they write `content`. */
  async function converse(character: string, content: string, siteKey = h.siteKey): Promise<string> {
    const { visitorToken, conversationId } = await h.api().session.start.mutate({ siteKey, character });
    await h.api({ token: visitorToken }).message.send.mutate({ conversationId, content });
    return conversationId;
  }
  const startedAt = (id: string, at: string) => h.app.db.updateTable('conversations').set({ created_at: at }).where('id', '=', id).execute();
  const found = async (filters: Parameters<Client['admin']['conversations']['list']['query']>[0]) =>
    (await admin.admin.conversations.list.query(filters)).conversations.map((c) => c.id);

  before(async () => {
    h = await startHarness();
    admin = h.admin();
    ids.percent = await converse('barkeep', 'Ask for the 100% Agave tequila');
    ids.decoyPercent = await converse('guide', 'I walked 100 metres, then 5 more');
    ids.underscore = await converse('guide', 'Meet me at old_town square');
    ids.decoyUnderscore = await converse('guide', 'The old town hall is closed');
    ids.backslash = await converse('host', 'My files are in C:\\temp\\drinks');
    ids.upper = await converse('barkeep', 'One MOJITO, please');
    // Another site's visitor writes the same words: never listed here.
    const other = await createSite(h.app.db, { name: 'Other shop', origins: ['http://shop.example'] });
    await upsertCharacter(h.app.db, other.siteId, { slug: 'barkeep', name: 'Other barkeep', persona: 'Pours drinks.' });
    ids.otherSite = await converse('barkeep', 'One mojito, please, and 100% Agave', other.publishableKey);
  });
  after(() => h?.close());

  it('lists every conversation when no filter is given, as before', async () => {
    const all = await found({ limit: 50 });
    assert.deepEqual(new Set(all), new Set(Object.entries(ids).filter(([k]) => k !== 'otherSite').map(([, id]) => id)));
    assert.ok(!all.includes(ids.otherSite!), 'another site’s conversation is never listed');
  });

  it('finds words in any message, whatever their letter case', async () => {
    assert.deepEqual(await found({ query: 'mojito' }), [ids.upper]);
    assert.deepEqual(await found({ query: 'MoJiTo' }), [ids.upper]);
    assert.deepEqual(await found({ query: '  agave  ' }), [ids.percent], 'trimmed');
  });

  it('takes %, _ and \\ as themselves, not as LIKE wildcards or escapes', async () => {
    assert.deepEqual(await found({ query: '100%' }), [ids.percent]);
    assert.deepEqual(await found({ query: 'old_town' }), [ids.underscore]);
    assert.deepEqual(await found({ query: '\\t' }), [ids.backslash], 'a backslash and a t, not any t');
    assert.deepEqual(await found({ query: '%' }), [ids.percent], 'a lone % is a percent sign, not everything');
    assert.deepEqual(await found({ query: '_' }), [ids.underscore]);
  });

  it('answers an empty page when nothing matches', async () => {
    assert.deepEqual(await admin.admin.conversations.list.query({ query: 'zebra unicorn' }), { conversations: [], nextCursor: null });
  });

  it('filters by character, alone and with words', async () => {
    assert.deepEqual(new Set(await found({ character: 'guide' })), new Set([ids.decoyPercent, ids.underscore, ids.decoyUnderscore]));
    assert.deepEqual(await found({ character: 'guide', query: 'old' }), [ids.decoyUnderscore, ids.underscore]);
    assert.deepEqual(await found({ character: 'barkeep', query: 'old' }), []);
    assert.deepEqual(await found({ character: 'nobody' }), []);
  });

  it('filters by when conversations started: days are whole UTC days, instants are inclusive', async () => {
    await startedAt(ids.percent!, '2026-01-10T00:00:00.000Z');
    await startedAt(ids.underscore!, '2026-01-11T23:59:59.999Z');
    await startedAt(ids.decoyUnderscore!, '2026-01-12T00:00:00.000Z');
    await startedAt(ids.backslash!, '2026-01-09T23:59:59.999Z');
    const inRange = async (from?: string, to?: string) => new Set(await found({ ...(from && { from }), ...(to && { to }) }));
    assert.deepEqual(await inRange('2026-01-10', '2026-01-11'), new Set([ids.percent, ids.underscore]));
    assert.deepEqual(await inRange('2026-01-11T23:59:59.999Z', '2026-01-12T00:00:00Z'), new Set([ids.underscore, ids.decoyUnderscore]));
    assert.deepEqual(await inRange('2026-01-12T01:00:00+01:00', '2026-01-12'), new Set([ids.decoyUnderscore]), 'an offset names the same instant');
    assert.deepEqual(await inRange(undefined, '2026-01-09'), new Set([ids.backslash]));
    assert.ok((await inRange('2026-01-12')).has(ids.upper!), 'conversations started today are after 12 January');
    assert.ok(!(await inRange('2026-01-12')).has(ids.percent!));
    // Everything together.
    assert.deepEqual(await found({ query: 'OLD', character: 'guide', from: '2026-01-11', to: '2026-01-11' }), [ids.underscore]);
    assert.deepEqual(await found({ query: 'old', character: 'guide', from: '2026-01-13' }), []);
  });

  it('pages a search with before, newest first, each match once', async () => {
    const expected = [];
    for (let i = 0; i < 5; i++) expected.unshift(await converse(i % 2 ? 'guide' : 'barkeep', `Paging probe number ${i}`));
    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    do {
      const page = await admin.admin.conversations.list.query({ query: 'paging PROBE', limit: 2, ...(before && { before }) });
      assert.ok(page.conversations.length <= 2);
      seen.push(...page.conversations.map((c) => c.id));
      before = page.nextCursor ?? undefined;
      pages++;
    } while (before && pages < 10);
    assert.deepEqual(seen, expected);
    assert.equal(pages, 3);
    // And with a character: the barkeep's three.
    const first = await admin.admin.conversations.list.query({ query: 'paging probe', character: 'barkeep', limit: 2 });
    const second = await admin.admin.conversations.list.query({ query: 'paging probe', character: 'barkeep', limit: 2, before: first.nextCursor! });
    assert.deepEqual([...first.conversations, ...second.conversations].map((c) => c.id), expected.filter((_, i) => i % 2 === 0));
    assert.equal(second.nextCursor, null);
  });

  it('refuses bad filters with INVALID_INPUT', async () => {
    const list = admin.admin.conversations.list.query as (input: unknown) => Promise<unknown>;
    for (const input of [
      { query: '' },
      { query: '   ' },
      { query: 'x'.repeat(201) },
      { query: 42 },
      { character: 'Not A Slug' },
      { from: '2026-13-01' },
      { from: 'yesterday' },
      { to: '2026-01-01T10:00:00' },
      { from: '2026-02-01', to: '2026-01-31' },
    ]) {
      assert.equal(await trpcErrorCode(list(input)), 'INVALID_INPUT', JSON.stringify(input));
    }
    assert.equal((await found({ query: 'x'.repeat(200) })).length, 0, '200 characters are fine');
  });

  it(`reads at most ${SEARCH_WINDOW} conversations a call: past them, a short page and a cursor to go on`, async () => {
    // The oldest of many conversations holds the words; the others written directly, as many visitors would have made them.
    const needle = await converse('host', 'A needle in the haystack');
    const character = await h.app.db.selectFrom('characters').select('id').where('site_id', '=', h.siteId).where('slug', '=', 'host').executeTakeFirstOrThrow();
    const visitorId = newId();
    await h.app.db.insertInto('visitors').values({ id: visitorId, site_id: h.siteId, external_user_id: null, display_name: null, created_at: nowIso() }).execute();
    const rows = Array.from({ length: SEARCH_WINDOW + 5 }, (_, i) => sql`(${newId()}, ${h.siteId}, ${visitorId}, ${character.id}, ${i + 1}, ${nowIso()}, ${nowIso()})`);
    for (let i = 0; i < rows.length; i += 200) {
      await sql`insert into conversations (id, site_id, visitor_id, character_id, number, created_at, last_message_at) values ${sql.join(rows.slice(i, i + 200))}`.execute(h.app.db);
    }

    const first = await admin.admin.conversations.list.query({ query: 'needle', limit: 10 });
    assert.deepEqual(first.conversations, []);
    assert.ok(first.nextCursor, 'a cursor to search on');
    const second = await admin.admin.conversations.list.query({ query: 'needle', limit: 10, before: first.nextCursor });
    assert.deepEqual(second.conversations.map((c) => c.id), [needle]);
    // Without words, listing is as fast as ever: a full page at once.
    assert.equal((await admin.admin.conversations.list.query({ limit: 100 })).conversations.length, 100);
  });
});
