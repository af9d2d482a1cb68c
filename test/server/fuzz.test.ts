/**
 * Throws at least 10,000 random and malformed payloads at every client event
 * (and at unknown events), half with an ack and half without, some with extra
 * arguments, plus raw packets the client library would never send, while
 * another visitor keeps talking. Every ack must be typed, the server must stay
 * up, the bystander must be answered throughout, and the database must hold
 * exactly what the accepted sends wrote.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageInput } from '../../server/chat/inputs.js';
import { CLIENT_EVENTS } from '../../server/protocol/events.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { fitsInPacket, isTypedError, nearValid, random, randomString, randomValue, type Rng } from './fuzz-payloads.js';
import { startHarness, type Harness } from './harness.js';

const PAYLOADS_PER_EVENT = 10_000;
/** Acked emits in flight at once: enough to keep the server busy, few enough to keep the bystander's turn short. */
const IN_FLIGHT = 32;

/** Names no handler has: some are an EventEmitter's own (`error` throws when nobody listens), some are the server's outgoing events. */
const UNKNOWN_NAMES = ['error', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'join', 'emit', 'then', 'receive_message', 'access_changed'];

/** Socket.IO packets (as they travel inside an Engine.IO message) that socket.io-client would refuse to build. */
const RAW_PACKETS = [
  '2["disconnect"]',
  '2["disconnecting",1]',
  '2["newListener","x"]',
  '2["error",{}]',
  '2["error"]',
  '2[]',
  '2{}',
  '2[null]',
  '2[1,{"a":1}]',
  '2garbage',
  '2["stop_generation",null]',
  '2["stop_generation"]',
  '21["stop_generation",{}]',
  '22["typing"]',
  '2["join_conversation"]',
  '5-["send_message",{"_placeholder":true,"num":0}]',
  '51-["stop_generation",{"_placeholder":true,"num":7}]',
  '3[]',
  '399[1]',
  '0{"token":"forged"}',
  '1',
  '9',
  '',
];

type Loose = {
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  emit(event: string, ...args: unknown[]): void;
};
type AnyAck = { ok: boolean; message?: { id: string }; error?: unknown };

describe('fuzz: every socket event', () => {
  let h: Harness;
  let token: string;
  /** Acked sends go here: each accepted one is known by its ack. */
  let ackedConversation: string;
  /** Unacked sends go here: what is stored is checked against the schema's verdict. */
  let quietConversation: string;
  let strangerConversation: string;
  before(async () => {
    h = await startHarness();
    ({ visitorToken: token, conversationId: ackedConversation } = await h.session('barkeep'));
    quietConversation = (await h.api().session.start.mutate({ siteKey: h.siteKey, character: 'guide', visitorToken: token })).conversationId;
    strangerConversation = (await h.session()).conversationId;
  });
  after(() => h.close());

  /** Another visitor, sending a message every few milliseconds for as long as the fuzz runs. */
  async function startBystander() {
    const { visitorToken, conversationId } = await h.session('guide');
    const socket = await h.socket(visitorToken);
    const latencies: number[] = [];
    const refusals: unknown[] = [];
    let replies = 0;
    socket.on('receive_message', (m) => {
      if (m.sender_type === 'character' && m.conversation_id === conversationId && !m.status) replies++;
    });
    let talking = true;
    const done = (async () => {
      for (let n = 0; talking; n++) {
        const started = performance.now();
        const ack = await socket.timeout(5000).emitWithAck('send_message', { conversationId, content: `bystander ${n}`, clientMessageId: `bystander-${n}` });
        latencies.push(performance.now() - started);
        if (!ack.ok) refusals.push(ack.error);
        await sleep(20);
      }
    })();
    return {
      async stop() {
        talking = false;
        await done;
        await sleep(200); // the last reply's words
        socket.disconnect();
        return { conversationId, latencies, refusals, replies };
      },
    };
  }

  function payloadFor(event: string, r: Rng, acked: boolean): unknown {
    const ids = [acked ? ackedConversation : quietConversation, strangerConversation, 'nope', ''];
    const own = ids[0]!;
    switch (event) {
      case 'send_message':
        return nearValid(r, { conversationId: own, content: randomString(r), clientMessageId: randomString(r).slice(0, 70) }, ids);
      case 'join_conversation':
        return r.next() < 0.5 ? randomValue(r) : r.pick(ids);
      case 'typing':
        return nearValid(r, { conversationId: own, typing: r.next() < 0.5 }, ids);
      case 'stop_generation':
        return r.next() < 0.2 ? r.pick([null, {}, undefined, [], own]) : nearValid(r, { conversationId: own }, ids);
      case 'regenerate':
        return nearValid(r, { conversationId: own }, ids);
      case 'choose_swipe':
        return nearValid(r, { conversationId: own, messageId: randomString(r).slice(0, 30), index: r.int(3) }, ids);
      default:
        return randomValue(r);
    }
  }

  it(`answers ${PAYLOADS_PER_EVENT.toLocaleString('en')} payloads per client event, and unknown events, with and without acks`, async () => {
    const r = random(20261203);
    const bystander = await startBystander();
    let socket = (await h.socket(token)) as unknown as Loose;
    const accepted = new Set<string>();
    /** What the unacked sends should have stored: one per distinct clientMessageId, one per send without one. */
    const quietRetryKeys = new Set<string>();
    let quietWithoutKey = 0;
    const counts: Record<string, { acked: number; unacked: number; refused: number }> = {};

    for (const event of [...CLIENT_EVENTS, 'unknown']) {
      const count = (counts[event] = { acked: 0, unacked: 0, refused: 0 });
      while (count.acked + count.unacked < PAYLOADS_PER_EVENT) {
        const answers: Promise<void>[] = [];
        while (answers.length < IN_FLIGHT && count.acked + count.unacked < PAYLOADS_PER_EVENT) {
          const acked = r.next() < 0.5;
          const name = event === 'unknown' ? (r.next() < 0.5 ? r.pick(UNKNOWN_NAMES) : randomString(r).slice(0, 30) || 'x') : event;
          const roll = r.next();
          // Most carry one payload; some none at all; some more arguments than the event takes.
          const args = roll < 0.05 ? [] : [payloadFor(event, r, acked), ...(roll > 0.85 ? Array.from({ length: 1 + r.int(3) }, () => randomValue(r)) : [])];
          if (!fitsInPacket(args)) continue;
          if (!acked) {
            count.unacked++;
            socket.emit(name, ...args);
            const parsed = event === 'send_message' ? SendMessageInput.safeParse(args[0]) : undefined;
            if (parsed?.success && parsed.data.conversationId === quietConversation) {
              if (parsed.data.clientMessageId) quietRetryKeys.add(parsed.data.clientMessageId);
              else quietWithoutKey++;
            }
            continue;
          }
          count.acked++;
          answers.push(
            (socket.timeout(5000).emitWithAck(name, ...args) as Promise<AnyAck>).then((ack) => {
              if (ack.ok) {
                assert.notEqual(event, 'unknown', `an unknown event ${name} was accepted`);
                if (event === 'send_message') accepted.add(ack.message!.id);
                return;
              }
              assert.ok(isTypedError(ack.error), `${name} ${JSON.stringify(args)?.slice(0, 120)} → ${JSON.stringify(ack).slice(0, 200)}`);
              count.refused++;
            }, (error: Error) => assert.fail(`${name} ${JSON.stringify(args)?.slice(0, 200)}: ${error.message}`)),
          );
        }
        await Promise.all(answers);
      }
    }

    // Packets no client library would build: each on a socket of its own, which the server may close.
    for (const packet of RAW_PACKETS) {
      const raw = await h.socket(token);
      const closed = new Promise((resolve) => raw.once('disconnect', resolve));
      (raw.io.engine as unknown as { write(data: string): void }).write(packet);
      await Promise.race([closed, sleep(100)]);
      // Either the server closed that socket (a protocol error), or the socket still works; never silence.
      if (raw.connected) {
        const ack = await raw
          .timeout(5000)
          .emitWithAck('join_conversation', ackedConversation)
          .catch(() => undefined);
        assert.ok(ack ? ack.ok : !raw.connected, `after ${JSON.stringify(packet)}: the socket neither works nor was closed`);
      }
      raw.disconnect();
    }

    // Still up, and still serving ordinary requests on the fuzzed socket.
    const last = (await socket.timeout(5000).emitWithAck('send_message', { conversationId: ackedConversation, content: 'after the storm' })) as AnyAck;
    assert.ok(last.ok);
    accepted.add(last.message!.id);
    const talk = await bystander.stop();
    (socket as unknown as ChatSocket).disconnect();

    const stored = (conversationId: string) =>
      h.app.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('sender_type', '=', 'user').execute();
    assert.deepEqual(new Set((await stored(ackedConversation)).map((m) => m.id)), accepted, 'acked sends: exactly those acked ok are stored');
    assert.equal((await stored(quietConversation)).length, quietRetryKeys.size + quietWithoutKey, 'unacked sends: exactly the valid ones are stored');
    assert.equal((await stored(strangerConversation)).length, 0, 'nothing reached another visitor’s conversation');

    // The bystander talked throughout, and was answered every time.
    assert.deepEqual(talk.refusals, []);
    assert.ok(talk.latencies.length >= 20, `the bystander sent ${talk.latencies.length} messages`);
    assert.equal((await stored(talk.conversationId)).length, talk.latencies.length);
    assert.ok(talk.replies >= 1, 'the bystander’s character answered');
    const sorted = [...talk.latencies].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
    const total = Object.values(counts).reduce((sum, c) => sum + c.acked + c.unacked, 0);
    console.log(
      `socket fuzz: ${total} payloads (${Object.entries(counts).map(([e, c]) => `${e} ${c.acked}+${c.unacked}, ${c.refused} refused`).join('; ')}), ` +
        `${RAW_PACKETS.length} raw packets; ${accepted.size} acked sends stored; bystander: ${talk.latencies.length} sends, ack p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, ${talk.replies} replies`,
    );
    for (const event of [...CLIENT_EVENTS, 'unknown']) assert.ok(counts[event]!.acked + counts[event]!.unacked >= PAYLOADS_PER_EVENT);
  });
});
