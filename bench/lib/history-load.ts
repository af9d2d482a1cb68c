/**
 * The load generator for the history benchmark, in its own process:
 * `concurrency` requests in flight over keep-alive connections, each a
 * `GET /trpc/conversation.history` for a random conversation, for `seconds`
 * after `warmup` seconds not counted. Latencies are timed with
 * performance.now(), to the microsecond (autocannon keeps whole milliseconds).
 * Mode `latest`: the newest page; `deep`: a page before a seq in the middle;
 * `each`: the newest page of every conversation once, in order, then stop
 * (a warm-up: every visitor has called before). Prints the latencies and the
 * request rate as JSON.
 * Usage: history-load.ts <url> <targets.json> <latest|deep|each> <concurrency> <seconds> <warmup> <limit> <perConversation>
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { pageInput, type PageMode } from './history-pages.js';
import { summarize } from './stats.js';

const [url, targetsFile, mode, concurrencyText, secondsText, warmupText, limitText, perConversationText] = process.argv.slice(2) as [
  string, string, string, string, string, string, string, string,
];
const concurrency = Number(concurrencyText);
const limit = Number(limitText);
const perConversation = Number(perConversationText);
/** Conversation id and its visitor's token. */
const targets = JSON.parse(readFileSync(targetsFile, 'utf8')) as [string, string][];
const { hostname, port } = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const pageMode: PageMode = mode === 'deep' ? 'deep' : 'latest';
const path = (conversationId: string) =>
  `/trpc/conversation.history?input=${encodeURIComponent(JSON.stringify(pageInput(conversationId, pageMode, limit, perConversation)))}`;
let walked = 0;
const nextTarget = () => (mode === 'each' ? targets[walked++] : targets[Math.floor(Math.random() * targets.length)]);
const expected = Math.min(limit, perConversation);

const latencies: number[] = [];
const errors: Record<string, number> = {};
let answered = 0;
let checked = 0;
let measuring = false;
let running = true;

function once([conversationId, token]: [string, string]): Promise<void> {
  const p = path(conversationId);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request({ agent, hostname, port, path: p, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t0;
        if (res.statusCode !== 200) errors[`http ${res.statusCode}`] = (errors[`http ${res.statusCode}`] ?? 0) + 1;
        else if (measuring) latencies.push(ms);
        // Check every 64th answer in full (parsing each would cost the generator more than the server).
        if (res.statusCode === 200 && ++answered % 64 === 1) {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as { result: { data: { messages: { conversation_id: string }[] } } };
          const messages = body.result.data.messages;
          if (messages.length !== expected || messages.some((m) => m.conversation_id !== conversationId)) errors['wrong page'] = (errors['wrong page'] ?? 0) + 1;
          checked++;
        }
        resolve();
      });
    });
    req.on('error', (e) => {
      errors[e.message] = (errors[e.message] ?? 0) + 1;
      resolve();
    });
    req.end();
  });
}

async function worker(): Promise<void> {
  for (let target = nextTarget(); running && target; target = nextTarget()) await once(target);
}

const workers = Array.from({ length: concurrency }, worker);
if (mode === 'each') {
  measuring = true;
  const started = performance.now();
  await Promise.all(workers);
  process.stdout.write(`${JSON.stringify({ ...summarize(latencies), perSecond: latencies.length / ((performance.now() - started) / 1000), errors, checked })}\n`);
  process.exit(0);
}
await new Promise((r) => setTimeout(r, Number(warmupText) * 1000));
measuring = true;
const started = performance.now();
await new Promise((r) => setTimeout(r, Number(secondsText) * 1000));
measuring = false;
const elapsed = (performance.now() - started) / 1000;
running = false;
await Promise.all(workers);
agent.destroy();
process.stdout.write(`${JSON.stringify({ ...summarize(latencies), perSecond: latencies.length / elapsed, errors, checked })}\n`);
process.exit(0);
