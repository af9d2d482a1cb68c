/**
 * The direct path for single tRPC calls (server/trpc/direct-calls.ts) must
 * answer exactly as tRPC's own Fastify adapter does. The real server serves
 * one side; beside it, tRPC's fastifyTRPCPlugin serves the same router with
 * the same options and the same services (one database), and every request
 * below goes to both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { directCall, type CallRequest } from '../../server/trpc/direct-calls.js';
import { trpcOptions, TRPC_PREFIX } from '../../server/trpc/plugin.js';
import { appRouter } from '../../server/trpc/router.js';
import { ROOMY_LIMITS, SITE_ORIGIN, startHarness, type Harness } from './harness.js';

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: unknown;
}

/** The headers tRPC or our responseMeta set; the rest (date, keep-alive…) are Fastify's alike. */
const COMPARED_HEADERS = ['content-type', 'vary', 'access-control-allow-origin', 'access-control-expose-headers', 'retry-after', 'allow'];

async function ask(base: string, call: Call): Promise<Answer> {
  const headers: Record<string, string> = { origin: SITE_ORIGIN, ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...call.headers };
  if (!headers.origin) delete headers.origin; // a server's call: no Origin at all
  const res = await fetch(`${base}${TRPC_PREFIX}/${call.path}${call.query ? `?${call.query}` : ''}`, { method: call.method, headers, body: call.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // compared as text
  }
  return { status: res.status, headers: Object.fromEntries(COMPARED_HEADERS.map((name) => [name, res.headers.get(name)])), body };
}

const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

describe('single tRPC calls answer as tRPC’s own adapter does', () => {
  let h: Harness;
  let reference: FastifyInstance;
  let referenceUrl: string;
  let visitorToken: string;
  let conversationId: string;

  before(async () => {
    h = await startHarness({ config: { limits: { ...ROOMY_LIMITS, messageBurst: { points: 2, seconds: 60 } } } });
    reference = Fastify({ logger: false });
    await reference.register(fastifyTRPCPlugin, { prefix: TRPC_PREFIX, trpcOptions: trpcOptions(h.app.services, h.app.app.log) });
    referenceUrl = await reference.listen({ port: 0, host: '127.0.0.1' });
    ({ visitorToken, conversationId } = await h.session('host'));
  });
  after(async () => {
    await reference.close();
    await h.close();
  });

  /** The same call to both; returns both answers after checking status and headers agree. */
  async function both(call: Call): Promise<[Answer, Answer]> {
    const ours = await ask(h.url, call);
    const theirs = await ask(referenceUrl, call);
    assert.equal(ours.status, theirs.status, `status of ${call.method} ${call.path}`);
    assert.deepEqual(ours.headers, theirs.headers, `headers of ${call.method} ${call.path}`);
    return [ours, theirs];
  }

  const auth = () => ({ authorization: `Bearer ${visitorToken}` });

  it('answers the same for queries and for errors, byte for byte', async () => {
    const calls: Call[] = [
      // A page of history, as the widget asks for it, and its errors.
      { method: 'GET', path: 'conversation.history', query: input({ conversationId, limit: 50 }), headers: auth() },
      { method: 'GET', path: 'conversation.history', query: input({ conversationId, limit: 50 }) },
      { method: 'GET', path: 'conversation.history', query: input({ conversationId, limit: 5000 }), headers: auth() },
      { method: 'GET', path: 'conversation.history', headers: auth() },
      { method: 'GET', path: 'conversation.history', query: 'input=%7B', headers: auth() },
      { method: 'GET', path: 'conversation.history', query: input({ conversationId: '01JZZZZZZZZZZZZZZZZZZZZZZZ', limit: 5 }), headers: auth() },
      { method: 'GET', path: 'conversation.history', query: input({ conversationId, limit: 5 }), headers: { ...auth(), origin: 'http://elsewhere.example' } },
      // Session errors.
      { method: 'POST', path: 'session.start', body: JSON.stringify({ siteKey: '' }) },
      { method: 'POST', path: 'session.start', body: JSON.stringify({ siteKey: 'pk_nothing_like_it' }) },
      { method: 'POST', path: 'session.start', body: JSON.stringify({ siteKey: h.siteKey }), headers: { origin: 'http://elsewhere.example' } },
      { method: 'POST', path: 'session.start', body: '{"siteKey":' },
      { method: 'POST', path: 'session.start' },
      // What the direct path leaves to tRPC: wrong methods, unknown paths, other media types, batches.
      { method: 'GET', path: 'session.start', query: input({ siteKey: h.siteKey }) },
      { method: 'POST', path: 'conversation.history', body: JSON.stringify({ conversationId, limit: 5 }), headers: auth() },
      { method: 'POST', path: 'no.such.procedure', body: '{}' },
      { method: 'POST', path: 'session.start', body: 'siteKey', headers: { 'content-type': 'text/plain' } },
      { method: 'GET', path: 'conversation.history', query: `batch=1&${input({ 0: { conversationId, limit: 5 } })}`, headers: auth() },
      // A site owner's server: no Origin.
      { method: 'GET', path: 'admin.keys.list', headers: { origin: '', authorization: `Bearer ${h.site.secretKey}` } },
      { method: 'GET', path: 'admin.keys.list', headers: { origin: '', authorization: 'Bearer sk_wrong' } },
    ];
    const answered = new Set<number>();
    for (const call of calls) {
      const [ours, theirs] = await both(call);
      assert.deepEqual(ours.body, theirs.body, `body of ${call.method} ${call.path}?${call.query ?? ''}`);
      answered.add(ours.status);
    }
    assert.deepEqual([...answered].sort(), [200, 400, 401, 403, 404, 405, 415], 'the calls reach every kind of answer');
  });

  it('answers the same for mutations, and for a rate limit with its Retry-After', async () => {
    const [ours, theirs] = await both({ method: 'POST', path: 'session.start', body: JSON.stringify({ siteKey: h.siteKey, character: 'host' }) });
    type Started = { result: { data: { visitorToken: string; conversationId: string; character: unknown } } };
    const [a, b] = [ours.body as Started, theirs.body as Started];
    assert.deepEqual(Object.keys(a.result.data), Object.keys(b.result.data));
    assert.deepEqual(a.result.data.character, b.result.data.character);
    assert.notEqual(a.result.data.conversationId, b.result.data.conversationId, 'two sessions, two conversations');

    // Two sends are allowed a minute: one on each side, then both refuse the third alike.
    const send = (content: string): Call => ({ method: 'POST', path: 'message.send', body: JSON.stringify({ conversationId, content }), headers: auth() });
    const [sentOurs, sentTheirs] = await both(send('first'));
    type Sent = { result: { data: { message: { content: string; seq: number } } } };
    assert.equal((sentOurs.body as Sent).result.data.message.content, 'first');
    assert.equal((sentTheirs.body as Sent).result.data.message.content, 'first');
    assert.ok((sentTheirs.body as Sent).result.data.message.seq > (sentOurs.body as Sent).result.data.message.seq, 'stored after ours');
    const [limitedOurs, limitedTheirs] = await both(send('third'));
    assert.equal(limitedOurs.status, 429);
    assert.ok(Number(limitedOurs.headers['retry-after']) >= 1);
    const withoutWait = (body: unknown) => JSON.parse(JSON.stringify(body), (key, value) => (key === 'retryAfterMs' ? 'some' : value));
    assert.deepEqual(withoutWait(limitedOurs.body), withoutWait(limitedTheirs.body));
  });
});

describe('which calls take the direct path', () => {
  const request = (method: string, path: string, extra: { query?: CallRequest['query']; body?: unknown; headers?: CallRequest['headers'] } = {}): CallRequest => ({
    method,
    params: { path },
    query: extra.query ?? {},
    headers: extra.headers ?? (method === 'POST' ? { 'content-type': 'application/json' } : {}),
    body: extra.body,
  });
  const history = JSON.stringify({ conversationId: 'c', limit: 5 });

  it('takes the widget’s single calls, with their input parsed', () => {
    assert.deepEqual(directCall(request('GET', 'conversation.history', { query: { input: history } }), appRouter), {
      path: 'conversation.history',
      type: 'query',
      input: { conversationId: 'c', limit: 5 },
    });
    assert.deepEqual(directCall(request('POST', 'session.start', { body: '{"siteKey":"pk"}' }), appRouter), {
      path: 'session.start',
      type: 'mutation',
      input: { siteKey: 'pk' },
    });
    assert.deepEqual(directCall(request('GET', 'admin.keys.list'), appRouter), { path: 'admin.keys.list', type: 'query', input: undefined });
  });

  it('leaves everything else to tRPC', () => {
    const others: [string, CallRequest][] = [
      ['a batch', request('GET', 'conversation.history', { query: { batch: '1', input: `{"0":${history}}` } })],
      ['a streamed call', request('GET', 'conversation.history', { query: { input: history }, headers: { 'trpc-accept': 'application/jsonl' } })],
      ['a mutation by GET', request('GET', 'session.start', { query: { input: '{"siteKey":"pk"}' } })],
      ['a query by POST', request('POST', 'conversation.history', { body: history })],
      ['HEAD', request('HEAD', 'conversation.history')],
      ['an unknown path', request('POST', 'session.begin', { body: '{}' })],
      ['a router, not a procedure', request('POST', 'session', { body: '{}' })],
      ['an inherited name', request('POST', 'toString', { body: '{}' })],
      ['JSON that does not parse', request('POST', 'session.start', { body: '{"siteKey":' })],
      ['another media type', request('POST', 'session.start', { body: 'pk', headers: { 'content-type': 'text/plain' } })],
    ];
    for (const [what, req] of others) assert.equal(directCall(req, appRouter), undefined, what);
  });
});
