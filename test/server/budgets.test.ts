/**
 * Model budgets: each reply's tokens are counted (as an OpenAI-compatible endpoint reports
 * them, else estimated) and shown to the site owner; a site that crosses its budget in the
 * middle of a reply gets that reply whole, is told once (webhook), and the next messages are
 * refused with QUOTA_EXCEEDED and when to come back, storing nothing, until the budget allows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebhookBody } from '../../server/webhooks/events.js';
import { FAKE_USAGE, startFakeModel, type FakeModel, LOCAL_MODEL_ENDPOINTS } from './fake-model.js';
import { collect, startHarness, trpcErrorCode, type Harness } from './harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const DAY_MS = 86_400_000;

describe('model budgets', () => {
  let h: Harness;
  let model: FakeModel;
  let receiver: WebhookReceiver;
  before(async () => {
    [model, receiver] = await Promise.all([startFakeModel(), startWebhookReceiver()]);
    h = await startHarness({
      config: {
        simulatedDelayMs: 20,
        responderEndpoints: LOCAL_MODEL_ENDPOINTS,
        webhooks: { privateHosts: ['127.0.0.1'], retryBaseMs: 150, maxAttempts: 3 },
      },
    });
    await h.admin().admin.characters.create.mutate({ slug: 'modelled', name: 'Rosa', persona: 'A bartender.', responder: { kind: 'openai', baseUrl: model.baseUrl, model: 'ok' } });
  });
  after(async () => {
    await h.close();
    await Promise.all([model.close(), receiver.close()]);
  });

  /** One message over a socket; resolves with its ack and, when it was taken, the reply as stored. */
  async function ask(character: string, content: string) {
    const session = await h.session(character);
    const socket = await h.socket(session.visitorToken);
    const replies = collect(socket, 'receive_message', 2, 5000);
    const ack = await socket.emitWithAck('send_message', { conversationId: session.conversationId, content });
    const reply = ack.ok ? (await replies).find((m) => m.sender_type === 'character') : undefined;
    if (!ack.ok) replies.catch(() => undefined);
    socket.disconnect();
    return { ack, reply, session };
  }

  const usage = () => h.admin().admin.site.usage.query();
  async function usageAfter(replies: number) {
    for (let i = 0; i < 100; i++) {
      const now = await usage();
      if (now.today.replies >= replies) return now;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`usage never counted ${replies} replies`);
  }

  it('counts the tokens an OpenAI-compatible endpoint reports, and estimates the rest', async () => {
    const { reply } = await ask('modelled', 'A negroni, please');
    assert.ok(reply);
    assert.equal(reply.status, undefined, 'complete (a complete message carries no status)');
    assert.deepEqual(model.requests.at(-1)?.stream_options, { include_usage: true }, 'usage asked for');
    const reported = await usageAfter(1);
    assert.equal(reported.today.inputTokens, FAKE_USAGE.prompt_tokens);
    assert.equal(reported.today.outputTokens, FAKE_USAGE.completion_tokens);
    assert.equal(reported.budget, null);
    assert.equal(reported.reached, null);

    // The simulated character reports nothing: its prompt and words are estimated (about four characters a token).
    const simulated = await ask('barkeep', 'What do you pour?');
    const estimated = await usageAfter(2);
    const outputTokens = estimated.today.outputTokens - reported.today.outputTokens;
    assert.equal(outputTokens, Math.ceil(simulated.reply!.content.length / 4));
    assert.ok(estimated.today.inputTokens > reported.today.inputTokens, 'its prompt counted too');
    assert.deepEqual(estimated.month, estimated.today, 'this month is today so far');
  });

  it('lets a reply that crosses the budget finish, tells the owner once, then refuses messages until the budget allows', async () => {
    const hook = await h.admin().admin.webhooks.create.mutate({ url: receiver.url, events: ['budget.reached'] });
    const before = await usage();
    const spent = before.today.inputTokens + before.today.outputTokens;
    // A few tokens left: the next reply starts within budget and crosses it while it streams.
    await h.admin().admin.site.update.mutate({ budget: { dailyTokens: spent + 5, monthlyTokens: 1e9 } });
    const crossing = await ask('barkeep', 'Tell me about the house cocktails');
    assert.ok(crossing.ack.ok, 'sent within budget');
    assert.ok(crossing.reply);
    assert.equal(crossing.reply.status, undefined, 'the reply that crossed is whole');
    assert.ok(crossing.reply!.content.length > 20);

    const [told] = await receiver.waitFor(1, 5000);
    const event = JSON.parse(told!.body) as WebhookBody;
    assert.equal(event.type, 'budget.reached');
    assert.equal((event.data as { period: string }).period, 'day');
    assert.equal((await usage()).reached, 'day');

    // Refused over the socket and over tRPC, with when to come back (the next UTC day), and nothing stored.
    const refused = await ask('barkeep', 'One more?');
    assert.equal(refused.ack.ok, false);
    const error = !refused.ack.ok ? refused.ack.error : undefined;
    assert.equal(error?.code, 'QUOTA_EXCEEDED');
    assert.ok(error!.retryAfterMs! > 0 && error!.retryAfterMs! <= DAY_MS, `retry after ${error?.retryAfterMs} ms`);
    const { visitorToken, conversationId } = refused.session;
    const api = h.api({ token: visitorToken });
    assert.equal(await trpcErrorCode(api.message.send.mutate({ conversationId, content: 'Over HTTP?' })), 'QUOTA_EXCEEDED');
    assert.deepEqual((await api.conversation.history.query({ conversationId })).messages, [], 'nothing stored for a reply that cannot come');
    const { conversationId: answered } = crossing.session;
    const crossingApi = h.api({ token: crossing.session.visitorToken });
    assert.equal(await trpcErrorCode(crossingApi.message.regenerate.mutate({ conversationId: answered })), 'QUOTA_EXCEEDED', 'a new version costs tokens too');

    // Told once: more refusals send no second event.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.equal(receiver.received.length, 1);

    // The owner raises the budget: replies resume at once.
    await h.admin().admin.site.update.mutate({ budget: null });
    const resumed = await ask('barkeep', 'Now?');
    assert.ok(resumed.ack.ok);
    await h.admin().admin.webhooks.remove.mutate({ id: hook.id });
  });

  it('announces a budget lowered under what was already used, once', async () => {
    receiver.received.length = 0;
    const hook = await h.admin().admin.webhooks.create.mutate({ url: receiver.url, events: ['budget.reached'] });
    await h.admin().admin.site.update.mutate({ budget: { monthlyTokens: 1 } });
    const [told] = await receiver.waitFor(1, 5000);
    assert.equal((JSON.parse(told!.body) as WebhookBody & { data: { period: string } }).data.period, 'month');
    await h.admin().admin.site.update.mutate({ budget: { monthlyTokens: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(receiver.received.length, 1, 'the month was told already');
    await h.admin().admin.site.update.mutate({ budget: null });
    await h.admin().admin.webhooks.remove.mutate({ id: hook.id });
  });

  it('refuses a budget it could not keep, and keeps a retention period', async () => {
    const admin = h.admin().admin.site;
    assert.equal(await trpcErrorCode(admin.update.mutate({ budget: { dailySpend: 5 } })), 'INVALID_INPUT', 'a spend limit needs a price');
    assert.equal(await trpcErrorCode(admin.update.mutate({ budget: { dailyTokens: -1 } })), 'INVALID_INPUT');
    assert.equal(await trpcErrorCode(admin.update.mutate({ retentionDays: 0 })), 'INVALID_INPUT');
    const priced = { dailySpend: 2.5, inputPricePerMillion: 0.15, outputPricePerMillion: 0.6 };
    const site = await admin.update.mutate({ budget: priced, retentionDays: 30 });
    assert.deepEqual(site.budget, priced);
    assert.equal(site.retentionDays, 30);
    const { today } = await usage();
    assert.ok(Math.abs(today.spend - (today.inputTokens * 0.15 + today.outputTokens * 0.6) / 1e6) < 1e-12, 'spend at the site’s prices');
    assert.equal((await admin.update.mutate({ retentionDays: null, budget: null })).retentionDays, null);
  });
});
