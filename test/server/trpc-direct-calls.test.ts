/**
 * The direct path for single tRPC calls (server/trpc/direct-calls.ts) must
 * answer exactly as tRPC's own Fastify adapter does. The real server serves
 * one side; beside it, tRPC's fastifyTRPCPlugin serves the same router with
 * the same options and the same services (one database), and every request
 * below goes to both.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { initTRPC, TRPCError } from '@trpc/server';
import { fastifyTRPCPlugin, type CreateFastifyContextOptions, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { registerErrorHandler } from '../../server/http/error-handler.js';
import { DIRECT_CALLS_TRPC_VERSION, directCall, trpcRoutes, type CallRequest } from '../../server/trpc/direct-calls.js';
import { trpcOptions, TRPC_PREFIX } from '../../server/trpc/plugin.js';
import { appRouter } from '../../server/trpc/router.js';
import { ROOMY_LIMITS, SITE_ORIGIN, startHarness, type Harness } from './harness.js';

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Whether the direct path should answer it (the rest go to tRPC's own handler). */
  direct?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  text: string;
  body: unknown;
  chunked: boolean;
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
  const compared = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, res.headers.get(name)]));
  return { status: res.status, headers: compared, text, body, chunked: res.headers.get('transfer-encoding') === 'chunked' };
}

const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

/** The tRPC these comparisons ran against: the direct path reads its internals, so a new release must be checked again. */
const { version: installedTrpc } = createRequire(import.meta.url)('@trpc/server/package.json') as { version: string };

describe(`the direct path covers @trpc/server ${DIRECT_CALLS_TRPC_VERSION}`, () => {
  it(`and @trpc/server ${installedTrpc} is installed`, () => {
    assert.equal(
      installedTrpc,
      DIRECT_CALLS_TRPC_VERSION,
      `server/trpc/direct-calls.ts was written for @trpc/server ${DIRECT_CALLS_TRPC_VERSION}, but ${installedTrpc} is installed: ` +
        'read the direct path against the new release (the internals it reads: router._def, _config), run this suite, ' +
        'then set DIRECT_CALLS_TRPC_VERSION and the tilde ranges of @trpc/* in package.json.',
    );
  });
});

describe(`single tRPC calls answer as tRPC ${installedTrpc}’s own adapter does`, () => {
  let h: Harness;
  let reference: FastifyInstance;
  let referenceUrl: string;
  let visitorToken: string;
  let conversationId: string;

  before(async () => {
    h = await startHarness({ config: { limits: { ...ROOMY_LIMITS, messageBurst: { points: 2, seconds: 60 } } } });
    // Beside the real server, as the real server is built, with tRPC's own plugin in place of ours.
    reference = Fastify({ logger: false, routerOptions: { maxParamLength: 16_384 } });
    registerErrorHandler(reference);
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
    const what = `${call.method} ${call.path}?${call.query ?? ''}`;
    // tRPC streams its Response; the direct path sends a length: the framing tells who answered.
    if (call.direct) assert.ok(!ours.chunked && theirs.chunked, `${what} answered directly`);
    else assert.equal(ours.chunked, theirs.chunked, `${what} left to tRPC`);
    return [ours, theirs];
  }

  const auth = () => ({ authorization: `Bearer ${visitorToken}` });

  it('answers the same for queries and for errors, byte for byte, and leaves to tRPC what it does not serve', async () => {
    const history = (value: unknown, extra: Partial<Call> = {}): Call => ({ method: 'GET', path: 'conversation.history', query: input(value), headers: auth(), ...extra });
    const start = (body: string | undefined, extra: Partial<Call> = {}): Call => ({ method: 'POST', path: 'session.start', body, ...extra });
    const calls: Call[] = [
      // A page of history, as the widget asks for it, and its errors.
      history({ conversationId, limit: 50 }, { direct: true }),
      history({ conversationId, limit: 50 }, { headers: {}, direct: true }),
      history({ conversationId, limit: 5000 }, { direct: true }),
      { method: 'GET', path: 'conversation.history', headers: auth(), direct: true },
      { method: 'GET', path: 'conversation.history', query: 'input=', headers: auth(), direct: true },
      history(null, { direct: true }),
      history({ conversationId: '01JZZZZZZZZZZZZZZZZZZZZZZZ', limit: 5 }, { direct: true }),
      history({ conversationId, limit: 5 }, { headers: { ...auth(), origin: 'http://elsewhere.example' }, direct: true }),
      history({ conversationId, limit: 5 }, { headers: { ...auth(), 'content-type': 'text/plain' }, direct: true }),
      // Session errors.
      start(JSON.stringify({ siteKey: '' }), { direct: true }),
      start(JSON.stringify({ siteKey: 'pk_nothing_like_it' }), { direct: true }),
      start(JSON.stringify({ siteKey: h.siteKey }), { headers: { origin: 'http://elsewhere.example' }, direct: true }),
      start('null', { direct: true }),
      start(JSON.stringify({ siteKey: '' }), { headers: { 'content-type': 'application/json; charset=utf-8' }, direct: true }),
      // What the direct path leaves to tRPC: bad JSON, wrong methods, unknown paths, other media types,
      // batches, streaming, connection parameters.
      { method: 'GET', path: 'conversation.history', query: 'input=%7B', headers: auth() },
      start('{"siteKey":'),
      { method: 'POST', path: 'session.start' },
      { method: 'GET', path: 'session.start', query: input({ siteKey: h.siteKey }) },
      { method: 'POST', path: 'conversation.history', body: JSON.stringify({ conversationId, limit: 5 }), headers: auth() },
      { method: 'POST', path: 'no.such.procedure', body: '{}' },
      { method: 'POST', path: '__proto__', body: '{}' },
      start('siteKey', { headers: { 'content-type': 'text/plain' } }),
      start(JSON.stringify({ siteKey: '' }), { headers: { 'content-type': 'application/json-patch+json' } }),
      history({ conversationId, limit: 5 }, { headers: { ...auth(), 'content-type': 'application/octet-stream' } }),
      { method: 'GET', path: 'conversation.history', query: `batch=1&${input({ 0: { conversationId, limit: 5 } })}`, headers: auth() },
      history({ conversationId, limit: 5 }, { headers: { ...auth(), accept: 'text/html, application/jsonl' } }),
      history({ conversationId, limit: 5 }, { headers: { ...auth(), 'trpc-accept': 'application/jsonl' } }),
      { method: 'GET', path: 'conversation.history', query: `${input({ conversationId, limit: 5 })}&connectionParams=xx`, headers: auth() },
      // A site owner's server: no Origin.
      { method: 'GET', path: 'admin.keys.list', headers: { origin: '', authorization: `Bearer ${h.site.secretKey}` }, direct: true },
      { method: 'GET', path: 'admin.keys.list', headers: { origin: '', authorization: 'Bearer sk_wrong' }, direct: true },
    ];
    const answered = new Set<number>();
    for (const call of calls) {
      const [ours, theirs] = await both(call);
      assert.equal(ours.text, theirs.text, `body of ${call.method} ${call.path}?${call.query ?? ''}`);
      answered.add(ours.status);
    }
    assert.deepEqual([...answered].sort(), [200, 400, 401, 403, 404, 405, 415], 'the calls reach every kind of answer');
  });

  it('answers the same for mutations, and for a rate limit with its Retry-After', async () => {
    const [ours, theirs] = await both({ method: 'POST', path: 'session.start', body: JSON.stringify({ siteKey: h.siteKey, character: 'host' }), direct: true });
    type Started = { result: { data: { visitorToken: string; conversationId: string; character: unknown } } };
    const [a, b] = [ours.body as Started, theirs.body as Started];
    assert.deepEqual(Object.keys(a.result.data), Object.keys(b.result.data));
    assert.deepEqual(a.result.data.character, b.result.data.character);
    assert.notEqual(a.result.data.conversationId, b.result.data.conversationId, 'two sessions, two conversations');

    // Two sends are allowed a minute: one on each side, then both refuse the third alike.
    const send = (content: string): Call => ({ method: 'POST', path: 'message.send', body: JSON.stringify({ conversationId, content }), headers: auth(), direct: true });
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

describe('the direct path keeps tRPC’s hooks', () => {
  // A router of its own, whose answers show what the hooks saw: the context in errors, the
  // input onError was given, whether the signal was aborted, what responseMeta was told.
  type Ctx = { who: string };
  const t = initTRPC.context<Ctx>().create({
    isDev: false, // no stack traces, which differ by the path a call took
    errorFormatter: ({ shape, ctx }) => ({ ...shape, data: { ...shape.data, who: ctx?.who ?? null } }),
  });
  const router = t.router({
    double: t.procedure.input(z.object({ n: z.number() })).query(({ input }) => ({ doubled: input.n * 2 })),
    signal: t.procedure.query(({ signal }) => ({ aborted: signal?.aborted ?? null })),
    fails: t.procedure.input(z.object({ n: z.number() })).mutation(() => {
      throw new Error('a bug with a secret in it');
    }),
    guarded: t.procedure
      .use(() => {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Not you.' });
      })
      .input(z.object({ n: z.number() }))
      .query(() => 'never'),
  });
  type Seen = { code: string; path?: string; input: unknown; who: string | null; type: string };

  async function serve(plugin: typeof fastifyTRPCPlugin | typeof trpcRoutes) {
    const seen: Seen[] = [];
    const trpcOptions: FastifyTRPCPluginOptions<typeof router>['trpcOptions'] = {
      router,
      createContext: ({ req }: CreateFastifyContextOptions): Ctx => {
        if (req.headers['x-fail']) throw new Error('no context for you');
        return { who: String(req.headers['x-who'] ?? 'anyone') };
      },
      onError: ({ error, path, input, ctx, type }) => void seen.push({ code: error.code, path, input, who: ctx?.who ?? null, type }),
      responseMeta: ({ paths, type, errors }) => ({ headers: { 'x-meta': `${paths?.join(',')} ${type} ${errors.length}` } }),
    };
    const app = Fastify({ logger: false });
    await app.register(plugin as typeof fastifyTRPCPlugin, { prefix: TRPC_PREFIX, trpcOptions });
    return { app, seen, url: await app.listen({ port: 0, host: '127.0.0.1' }) };
  }

  it('calls createContext, onError, errorFormatter and responseMeta as tRPC does', async () => {
    const [ours, theirs] = [await serve(trpcRoutes), await serve(fastifyTRPCPlugin)];
    try {
      const calls: [string, RequestInit][] = [
        [`double?${input({ n: 21 })}`, { headers: { 'x-who': 'ann' } }],
        [`double?${input({ n: 'x' })}`, { headers: { 'x-who': 'ann' } }],
        ['signal', {}],
        ['fails', { method: 'POST', headers: { 'content-type': 'application/json', 'x-who': 'bo' }, body: '{"n":1}' }],
        [`guarded?${input({ n: 1 })}`, { headers: { 'x-who': 'cy' } }],
        [`double?${input({ n: 1 })}`, { headers: { 'x-fail': '1' } }],
      ];
      for (const [path, init] of calls) {
        const [a, b] = await Promise.all([ours, theirs].map((side) => fetch(`${side.url}${TRPC_PREFIX}/${path}`, init)));
        assert.equal(a!.status, b!.status, path);
        assert.equal(a!.headers.get('x-meta'), b!.headers.get('x-meta'), path);
        assert.equal(a!.headers.get('transfer-encoding'), null, `${path} answered directly`);
        assert.equal(await a!.text(), await b!.text(), path);
      }
      assert.deepEqual(ours.seen, theirs.seen);
      assert.deepEqual(
        ours.seen.map((s) => s.code),
        ['BAD_REQUEST', 'INTERNAL_SERVER_ERROR', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR'],
        'every failure reached onError',
      );
    } finally {
      await Promise.all([ours.app.close(), theirs.app.close()]);
    }
  });
});
