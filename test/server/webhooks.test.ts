/**
 * Webhooks: events reach a local receiver signed as documented; a failing receiver is
 * retried with backoff from the database's queue, through a server restart; a target on a
 * private address is refused unless the operator allows it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebhookBody } from '../../server/webhooks/events.js';
import { WEBHOOK_EVENTS } from '../../server/webhooks/events.js';
import { verifySignature } from '../../server/webhooks/signing.js';
import { collect, startHarness, trpcErrorCode, type Harness } from './harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const allowLocal = { webhooks: { privateHosts: ['127.0.0.1'], retryBaseMs: 150, maxAttempts: 3 } };

describe('webhooks', () => {
  let receiver: WebhookReceiver;
  const harnesses: Harness[] = [];
  before(async () => (receiver = await startWebhookReceiver()));
  after(async () => {
    for (const h of harnesses.reverse()) await h.close();
    await receiver.close();
  });

  /** A visitor says something and the character answers. */
  async function talk(h: Harness, content: string) {
    const session = await h.session('barkeep');
    const socket = await h.socket(session.visitorToken);
    const done = collect(socket, 'receive_message', 2);
    await socket.emitWithAck('send_message', { conversationId: session.conversationId, content });
    await done;
    socket.disconnect();
    return session;
  }

  it('sends each event once, signed with the webhook’s secret', async () => {
    const h = await startHarness({ config: allowLocal });
    harnesses.push(h);
    const hook = await h.admin().admin.webhooks.create.mutate({ url: receiver.url, events: [...WEBHOOK_EVENTS] });
    assert.match(hook.secret, /^whsec_/);
    assert.equal((await h.admin().admin.webhooks.list.query())[0]!.url, receiver.url);
    const { conversationId } = await talk(h, 'A dry martini');
    const deliveries = await receiver.waitFor(3);
    const bodies = deliveries.map((d) => JSON.parse(d.body) as WebhookBody);
    assert.deepEqual(bodies.map((b) => b.type).sort(), ['conversation.started', 'message.created', 'reply.completed']);
    for (const [i, d] of deliveries.entries()) {
      assert.ok(verifySignature(hook.secret, d.body, d.signature ?? ''), `delivery ${i} verifies`);
      assert.equal(verifySignature('whsec_wrong', d.body, d.signature ?? ''), false);
      assert.equal(bodies[i]!.site_id, h.siteId);
      assert.equal((bodies[i]!.data as { conversation_id: string }).conversation_id, conversationId);
    }
    const created = bodies.find((b) => b.type === 'message.created')!;
    assert.equal((created.data as { message: { content: string } }).message.content, 'A dry martini');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(receiver.received.length, 3, 'each event once');
    const log = await h.admin().admin.webhooks.deliveries.query({ limit: 10 });
    assert.deepEqual(new Set(log.map((d) => d.status)), new Set(['delivered']));
    await h.admin().admin.webhooks.remove.mutate({ id: hook.id });
  });

  it('retries a failing receiver with backoff from the queue, through a restart, and shows each attempt', async () => {
    receiver.received.length = 0;
    const first = await startHarness({ config: allowLocal });
    const hook = await first.admin().admin.webhooks.create.mutate({ url: receiver.url, events: ['message.created'] });
    receiver.answer(500);
    await talk(first, 'Through the restart');
    await receiver.waitFor(1);
    assert.equal(receiver.received[0]!.status, 500);
    await first.stop(); // the retry is due after the server is gone
    const second = await startHarness({ config: allowLocal, database: first.database, site: first.site });
    harnesses.push(second, first);
    const [, retried] = await receiver.waitFor(2);
    assert.equal(retried!.status, 200);
    assert.equal(retried!.body, receiver.received[0]!.body, 'the same delivery, the same body');
    const [delivery] = await second.admin().admin.webhooks.deliveries.query({ webhookId: hook.id, limit: 10 });
    assert.equal(delivery!.status, 'delivered');
    assert.equal(delivery!.attempts, 2);

    // A receiver that never answers well: given up after the last attempt, and shown as such.
    receiver.answer(503, 503, 503);
    await talk(second, 'Never delivered');
    await receiver.waitFor(5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [failed] = await second.admin().admin.webhooks.deliveries.query({ webhookId: hook.id, limit: 1 });
    assert.equal(failed!.status, 'failed');
    assert.equal(failed!.attempts, 3);
    assert.equal(failed!.lastStatus, 503);
  });

  it('erasing a visitor takes their queued deliveries with them, and says so to the site', async () => {
    receiver.received.length = 0;
    const h = await startHarness({ config: { webhooks: { ...allowLocal.webhooks, retryBaseMs: 60_000 } } });
    harnesses.push(h);
    const hook = await h.admin().admin.webhooks.create.mutate({ url: receiver.url, events: ['message.created', 'visitor.erased'] });
    receiver.answer(500); // the first delivery fails and waits a minute for its retry
    const session = await talk(h, 'Forget me');
    await receiver.waitFor(1);
    const [queued] = await h.admin().admin.webhooks.deliveries.query({ webhookId: hook.id, limit: 5 });
    assert.equal(queued!.status, 'pending');
    const visitorId = (await h.app.services.sessions.authenticate(session.visitorToken, 'http://shop.example')).visitorId;
    await h.admin().admin.conversations.deleteVisitor.mutate({ visitorId });
    const [erased] = await receiver.waitFor(2).then((all) => all.slice(1));
    const body = JSON.parse(erased!.body) as WebhookBody;
    assert.equal(body.type, 'visitor.erased');
    assert.deepEqual(body.data, { visitor_id: visitorId, deleted_conversations: 1 });
    const left = await h.admin().admin.webhooks.deliveries.query({ webhookId: hook.id, limit: 5 });
    assert.deepEqual(left.map((d) => d.event), ['visitor.erased'], 'the queued message.created is gone');
  });

  it('refuses targets on private addresses unless the operator allows them', async () => {
    const h = await startHarness();
    harnesses.push(h);
    for (const url of [receiver.url, 'http://169.254.169.254/latest', 'http://[::1]:9/x', 'http://localhost/x', 'ftp://example.com/x', 'https://user:pw@example.com/x']) {
      assert.equal(await trpcErrorCode(h.admin().admin.webhooks.create.mutate({ url, events: ['message.created'] })), 'INVALID_INPUT', url);
    }
  });
});
