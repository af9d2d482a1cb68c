/** `tipsy webhook …`: a webhook added from the command line is delivered to by a running server, and its deliveries read back. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collect, startHarness, type Harness } from './harness.js';
import { runTipsy } from './cli-runner.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

describe('tipsy webhook', () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({ config: { webhooks: { privateHosts: ['127.0.0.1'], retryBaseMs: 100, maxAttempts: 3 } } });
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });
  const tipsy = (env: Record<string, string>, ...args: string[]) => runTipsy({ ...h.database.env, ...env }, args);

  it('adds, lists, reads deliveries and removes', async () => {
    const refused = await tipsy({}, 'webhook', 'add', h.siteId, receiver.url);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /private address/);

    const added = await tipsy({ TIPSY_WEBHOOK_PRIVATE_HOSTS: '127.0.0.1' }, 'webhook', 'add', h.siteId, receiver.url, '--events', 'message.created', '--json');
    assert.equal(added.code, 0, added.stderr);
    const hook = JSON.parse(added.stdout) as { id: string; secret: string };
    assert.match(hook.secret, /^whsec_/);
    assert.match((await tipsy({}, 'webhook', 'list', h.siteId)).stdout, new RegExp(`${hook.id}\\s+${receiver.url.replace(/[.]/g, '\\.')}\\s+message\\.created`));

    // The running server reads new webhooks within 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_200));
    const { visitorToken, conversationId } = await h.session('barkeep');
    const socket = await h.socket(visitorToken);
    const replied = collect(socket, 'receive_message', 2);
    await socket.emitWithAck('send_message', { conversationId, content: 'Hello from the shop' });
    await replied;
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const deliveries = JSON.parse((await tipsy({}, 'webhook', 'deliveries', h.siteId, '--json')).stdout) as { status: string; event: string }[];
    assert.deepEqual(deliveries.map((d) => [d.event, d.status]), [['message.created', 'delivered']]);

    assert.equal((await tipsy({}, 'webhook', 'remove', h.siteId, hook.id)).code, 0);
    assert.equal((await tipsy({}, 'webhook', 'list', h.siteId)).stdout.trim(), '(none)');
  });
});
