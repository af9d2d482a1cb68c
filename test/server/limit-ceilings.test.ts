/**
 * The operator's limits are ceilings: a site may tighten them, never loosen
 * them, whether it asks through the admin API or the CLI, or a looser value
 * is already in the database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import type { LimitsOverride } from '../../server/limits/policy.js';
import { ROOMY_LIMITS, startHarness, trpcErrorCode, type Harness } from './harness.js';
import { runTipsy } from './cli-runner.js';


/** The operator's setting for socket events in these tests: 5 per minute. */
const OPERATOR: LimitsOverride = { ...ROOMY_LIMITS, socketEvents: { points: 5, seconds: 60 } };

/** The operator's TIPSY_LIMITS is the test's to give, never inherited. */
const tipsy = (env: Record<string, string>, ...args: string[]) => runTipsy({ TIPSY_LIMITS: undefined, ...env }, args, { timeoutMs: 20_000 });

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return `${(error.data as { errorCode: string }).errorCode}: ${error.message}`;
    throw error;
  }
  return 'NO_ERROR';
}

/** How many `join_conversation` events in a row one socket gets answered before RATE_LIMITED (at most `upTo`). */
async function eventsAllowed(h: Harness, upTo: number): Promise<number> {
  const { visitorToken, conversationId } = await h.session();
  const socket = await h.socket(visitorToken);
  try {
    for (let i = 0; i < upTo; i++) {
      const ack = await socket.emitWithAck('join_conversation', conversationId);
      if (!ack.ok) {
        assert.equal(ack.error.code, 'RATE_LIMITED');
        return i;
      }
    }
    return upTo;
  } finally {
    socket.disconnect();
  }
}

describe('limit ceilings', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ config: { limits: OPERATOR } })));
  after(() => h.close());

  it('refuses a site’s limits looser than the operator’s, naming the limit and its ceiling, and changes nothing', async () => {
    const admin = h.admin();
    const cases: [LimitsOverride, RegExp][] = [
      [{ repliesInFlight: 100_000 }, /repliesInFlight may be at most 4 \(asked: 100000\)/],
      [{ socketEvents: { points: 1_000_000, seconds: 1 } }, /socketEvents may be at most 5 per 60 s/],
      [{ socketEvents: { points: 10, seconds: 600 } }, /socketEvents/], // slower on average, but a burst of 10
      [{ socketEvents: { points: 2, seconds: 1 } }, /socketEvents/], // a smaller burst, but 120 a minute
      [{ socketsPerVisitor: 3, repliesInFlight: 5 }, /^INVALID_INPUT: (?!.*socketsPerVisitor).*repliesInFlight may be at most 4 \(asked: 5\)/],
    ];
    for (const [limits, expected] of cases) {
      const message = await refusal(admin.admin.site.update.mutate({ limits }));
      assert.match(message, /^INVALID_INPUT: /, JSON.stringify(limits));
      assert.match(message, expected);
    }
    assert.deepEqual((await admin.admin.site.get.query()).limits, {});
    assert.equal(await eventsAllowed(h, 6), 5, 'the operator’s limit still applies');
  });

  it('accepts a site’s limits at or under the ceilings, and the tighter ones take effect', async () => {
    const admin = h.admin();
    assert.equal(await trpcErrorCode(admin.admin.site.update.mutate({ limits: OPERATOR })), 'NO_ERROR', 'equal is not looser');
    await admin.admin.site.update.mutate({ limits: { socketEvents: { points: 3, seconds: 60 }, repliesInFlight: 2 } });
    assert.equal(await eventsAllowed(h, 6), 3);
    await admin.admin.site.update.mutate({ limits: null });
  });

  it('clamps a looser value already in the database to the ceiling, and keeps the tighter ones beside it', async () => {
    const stored = { socketEvents: { points: 1_000_000, seconds: 1 }, socketsPerVisitor: 1 };
    await h.app.db.updateTable('sites').set({ limits: JSON.stringify(stored) }).where('id', '=', h.siteId).execute();
    await h.app.services.access.changed(); // drops the cached site
    try {
      assert.equal(await eventsAllowed(h, 6), 5, 'clamped to 5 per minute');
      const { visitorToken } = await h.session();
      await h.socket(visitorToken);
      await assert.rejects(h.socket(visitorToken), (err: Error & { data?: { code: string } }) => err.data?.code === 'RATE_LIMITED');
    } finally {
      await h.admin().admin.site.update.mutate({ limits: null });
    }
  });

  it('holds `tipsy site update --limits` to the same ceilings, read from TIPSY_LIMITS', async () => {
    const env = h.database.env;
    const refused = await tipsy(env, 'site', 'update', h.siteId, '--limits', '{"repliesInFlight":100000}');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /repliesInFlight may be at most 4 .*\(INVALID_INPUT\)/);
    assert.deepEqual((await h.admin().admin.site.get.query()).limits, {});
    const raised = await tipsy({ ...env, TIPSY_LIMITS: '{"repliesInFlight":100000}' }, 'site', 'update', h.siteId, '--limits', '{"repliesInFlight":100000}');
    assert.equal(raised.code, 0, raised.stderr);
    assert.deepEqual((await h.admin().admin.site.get.query()).limits, { repliesInFlight: 100_000 });
  });
});
