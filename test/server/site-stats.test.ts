/**
 * admin.site.stats against the real server: every UTC day of the range, zeros included; what
 * real visitors did over real sockets (messages, a reply, a failed and an interrupted one from a
 * local OpenAI-compatible endpoint, a greeting that is no reply); refusals counted for the site
 * after it hit a real rate limit, over a socket and over HTTP; another site's never; bad input refused.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import type { Message } from '../../server/protocol/message.js';
import { startFakeModel, type FakeModel, LOCAL_MODEL_ENDPOINTS } from './fake-model.js';
import { ROOMY_LIMITS, SITE_ORIGIN, startHarness, trpcErrorCode, type Client, type Harness } from './harness.js';

const utcDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('usage by day (admin.site.stats)', () => {
  let h: Harness;
  let model: FakeModel;
  let admin: Client;
  before(async () => {
    model = await startFakeModel();
    h = await startHarness({
      config: {
        replyDeadlines: { firstMs: 700, idleMs: 700 },
        responderEndpoints: LOCAL_MODEL_ENDPOINTS,
      },
    });
    admin = h.admin();
    await admin.admin.characters.create.mutate({ slug: 'm-fail', name: 'Failing', responder: { kind: 'openai', baseUrl: model.baseUrl, model: 'http-500' } });
    await admin.admin.characters.create.mutate({ slug: 'm-cut', name: 'Cut short', responder: { kind: 'openai', baseUrl: model.baseUrl, model: 'error-mid' } });
  });
  after(async () => {
    await h?.close();
    await model?.close();
  });

  const stats = async (days?: number) => (await admin.admin.site.stats.query(days === undefined ? undefined : { days })).days;
  const today = async () => (await stats(1))[0]!;

  /** A new visitor writes once to `character` over a socket; resolves with the character's answer as stored. */
  async function ask(character: string, content: string): Promise<{ reply: Message; conversationId: string }> {
    const { visitorToken, conversationId } = await h.session(character);
    const socket = await h.socket(visitorToken);
    const reply = new Promise<Message>((resolve) => socket.on('receive_message', (m) => m.sender_type === 'character' && resolve(m)));
    const ack = await socket.emitWithAck('send_message', { conversationId, content });
    assert.equal(ack.ok, true);
    const answered = await reply;
    socket.disconnect();
    return { reply: answered, conversationId };
  }

  it('answers every UTC day of the range, oldest first, zeros included', async () => {
    const days = await stats(3);
    assert.deepEqual(days, [utcDay(-2), utcDay(-1), utcDay(0)].map((day) => ({ day, conversations: 0, visitorMessages: 0, replies: 0, failed: 0, interrupted: 0, refusals: 0 })));
    const month = await stats();
    assert.equal(month.length, 30, '30 days by default');
    assert.equal(month[0]!.day, utcDay(-29));
    assert.equal((await stats(90)).length, 90);
  });

  it('counts conversations, visitors’ messages and replies (failed and interrupted among them) by the day they happened', async () => {
    const plain = await ask('barkeep', 'What do you recommend tonight?');
    assert.equal(plain.reply.status, undefined);
    await ask('host', 'What do you pour?'); // opened with a greeting: not a reply
    assert.equal((await ask('m-fail', 'Anything?')).reply.status, 'failed');
    assert.equal((await ask('m-cut', 'Tell me a story')).reply.status, 'interrupted');
    // Another site's chats are its own.
    const other = await createSite(h.app.db, { name: 'Other shop', origins: [SITE_ORIGIN] });
    await upsertCharacter(h.app.db, other.siteId, { slug: 'barkeep', name: 'Other barkeep', persona: 'Pours.' });
    const elsewhere = await h.api().session.start.mutate({ siteKey: other.publishableKey, character: 'barkeep' });
    await h.api({ token: elsewhere.visitorToken }).message.send.mutate({ conversationId: elsewhere.conversationId, content: 'Hello from elsewhere' });

    assert.deepEqual(await today(), { day: utcDay(0), conversations: 4, visitorMessages: 4, replies: 4, failed: 1, interrupted: 1, refusals: 0 });

    // A conversation of yesterday counts yesterday.
    const yesterday = `${utcDay(-1)}T12:00:00.000Z`;
    await h.app.db.updateTable('conversations').set({ created_at: yesterday }).where('id', '=', plain.conversationId).execute();
    await h.app.db.updateTable('messages').set({ created_at: yesterday }).where('conversation_id', '=', plain.conversationId).execute();
    const [dayBefore, day] = await stats(2);
    assert.deepEqual(dayBefore, { day: utcDay(-1), conversations: 1, visitorMessages: 1, replies: 1, failed: 0, interrupted: 0, refusals: 0 });
    assert.deepEqual(day, { day: utcDay(0), conversations: 3, visitorMessages: 3, replies: 3, failed: 1, interrupted: 1, refusals: 0 });
  });

  it('counts the site’s rate-limit refusals, over a socket and over HTTP, within seconds', async () => {
    const start = await today();
    await admin.admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, messageBurst: { points: 2, seconds: 60 }, socketsPerVisitor: 1 } });
    try {
      const { visitorToken, conversationId } = await h.session('guide');
      const socket = await h.socket(visitorToken);
      for (const content of ['One', 'Two']) assert.equal((await socket.emitWithAck('send_message', { conversationId, content })).ok, true);
      const refused = await socket.emitWithAck('send_message', { conversationId, content: 'Three' });
      assert.equal(refused.ok === false && refused.error.code, 'RATE_LIMITED');
      const api = h.api({ token: visitorToken });
      assert.equal(await trpcErrorCode(api.message.send.mutate({ conversationId, content: 'Four' })), 'RATE_LIMITED');
      // A second socket for a visitor allowed one.
      await assert.rejects(h.socket(visitorToken), (err: Error & { data?: { code: string } }) => err.data?.code === 'RATE_LIMITED');
      socket.disconnect();

      // Written in batches: within a few seconds.
      let now = await today();
      for (let waited = 0; now.refusals < 3 && waited < 15_000; waited += 250) {
        await sleep(250);
        now = await today();
      }
      assert.equal(now.refusals, start.refusals + 3);
      assert.equal(now.visitorMessages, start.visitorMessages + 2, 'refused messages are not stored');
      assert.equal(now.conversations, start.conversations + 1);
      // The table holds one row for the day, not one per refusal.
      const rows = await h.app.db.selectFrom('daily_refusals').selectAll().where('site_id', '=', h.siteId).execute();
      assert.equal(rows.length, 1);
      assert.equal(Number(rows[0]!.refusals), 3);
    } finally {
      await admin.admin.site.update.mutate({ limits: null });
    }
  });

  it('refuses a range outside 1–90 days with INVALID_INPUT', async () => {
    const query = admin.admin.site.stats.query as (input: unknown) => Promise<unknown>;
    for (const days of [0, 91, -1, 1.5, '30', null]) assert.equal(await trpcErrorCode(query({ days })), 'INVALID_INPUT', String(days));
  });
});
