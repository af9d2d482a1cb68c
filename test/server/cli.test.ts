import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, trpcErrorCode, type Harness } from './harness.js';
import { runTipsy } from './cli-runner.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';


const tipsy = (database: TestDatabase, ...args: string[]) => runTipsy(database.env, args);

interface CreatedSite {
  siteId: string;
  publishableKey: string;
  secretKey: string;
  identitySecret: string;
}

describe('tipsy CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tipsy-cli-'));
  let database: TestDatabase;
  let site: CreatedSite;
  let h: Harness;

  before(async () => {
    database = await createTestDatabase();
    const created = await tipsy(database, 'site', 'create', '--name', 'Corner Shop', '--origin', 'https://corner.example', '--json');
    assert.equal(created.code, 0, created.stderr);
    site = JSON.parse(created.stdout) as CreatedSite;
    const file = join(dir, 'characters.json');
    writeFileSync(file, JSON.stringify([{ slug: 'clerk', name: 'Clerk', greeting: 'Hi!' }, { slug: 'owner', name: 'Owner' }]));
    const added = await tipsy(database, 'character', 'add', site.siteId, '--file', file, '--json');
    assert.equal(added.code, 0, added.stderr);
    h = await startHarness({ database, site: { ...site, siteKey: site.publishableKey } });
  });
  after(async () => {
    await h?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a site whose keys and characters work on a running server', async () => {
    assert.match(site.publishableKey, /^pk_/);
    assert.match(site.secretKey, /^sk_/);
    assert.match(site.identitySecret, /^[0-9a-f]{64}$/);
    const session = await h.api({ origin: 'https://corner.example' }).session.start.mutate({ siteKey: site.publishableKey });
    assert.equal(session.character.slug, 'clerk');
    assert.equal((await h.admin(site.secretKey).admin.site.get.query()).name, 'Corner Shop');
  });

  it('lists sites and characters for people and for scripts', async () => {
    const human = await tipsy(database, 'site', 'list');
    assert.match(human.stdout, /^ID\s+NAME\s+ORIGINS/);
    assert.match(human.stdout, /Corner Shop\s+https:\/\/corner\.example/);
    const json = JSON.parse((await tipsy(database, 'character', 'list', site.siteId, '--json')).stdout) as { slug: string }[];
    assert.deepEqual(json.map((c) => c.slug), ['clerk', 'owner']);
  });

  it('revokes a key; a running server drops its open sockets within seconds', async () => {
    const created = JSON.parse((await tipsy(database, 'key', 'create', site.siteId, '--kind', 'publishable', '--json')).stdout) as {
      id: string;
      key: string;
    };
    const api = h.api({ origin: 'https://corner.example' });
    const session = await api.session.start.mutate({ siteKey: created.key });
    const socket = await h.socket(session.visitorToken, { origin: 'https://corner.example' });
    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const revoked = await tipsy(database, 'key', 'revoke', site.siteId, created.id);
    assert.equal(revoked.code, 0, revoked.stderr);
    const startedAt = Date.now();
    assert.equal(await gone, 'io server disconnect');
    assert.ok(Date.now() - startedAt < 11_000);
    assert.equal(await trpcErrorCode(api.session.start.mutate({ siteKey: created.key })), 'UNAUTHORIZED');
  });

  it('rotates keys and shows secret keys only as a hint afterwards', async () => {
    const keys = JSON.parse((await tipsy(database, 'key', 'list', site.siteId, '--json')).stdout) as { id: string; kind: string; display: string }[];
    const secret = keys.find((k) => k.kind === 'secret')!;
    assert.equal(secret.display, `sk_…${site.secretKey.slice(-4)}`);
    const rotated = JSON.parse((await tipsy(database, 'key', 'rotate', site.siteId, secret.id, '--json')).stdout) as { key: string };
    assert.equal(await trpcErrorCode(h.admin(site.secretKey).admin.site.get.query()), 'UNAUTHORIZED');
    assert.ok(await h.admin(rotated.key).admin.site.get.query());
  });

  it('sets a model budget and a retention period, and shows what replies used', async () => {
    const budget = '{"dailyTokens":200000,"monthlySpend":20,"inputPricePerMillion":0.15,"outputPricePerMillion":0.6}';
    const updated = await tipsy(database, 'site', 'update', site.siteId, '--budget', budget, '--retention-days', '30', '--json');
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal((JSON.parse(updated.stdout) as { retentionDays: number }).retentionDays, 30);
    // A visitor talks: the reply's tokens show in the usage, for people and for scripts.
    const session = await h.api({ origin: 'https://corner.example' }).session.start.mutate({ siteKey: site.publishableKey });
    const socket = await h.socket(session.visitorToken, { origin: 'https://corner.example' });
    const replied = new Promise((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && m.seq > 1 && resolve(m)));
    await socket.emitWithAck('send_message', { conversationId: session.conversationId, content: 'Do you sell stamps?' });
    await replied;
    type Shown = { today: { replies: number; outputTokens: number }; budget: { dailyTokens: number } };
    const shown = async () => JSON.parse((await tipsy(database, 'site', 'usage', site.siteId, '--json')).stdout) as Shown;
    let json = await shown();
    // The server writes usage within a second of the reply.
    for (let i = 0; i < 20 && json.today.replies === 0; i++) json = await new Promise((resolve) => setTimeout(resolve, 200)).then(shown);
    assert.equal(json.today.replies, 1);
    assert.ok(json.today.outputTokens > 0);
    assert.equal(json.budget.dailyTokens, 200000);
    const human = await tipsy(database, 'site', 'usage', site.siteId);
    assert.match(human.stdout, /^Today\s+\d+ tokens \(\d+ in, \d+ out\), 1 replies, spend 0\.\d{4}$/m);
    assert.equal((await tipsy(database, 'site', 'update', site.siteId, '--retention-days', '0')).code, 2);
    assert.equal((await tipsy(database, 'site', 'update', site.siteId, '--budget', '{"dailySpend":1}')).code, 2, 'a spend limit needs a price');
    assert.equal((await tipsy(database, 'site', 'usage', 'no-such-site')).code, 1);
  });

  it('prints a one-time studio link that signs in once', async () => {
    const printed = await tipsy(database, 'studio', 'link', site.siteId, '--url', h.url, '--minutes', '5', '--json');
    assert.equal(printed.code, 0, printed.stderr);
    const { url } = JSON.parse(printed.stdout) as { url: string };
    assert.match(url, new RegExp(`^${h.url}/studio/#link=sl_[\\w-]{43}$`));
    const signIn = () =>
      fetch(`${h.url}/studio/api/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tipsy-studio': '1', origin: h.url },
        body: JSON.stringify({ link: new URL(url).hash.slice('#link='.length) }),
      });
    assert.equal((await signIn()).status, 200);
    assert.equal((await signIn()).status, 401, 'once');
    assert.equal((await tipsy(database, 'studio', 'link', 'no-such-site')).code, 1);
    const ended = JSON.parse((await tipsy(database, 'studio', 'sign-out-all', site.siteId, '--json')).stdout) as { ended: number };
    assert.equal(ended.ended, 1);
  });

  it('exits 2 on a wrong command line, 1 when the operation fails, 0 for help', async () => {
    const usage = await tipsy(database, 'site', 'create', '--origin', 'https://x.example');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /required option '--name <name>'/);
    assert.equal((await tipsy(database, 'key', 'create', site.siteId, '--kind', 'magic')).code, 2);
    const bad = await tipsy(database, 'site', 'create', '--name', 'Bad', '--origin', 'ftp://nope');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Not an http\(s\) origin: ftp:\/\/nope \(INVALID_INPUT\)/);
    assert.equal((await tipsy(database, 'key', 'revoke', site.siteId, 'no-such-key')).code, 1);
    const help = await tipsy(database, '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /site\s+create, list and change sites/);
  });
});
