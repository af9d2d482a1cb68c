/**
 * Throws over 10,000 random and malformed payloads at every socket event and
 * tRPC procedure. Each must get a typed answer; the server must stay up; the
 * database must hold exactly what the accepted requests wrote.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../server/protocol/errors.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { SITE_ORIGIN, startHarness, type Harness } from './harness.js';

const SOCKET_PAYLOADS_PER_EVENT = 2500;
const HTTP_PAYLOADS_PER_PROCEDURE = 1000;

/** mulberry32: a seeded generator, so a failure replays exactly. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '__proto__',
  'constructor',
  '<img src=x onerror=alert(1)>',
  "'; DROP TABLE messages; --",
  '\ud800',
  '🦊'.repeat(2001),
  'x'.repeat(4001),
  'y'.repeat(70_000),
];

type Rng = ReturnType<typeof random>;

function randomString(r: Rng): string {
  if (r.next() < 0.3) return r.pick(NASTY_STRINGS);
  const length = r.pick([0, 1, 5, 64, 65, 300, 4000]);
  return Array.from({ length }, () => String.fromCharCode(r.int(r.next() < 0.9 ? 128 : 0xffff))).join('');
}

function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, 100, 101]);
    case 3:
    case 4:
      return randomString(r);
    case 5:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: r.int(5) }, () => [randomString(r).slice(0, 20), randomValue(r, depth + 1)]));
  }
}

/** Mostly the right shape with one part wrong, so validation is probed field by field. */
function nearValid(r: Rng, valid: Record<string, unknown>, ids: readonly string[]): unknown {
  if (r.next() < 0.2) return randomValue(r);
  const out: Record<string, unknown> = { ...valid };
  for (const key of Object.keys(out)) {
    const roll = r.next();
    if (roll < 0.25) out[key] = randomValue(r);
    else if (roll < 0.35) delete out[key];
    else if (roll < 0.45) out[key] = r.pick(ids);
  }
  if (r.next() < 0.2) out[randomString(r).slice(0, 10) || 'extra'] = randomValue(r);
  return out;
}

const fitsInPacket = (payload: unknown) => Buffer.byteLength(JSON.stringify(payload ?? null)) < 60 * 1024;

const isTypedError = (error: unknown) =>
  typeof error === 'object' && error !== null && ERROR_CODES.includes((error as { code: never }).code) &&
  typeof (error as { message?: unknown }).message === 'string';

describe('fuzz', () => {
  let h: Harness;
  let token: string;
  let conversationId: string;
  let strangerConversation: string;
  let socket: ChatSocket;
  before(async () => {
    h = await startHarness();
    ({ visitorToken: token, conversationId } = await h.session());
    strangerConversation = (await h.session()).conversationId;
    socket = await h.socket(token);
  });
  after(() => h.close());

  it(`answers ${3 * SOCKET_PAYLOADS_PER_EVENT + 3 * HTTP_PAYLOADS_PER_PROCEDURE} random payloads with typed errors and stores exactly what was accepted`, async () => {
    const r = random(20261127);
    const ids = [conversationId, strangerConversation, 'nope', ''];
    const accepted = new Set<string>();
    let sent = 0;
    let refused = 0;
    let oversized = 0;

    type Loose = { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> }; emit(event: string, ...args: unknown[]): void };
    let loose = socket as unknown as Loose;
    for (let i = 0; i < SOCKET_PAYLOADS_PER_EVENT; i++) {
      const send = nearValid(r, { conversationId, content: randomString(r), clientMessageId: randomString(r).slice(0, 70) }, ids);
      const join = r.next() < 0.5 ? randomValue(r) : r.pick(ids);
      for (const [event, payload] of [['send_message', send], ['join_conversation', join]] as const) {
        sent++;
        if (!fitsInPacket(payload)) {
          // Over the packet limit: the server closes that socket (tested in bad-input); count it and reconnect.
          const closed = new Promise((resolve) => (loose as unknown as ChatSocket).once('disconnect', resolve));
          loose.emit(event, payload);
          await closed;
          loose = (await h.socket(token)) as unknown as Loose;
          oversized++;
          continue;
        }
        const ack = (await loose.timeout(5000).emitWithAck(event, payload)) as { ok: boolean; message?: { id: string }; error?: unknown };
        if (ack.ok) {
          if (event === 'send_message') accepted.add(ack.message!.id);
        } else {
          assert.ok(isTypedError(ack.error), `${event} ${JSON.stringify(payload)?.slice(0, 100)} → ${JSON.stringify(ack)}`);
          refused++;
        }
      }
      // No ack for these: a later acked call proves the server handled them and stayed up.
      for (const [event, payload] of [
        ['typing', nearValid(r, { conversationId, typing: true }, ids)],
        [randomString(r).slice(0, 30) || 'unknown', randomValue(r)],
      ] as const) {
        if (fitsInPacket(payload)) loose.emit(event, payload);
        sent++;
      }
    }

    const procedures = [
      { path: 'session.start', method: 'POST', valid: { siteKey: h.siteKey } },
      { path: 'message.send', method: 'POST', valid: { conversationId, content: 'hello' } },
      { path: 'conversation.history', method: 'GET', valid: { conversationId, limit: 5 } },
    ] as const;
    for (const procedure of procedures) {
      for (let i = 0; i < HTTP_PAYLOADS_PER_PROCEDURE; i++) {
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
        sent++;
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

    // Still up, and still serving ordinary requests.
    const ack = await (loose as unknown as ChatSocket).emitWithAck('send_message', { conversationId, content: 'after the storm' });
    assert.ok(ack.ok);
    accepted.add(ack.message.id);

    const userRows = await h.app.db.selectFrom('messages').select('id').where('sender_type', '=', 'user').execute();
    assert.deepEqual(new Set(userRows.map((m) => m.id)), accepted);
    assert.equal(
      (await h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', strangerConversation).execute()).length,
      0,
      'nothing reached another visitor’s conversation',
    );
    console.log(
      `fuzz: ${sent} payloads; ${refused} refused with typed errors, ${oversized} oversized packets closed their socket, ${accepted.size} messages accepted and stored`,
    );
    assert.ok(sent >= 10_000);
  });
});
