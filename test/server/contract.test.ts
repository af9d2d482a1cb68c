/**
 * The contract between the server and its clients, checked twice: its types at
 * compile time (`npm run typecheck`, the first step of `npm test`, fails on any
 * drift below), and its run-time shapes against the real server, read through
 * the widget's own readers.
 */
import type { AgentView } from '../../server/protocol/agent.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { inferRouterError, inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { z } from 'zod';
import type { AckAnswer } from '../../server/realtime/handlers/handle.js';
import type { AppRouter } from '../../server/protocol/api.js';
import { connectErrorData, type ConnectErrorData } from '../../server/protocol/connect-error.js';
import type { ErrorBody, ErrorCode } from '../../server/protocol/errors.js';
import type { ClientToServerEvents, SendAck } from '../../server/protocol/events.js';
import type { Message } from '../../server/protocol/message.js';
import type * as Payloads from '../../server/protocol/payloads.js';
import { errorBodyOf } from '../../widget/transport/api.js';
import type { ChatTarget } from '../../widget/transport/visitor-session.js';
import { ROOMY_LIMITS, startHarness, type Harness } from './harness.js';

/** True only when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;
type TRPCErrorData = inferRouterError<AppRouter>['data'];

export type ContractHolds = [
  // The socket's payload types are what its schemas accept.
  Expect<Equal<PayloadOf<'join_conversation'>, z.input<typeof Payloads.JoinConversationPayload>>>,
  Expect<Equal<PayloadOf<'send_message'>, z.input<typeof Payloads.SendMessagePayload>>>,
  Expect<Equal<PayloadOf<'typing'>, z.input<typeof Payloads.TypingPayload>>>,
  Expect<Equal<PayloadOf<'stop_generation'>, z.input<typeof Payloads.StopGenerationPayload>>>,
  // tRPC takes the same payloads and answers what the socket's acks answer.
  Expect<Equal<Inputs['message']['send'], PayloadOf<'send_message'>>>,
  Expect<Equal<Inputs['message']['stop'], PayloadOf<'stop_generation'>>>,
  Expect<Equal<Outputs['message']['send'], AckAnswer<'send_message'>>>,
  Expect<Equal<Outputs['message']['stop'], AckAnswer<'stop_generation'>>>,
  // What the socket's handlers must return.
  Expect<Equal<AckAnswer<'send_message'>, { message: Message }>>,
  Expect<Equal<AckAnswer<'join_conversation'>, { conversationId: string; agent?: AgentView }>>,
  Expect<Equal<AckAnswer<'stop_generation'>, { stopped: boolean }>>,
  // One error body: failed acks, refused handshakes, and the tRPC error data the widget reads.
  Expect<Equal<Extract<SendAck, { ok: false }>['error'], ErrorBody>>,
  Expect<Equal<ConnectErrorData, ErrorBody>>,
  Expect<Equal<Pick<TRPCErrorData, 'errorCode' | 'retryAfterMs'>, { errorCode: ErrorCode; retryAfterMs?: number }>>,
  // The widget's session target is session.start's input, not a copy of it.
  Expect<Equal<ChatTarget['user'], Inputs['session']['start']['user']>>,
  Expect<Equal<ChatTarget['characterDefinition'], Inputs['session']['start']['characterDefinition']>>,
];

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  assert.fail('expected a refusal');
}

describe('the contract at run time', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('hands a refused handshake to connect_error as ConnectErrorData, and nothing else', async () => {
    const unauthorized = await refusal(h.socket('not-a-token'));
    assert.deepEqual(connectErrorData(unauthorized), { code: 'UNAUTHORIZED', message: unauthorized.message });

    await h.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, socketsPerVisitor: 1 } });
    try {
      const { visitorToken } = await h.session();
      await h.socket(visitorToken);
      const limited = await refusal(h.socket(visitorToken));
      const data = connectErrorData(limited);
      assert.equal(data?.code, 'RATE_LIMITED');
      assert.ok(data.retryAfterMs! > 0, `retryAfterMs ${data.retryAfterMs}`);
      assert.deepEqual(data, { code: 'RATE_LIMITED', message: limited.message, retryAfterMs: data.retryAfterMs });
    } finally {
      await h.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
    }
  });

  it('finds no reason in a connect_error that is not the server’s refusal', () => {
    assert.equal(connectErrorData(new Error('xhr poll error')), undefined);
    assert.equal(connectErrorData(Object.assign(new Error('x'), { data: 'busy' })), undefined);
    assert.equal(connectErrorData(Object.assign(new Error('x'), { data: null })), undefined);
    assert.equal(connectErrorData(Object.assign(new Error('x'), { data: { message: 'no code' } })), undefined);
  });

  it('refuses the same payload with the same body on both transports, as the widget reads them', async () => {
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const api = h.api({ token: visitorToken });
    for (const payload of [
      { conversationId, content: '   ' },
      { conversationId, content: 'x'.repeat(4001) },
      { conversationId: '', content: 'hello' },
      { conversationId: 'not-a-conversation', content: 'hello' },
    ]) {
      const ack = await socket.emitWithAck('send_message', payload);
      assert.ok(!ack.ok, JSON.stringify(payload));
      assert.deepEqual(errorBodyOf(await refusal(api.message.send.mutate(payload))), ack.error);
    }
  });

  it('carries retryAfterMs from a limited tRPC call to the widget', async () => {
    await h.admin().admin.site.update.mutate({ limits: { ...ROOMY_LIMITS, sessionsPerIp: { points: 1, seconds: 60 } } });
    try {
      await h.session();
      const body = errorBodyOf(await refusal(h.session()));
      assert.equal(body.code, 'RATE_LIMITED');
      assert.ok(body.retryAfterMs! > 0, `retryAfterMs ${body.retryAfterMs}`);
    } finally {
      await h.admin().admin.site.update.mutate({ limits: ROOMY_LIMITS });
    }
  });
});
