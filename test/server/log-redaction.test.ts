/**
 * The log never holds a secret or what visitors say: the most verbose level is read whole after
 * a visitor with a verified identity has talked, an admin has set a model's API key, and a reply
 * has failed against that model, and none of those strings may appear in it.
 */
import { LOCAL_MODEL_ENDPOINTS } from './fake-model.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userHash } from '../../server/auth/identity.js';
import { collect, startHarness, type Harness } from './harness.js';

describe('the log', () => {
  const lines: string[] = [];
  let h: Harness;
  before(async () => {
    h = await startHarness({
      config: { logLevel: 'trace', responderEndpoints: LOCAL_MODEL_ENDPOINTS },
      build: { logStream: { write: (line) => void lines.push(line) } },
    });
  });
  after(() => h.close());

  it('holds no key, token, user hash, API key or message content', async () => {
    const apiKey = 'sk-live-NEVER-LOGGED-4242';
    const content = 'my locker code is PLUM-7731';
    const hash = userHash(h.site.identitySecret, 'user-77');
    await h.admin().admin.characters.create.mutate({
      slug: 'down',
      name: 'Down',
      responder: { kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1', model: 'm', apiKey },
    });
    const session = await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'down', user: { id: 'user-77', hash, name: 'Ada' } });
    const socket = await h.socket(session.visitorToken);
    const failed = collect(socket, 'receive_message', 2);
    await socket.emitWithAck('send_message', { conversationId: session.conversationId, content });
    assert.equal((await failed)[1]!.status, 'failed');
    await h.api({ token: session.visitorToken }).message.send.mutate({ conversationId: session.conversationId, content });
    await h.api({ token: `${session.visitorToken}x` }).conversation.history.query({ conversationId: session.conversationId }).catch(() => undefined);
    await h.admin(`${h.site.secretKey}x`).admin.characters.list.query().catch(() => undefined);

    // What a careless line would hold: the log's own rules take the secrets out.
    h.app.app.log.warn({ input: { content }, message: { content, delta: content }, settings: { apiKey } }, 'a careless line');
    const socketId = socket.id;
    socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 100));

    const log = lines.join('');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const visitorId = records.find((r) => r.msg === 'socket connected')?.visitorId;
    assert.ok(typeof visitorId === 'string', 'a socket’s line names its visitor');
    for (const msg of ['socket connected', 'socket disconnected']) {
      assert.ok(records.some((r) => r.msg === msg && r.visitorId === visitorId && r.siteId === h.siteId && r.socketId === socketId), msg);
    }
    const completed = records.filter((r) => r.msg === 'request completed' && r.visitorId === visitorId);
    assert.equal(completed.length, 1, 'the visitor’s message.send names the visitor (its refused history call has no visitor to name)');
    assert.ok(completed.every((r) => r.siteId === h.siteId && typeof r.reqId === 'string'));
    assert.ok(records.some((r) => r.msg === 'request completed' && r.siteId === h.siteId && !r.visitorId), 'an admin call names its site');
    assert.ok(records.some((r) => r.msg === 'a careless line'), 'the careless line is logged, without its secrets');
    assert.ok(lines.length > 10 && /"reqId"/.test(log), `requests are logged (${lines.length} lines)`);
    const secrets = { secretKey: h.site.secretKey, identitySecret: h.site.identitySecret, visitorToken: session.visitorToken, hash, apiKey, content };
    for (const [name, secret] of Object.entries(secrets)) {
      const at = log.indexOf(secret.slice(0, 24));
      assert.equal(at, -1, `${name} in the log: …${log.slice(Math.max(0, at - 200), at + 60)}…`);
    }
  });
});
