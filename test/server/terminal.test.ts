/**
 * Names reach an operator's terminal through the `tipsy` CLI. Control
 * characters are removed from one-line names on input, and every human print
 * shows them as visible escapes, so even rows stored before that rule cannot
 * clear the screen, colour it, or fake a row.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userHash } from '../../server/auth/identity.js';
import { SITE_ORIGIN, startHarness, type Harness } from './harness.js';
import { runTipsy } from './cli-runner.js';
import type { TestDatabase } from './test-database.js';


/** A clear screen, a carriage return over the row, a fake next row, and an 8-bit CSI (colour). */
const HOSTILE = 'Evil\u001b[2J\rFAKE ROW\nsecond row\u009b31m red\u0007';
/** Any control byte but the line feeds that end lines: as UTF-8, C1 controls are C2 80–C2 9F. */
const CONTROL_BYTES = /[\u0000-\u0009\u000b-\u001f\u007f]|\u00c2[\u0080-\u009f]/;

const tipsy = (database: TestDatabase, ...args: string[]) => runTipsy(database.env, args, { encoding: 'latin1' });

type Run = Awaited<ReturnType<typeof tipsy>>;

describe('control characters and the terminal', () => {
  let h: Harness;
  /** The CLI's answers, run side by side once (each run starts a process). */
  let sites: Run, characters: Run, renamed: Run, json: Run, created: Run;
  before(async () => {
    h = await startHarness();
    // Rows as an older version (or another tool) could have stored them: straight into the database.
    await h.app.db.updateTable('sites').set({ name: HOSTILE }).where('id', '=', h.siteId).execute();
    await h.app.db.updateTable('characters').set({ name: HOSTILE, greeting: HOSTILE }).where('site_id', '=', h.siteId).where('slug', '=', 'host').execute();
    [sites, characters, renamed, json, created] = await Promise.all([
      tipsy(h.database, 'site', 'list'),
      tipsy(h.database, 'character', 'list', h.siteId),
      tipsy(h.database, 'site', 'update', h.siteId, '--origin', SITE_ORIGIN),
      tipsy(h.database, 'site', 'list', '--json'),
      tipsy(h.database, 'site', 'create', '--name', 'New\u001b[2J\rshop', '--json'),
    ]);
  });
  after(() => h.close());

  it('prints stored names with controls as visible escapes, one line per row', async () => {
    assert.equal(sites.code, 0, sites.stderr);
    assert.doesNotMatch(sites.stdout, CONTROL_BYTES);
    // One line per site (the one created beside this run may be listed too), each starting with its id.
    const rows = sites.stdout.trimEnd().split('\n').slice(1);
    assert.ok(rows.length >= 1 && rows.every((row) => /^[0-9A-Z]{26} /.test(row)), sites.stdout);
    assert.ok(sites.stdout.includes('Evil\\x1b[2J\\rFAKE ROW\\nsecond row\\x9b31m red\\x07'), sites.stdout);

    assert.equal(characters.code, 0, characters.stderr);
    assert.doesNotMatch(characters.stdout, CONTROL_BYTES);
    assert.equal(characters.stdout.trimEnd().split('\n').length, 4, 'a header and three rows');

    assert.equal(renamed.code, 0, renamed.stderr);
    assert.doesNotMatch(renamed.stdout, CONTROL_BYTES);
    assert.equal(renamed.stdout.trimEnd().split('\n').length, 1);
  });

  it('keeps --json output exact, with C1 controls escaped as JSON escapes', async () => {
    assert.doesNotMatch(json.stdout, CONTROL_BYTES);
    const listed = JSON.parse(Buffer.from(json.stdout, 'latin1').toString('utf8')) as { id: string; name: string }[];
    assert.equal(listed.find((s) => s.id === h.siteId)?.name, HOSTILE);
  });

  it('removes controls from names on input: admin API, page characters, user names and the CLI', async () => {
    const admin = h.admin().admin;
    assert.equal((await admin.site.update.mutate({ name: `Shop${HOSTILE}` })).name, 'ShopEvil[2J FAKE ROW second row31m red');
    const character = await admin.characters.create.mutate({ slug: 'clean', name: HOSTILE, greeting: 'Hi\u001b[2J\r\nthere', persona: 'Line one\nLine\u0000 two' });
    assert.equal(character.name, 'Evil[2J FAKE ROW second row31m red');
    assert.equal(character.greeting, 'Hi[2J\nthere', 'long text keeps its line breaks');
    assert.equal((await admin.characters.update.mutate({ slug: 'clean', name: '\u009bX\u001b' })).name, 'X');
    const imported = await admin.characters.import.mutate({ card: { spec: 'chara_card_v2', data: { name: `Card${HOSTILE}` } }, slug: 'card' });
    assert.equal(imported.name, 'CardEvil[2J FAKE ROW second row31m red');

    await admin.site.update.mutate({ allowPageCharacters: true });
    const page = await h.api().session.start.mutate({ siteKey: h.siteKey, characterDefinition: { name: `Pirate${HOSTILE}` } });
    assert.equal(page.character.name, 'PirateEvil[2J FAKE ROW second row31m red');

    const user = { id: 'u-1', hash: userHash(h.site.identitySecret, 'u-1'), name: `Ada\u001b]0;title\u0007${HOSTILE}` };
    await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'guide', user });
    const { conversations } = await admin.conversations.list.query({ userId: 'u-1' });
    assert.equal(conversations[0]?.userName, 'Ada]0;titleEvil[2J FAKE ROW second row31m red');

    assert.equal(created.code, 0, created.stderr);
    const { siteId } = JSON.parse(created.stdout) as { siteId: string };
    const stored = await h.app.db.selectFrom('sites').select('name').where('id', '=', siteId).executeTakeFirstOrThrow();
    assert.equal(stored.name, 'New[2J shop');
  });
});
