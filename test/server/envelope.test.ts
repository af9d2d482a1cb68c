/**
 * Every answer under /trpc that is an error uses the documented envelope
 * `{ error: { message, code, data: { code, httpStatus, errorCode } } }`,
 * whoever produced it: a procedure, tRPC's own handler, Fastify (bad URLs,
 * unknown routes and methods, bodies), or Node's HTTP parser. The requests are
 * written byte for byte over a socket: fetch would refuse or tidy most of them.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../server/protocol/errors.js';
import { startHarness, type Harness } from './harness.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends one raw request and reads the answer until the server closes (or `ms` passes). */
function rawRequest(port: number, request: string | Buffer, ms = 3000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    // Written, not ended: a client's FIN makes Node drop a request still waiting on the database (Postgres
    // answers after a round trip), and every request here asks the server to close with `connection: close`.
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer in time')), ms);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const raw = text.slice(split + 4);
      resolve({ status: Number(statusLine?.split(' ')[1]), headers, body: headers['transfer-encoding'] === 'chunked' ? unchunk(raw) : raw });
    });
  });
}

function unchunk(raw: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.slice(at, eol), 16);
    if (!size) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

const request = (head: string, body = '', headers: Record<string, string> = {}) => {
  const lines = Object.entries({ host: '127.0.0.1', connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${head} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
};
const json = (body: string) => ({ 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });

describe('the error envelope under /trpc', () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await startHarness();
    port = Number(new URL(h.url).port);
  });
  after(() => h.close());

  /** What to send, and the status it must get. */
  const cases = (): [string, string, number][] => [
    // Paths that cannot be decoded (Fastify's FST_ERR_BAD_URL).
    ['the issue’s URL', request('GET /trpc/conversation.hist%E0%A4%Aory'), 400],
    ['a lone percent sign', request('GET /trpc/%'), 400],
    ['a bad escape in a batch', request('GET /trpc/session.start,%E0?batch=1'), 400],
    ['a bad escape in absolute form', request('GET http://127.0.0.1/trpc/%zz'), 400],
    // Paths no procedure or route serves.
    ['the bare prefix', request('GET /trpc'), 404],
    ['an empty procedure', request('GET /trpc/'), 404],
    ['an unknown procedure', request('GET /trpc/no.such.procedure'), 404],
    ['a nested path', request('GET /trpc/session/start'), 404],
    ['a double slash', request('POST /trpc//session.start', '{}', json('{}')), 404],
    // Methods.
    ['PUT', request('PUT /trpc/session.start', '{}', json('{}')), 405],
    ['DELETE without a body', request('DELETE /trpc/session.start'), 415],
    ['TRACE', request('TRACE /trpc/session.start'), 405],
    ['PROPFIND', request('PROPFIND /trpc/session.start'), 405],
    ['SEARCH', request('SEARCH /trpc/no.such.procedure'), 405],
    ['a query by POST', request('POST /trpc/conversation.history', '{}', json('{}')), 405],
    // Bodies and inputs.
    ['malformed JSON', request('POST /trpc/session.start', '{"siteKey":', json('{"siteKey":')), 400],
    ['malformed JSON in a query', request('GET /trpc/admin.conversations.list?input=%7B%7D%7D', '', { authorization: `Bearer ${h.site.secretKey}` }), 400],
    ['a visitor query without a token', request('GET /trpc/conversation.history?input=%7B%7D%7D'), 401],
    ['text/plain', request('POST /trpc/session.start', '{}', { 'content-type': 'text/plain', 'content-length': '2' }), 415],
    ['an unknown media type', request('POST /trpc/session.start', '{}', { 'content-type': 'application/x-unknown', 'content-length': '2' }), 415],
    ['a body over 256 KB', request('POST /trpc/session.start', 'x'.repeat(300_000), json('x'.repeat(300_000))), 413],
    ['a batch of 25 calls', request(`GET /trpc/${Array(25).fill('conversation.history').join(',')}?batch=1`), 400],
    ['an invalid input', request('POST /trpc/session.start', '{"siteKey":""}', json('{"siteKey":""}')), 400],
    // What Node's HTTP parser refuses before Fastify sees it.
    ['a malformed chunk', request('POST /trpc/session.start', 'zz\r\n', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), 400],
    ['both Content-Length and chunked', request('POST /trpc/session.start', '0\r\n\r\n', { ...json('{}'), 'transfer-encoding': 'chunked' }), 400],
    ['a URL over 16 KB', request(`GET /trpc/session.start?input=${'x'.repeat(17_000)}`), 431],
    ['a header line with a control byte', request('GET /trpc/session.start', '', { 'x-bad': 'a\u0001b' }), 400],
  ];

  it('answers odd requests, each in the envelope with a stable code', async () => {
    const wrong: string[] = [];
    for (const [what, raw, status] of cases()) {
      const answer = await rawRequest(port, raw);
      let body: { error?: { message?: unknown; code?: unknown; data?: { code?: unknown; httpStatus?: unknown; errorCode?: unknown } } } = {};
      try {
        body = JSON.parse(answer.body) as typeof body;
      } catch {
        // not JSON: reported below
      }
      const error = body.error;
      const ok =
        answer.status === status &&
        typeof error?.message === 'string' &&
        typeof error.code === 'number' &&
        typeof error.data?.code === 'string' &&
        error.data.httpStatus === status &&
        ERROR_CODES.includes(error.data.errorCode as never);
      if (!ok) wrong.push(`${what}: ${answer.status} ${answer.body.slice(0, 160)}`);
    }
    assert.deepEqual(wrong, []);
    // None of it cost the server anything: it still answers.
    assert.ok(await h.session());
  });

  it('gives the stable code each kind of failure documents', async () => {
    const code = async (raw: string) => (JSON.parse((await rawRequest(port, raw)).body) as { error: { data: { errorCode: string } } }).error.data.errorCode;
    assert.equal(await code(request('GET /trpc/conversation.hist%E0%A4%Aory')), 'INVALID_INPUT');
    assert.equal(await code(request('GET /trpc/no.such.procedure')), 'NOT_FOUND');
    assert.equal(await code(request('GET /trpc/session/start')), 'NOT_FOUND');
    assert.equal(await code(request('TRACE /trpc/session.start')), 'INVALID_INPUT');
    const trace = await rawRequest(port, request('TRACE /trpc/session.start'));
    assert.equal(trace.headers.allow, 'GET, HEAD, POST, OPTIONS');
  });
});
