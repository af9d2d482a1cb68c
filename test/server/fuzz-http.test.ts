/**
 * Throws random and malformed inputs at every tRPC procedure a visitor's page
 * calls. Each must get a typed answer under 500; the server must stay up; the
 * database must hold exactly what the accepted calls wrote.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isTypedError, nearValid, random } from './fuzz-payloads.js';
import { SITE_ORIGIN, startHarness, type Harness } from './harness.js';

const PAYLOADS_PER_PROCEDURE = 1000;

describe('fuzz: every visitor procedure', () => {
  let h: Harness;
  let token: string;
  let conversationId: string;
  let strangerConversation: string;
  before(async () => {
    h = await startHarness();
    ({ visitorToken: token, conversationId } = await h.session());
    strangerConversation = (await h.session()).conversationId;
  });
  after(() => h.close());

  it(`answers ${PAYLOADS_PER_PROCEDURE} random inputs per procedure with typed errors and stores exactly what was accepted`, async () => {
    const r = random(20261127);
    const ids = [conversationId, strangerConversation, 'nope', ''];
    const accepted = new Set<string>();
    let refused = 0;
    const procedures = [
      { path: 'session.start', method: 'POST', valid: { siteKey: h.siteKey } },
      { path: 'message.send', method: 'POST', valid: { conversationId, content: 'hello' } },
      { path: 'message.stop', method: 'POST', valid: { conversationId } },
      { path: 'conversation.history', method: 'GET', valid: { conversationId, limit: 5 } },
    ] as const;
    for (const procedure of procedures) {
      for (let i = 0; i < PAYLOADS_PER_PROCEDURE; i++) {
        const input = nearValid(r, procedure.valid, ids);
        const raw = r.next() < 0.05 ? '{"unterminated' : JSON.stringify(input ?? null);
        const headers: Record<string, string> = { origin: SITE_ORIGIN, authorization: `Bearer ${token}` };
        const init: RequestInit =
          procedure.method === 'GET'
            ? { headers }
            : { method: 'POST', headers: { ...headers, 'content-type': r.next() < 0.05 ? 'text/plain' : 'application/json' }, body: raw };
        const url = `${h.url}/trpc/${procedure.path}${procedure.method === 'GET' ? `?input=${encodeURIComponent(raw)}` : ''}`;
        const res = await fetch(url, init);
        const body = (await res.json()) as { result?: { data: { message?: { id: string } } }; error?: { message: string; data: { errorCode: string } } };
        if (res.ok) {
          const stored = body.result?.data.message;
          if (stored) accepted.add(stored.id);
        } else {
          assert.ok(res.status < 500, `${procedure.path} ${raw.slice(0, 100)} → ${res.status}`);
          assert.ok(isTypedError({ code: body.error?.data?.errorCode, message: body.error?.message }), `${procedure.path} ${res.status} → ${JSON.stringify(body).slice(0, 300)}`);
          refused++;
        }
      }
    }

    const userRows = await h.app.db.selectFrom('messages').select('id').where('sender_type', '=', 'user').execute();
    assert.deepEqual(new Set(userRows.map((m) => m.id)), accepted);
    assert.equal((await h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', strangerConversation).execute()).length, 0);
    console.log(`http fuzz: ${procedures.length * PAYLOADS_PER_PROCEDURE} inputs; ${refused} refused with typed errors, ${accepted.size} messages accepted and stored`);
  });
});
