/**
 * A local HTTP server that speaks OpenAI's streaming chat-completions protocol
 * (server-sent events), for tests. The requested `model` picks its behaviour;
 * `redirect` answers 307 to the `redirectTo` given when it was started. Asked for usage
 * (`stream_options.include_usage`), it ends with a chunk reporting FAKE_USAGE, as OpenAI does.
 */
import type { Config } from '../../server/config.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeModel {
  baseUrl: string;
  /** Every request's body (and the Authorization header it came with), in order. */
  requests: { model: string; messages: { role: string; content: string }[]; stream_options?: { include_usage?: boolean }; authorization?: string }[];
  close(): Promise<void>;
}

/** The tokens every answer reports using, when asked. */
/** The operator's endpoint rules that let sites reach a fake model on the loopback (sites may reach no private address by default). */
export const LOCAL_MODEL_ENDPOINTS: Config['responderEndpoints'] = { privateHosts: ['127.0.0.1'], siteResponders: 'any', listedHosts: [] };

export const FAKE_USAGE = { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 };

const WORDS = ['Well, ', 'hello ', 'there, ', 'friend. ', 'What ', 'a ', 'fine ', 'evening ', 'for ', 'it.'];

function chunk(res: ServerResponse, content: string): void {
  res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
}

async function handle(req: IncomingMessage, res: ServerResponse, model: string, redirectTo?: string, ownWords: readonly string[] = WORDS, usage = false): Promise<void> {
  if (model === 'redirect') {
    res.writeHead(307, { location: redirectTo ?? '/' }).end();
    return;
  }
  if (model === 'http-500') {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'model exploded' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (model === 'slow-start') await sleep(3000);
  if (model === 'blank-start') chunk(res, '\n\n'); // models often open with whitespace
  const words = model === 'long' ? Array.from({ length: 60 }, (_, i) => `word${i} `) : ownWords;
  for (const [i, word] of words.entries()) {
    if (res.destroyed) return;
    // A reset discards what the client's kernel holds unread: give a busy server a moment to read the first words.
    if (model === 'error-mid' && i === 3) return void setTimeout(() => req.socket.destroy(), 100);
    if (model === 'hang' && i === 2) return; // never another word, never the end
    chunk(res, word);
    await sleep(model === 'long' ? 40 : 5);
  }
  if (usage) res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [], usage: FAKE_USAGE })}\n\n`);
  res.end('data: [DONE]\n\n');
}

export async function startFakeModel(options: { redirectTo?: string; words?: readonly string[] } = {}): Promise<FakeModel> {
  const requests: FakeModel['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body || '{}') as FakeModel['requests'][number];
      requests.push({ ...parsed, ...(req.headers.authorization && { authorization: req.headers.authorization }) });
      // `counting`: each answer names its request, so two answers to one prompt differ.
      const words = parsed.model === 'counting' ? ['Reply ', `number ${requests.length}.`] : options.words;
      void handle(req, res, parsed.model, options.redirectTo, words, parsed.stream_options?.include_usage === true);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
