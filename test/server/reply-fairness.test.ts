/**
 * A site's reply queue is shared fairly: one address (a crowd of scripted
 * visitors behind it), or one visitor, cannot fill it, and waiting replies
 * start address by address in turn.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Responder } from '../../server/characters/responders/responder.js';
import { ROOMY_LIMITS, SITE_ORIGIN, startHarness, type Harness } from './harness.js';

const ATTACKER = '203.0.113.1';
const BYSTANDER = '198.51.100.2';
const EAGER = '203.0.113.3';

describe('a site’s reply queue, shared fairly', () => {
  let h: Harness;
  const started: string[] = [];
  const finish: (() => void)[] = [];
  /** Each reply waits until the test lets it finish, so the queue stays full while it is probed. */
  const gatedResponder: Responder = {
    async *reply({ history }) {
      started.push(history.at(-1)!.conversation_id);
      await new Promise<void>((resolve) => finish.push(resolve));
      yield 'Done.';
    },
  };
  before(async () => {
    h = await startHarness({
      build: { responder: gatedResponder },
      config: { trustProxy: 'loopback', limits: { ...ROOMY_LIMITS, repliesInFlight: 1, replyQueue: 11, repliesPerIp: 4, repliesPerVisitor: 2 } },
    });
  });
  after(() => h.close());

  async function call(path: string, input: unknown, ip: string, token?: string) {
    const res = await fetch(`${h.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE_ORIGIN, 'x-forwarded-for': ip, ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: Record<string, string> }; error?: { data: { errorCode: string } } };
    return body.result?.data ?? { errorCode: body.error!.data.errorCode };
  }

  /** A visitor from `ip` with a conversation with each of the given characters. */
  async function visitor(ip: string, characters: string[]) {
    let token: string | undefined;
    const conversations: string[] = [];
    for (const character of characters) {
      const started = await call('session.start', { siteKey: h.siteKey, character, visitorToken: token }, ip);
      token = started.visitorToken!;
      conversations.push(started.conversationId!);
    }
    return { ip, token: token!, conversations };
  }

  const ipOf = new Map<string, string>();
  async function sendAll(who: { ip: string; token: string; conversations: string[] }) {
    const outcomes: string[] = [];
    for (const conversationId of who.conversations) {
      ipOf.set(conversationId, who.ip);
      const sent = await call('message.send', { conversationId, content: 'Hello?' }, who.ip, who.token);
      outcomes.push(sent.errorCode ?? 'ok');
    }
    return outcomes;
  }

  it('lets one address hold only its share, one visitor only theirs, and serves the others', async () => {
    const crowd = await Promise.all(Array.from({ length: 6 }, () => visitor(ATTACKER, ['barkeep', 'guide'])));
    const crowdOutcomes = [];
    for (const member of crowd) crowdOutcomes.push(...(await sendAll(member)));
    assert.deepEqual(crowdOutcomes, ['ok', 'ok', 'ok', 'ok', ...Array(8).fill('RATE_LIMITED')], 'the address holds 4 places of 12');

    const eager = await visitor(EAGER, ['barkeep', 'guide', 'host']);
    assert.deepEqual(await sendAll(eager), ['ok', 'ok', 'RATE_LIMITED'], 'a visitor holds 2 places');

    const bystanders = [await visitor(BYSTANDER, ['barkeep']), await visitor(BYSTANDER, ['guide'])];
    for (const bystander of bystanders) assert.deepEqual(await sendAll(bystander), ['ok'], 'another address still has room');

    const stored = await h.app.db.selectFrom('messages').select('id').where('sender_type', '=', 'user').execute();
    assert.equal(stored.length, 8, 'a refused send writes nothing');

    // One reply runs at a time; each that finishes lets the next address in turn start one.
    for (let n = 1; n <= 8; n++) {
      for (let waited = 0; started.length < n; waited += 5) {
        assert.ok(waited < 5000, `reply ${n} did not start`);
        await sleep(5);
      }
      finish[n - 1]!();
    }
    assert.deepEqual(
      started.map((conversationId) => ipOf.get(conversationId)),
      [ATTACKER, ATTACKER, EAGER, BYSTANDER, ATTACKER, EAGER, BYSTANDER, ATTACKER],
      'waiting replies start address by address',
    );
  });
});
