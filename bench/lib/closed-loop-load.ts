/**
 * The load generator for the durable-writes benchmark, in its own process:
 * `sockets` senders, one conversation each, each keeping `window` sends in
 * flight (a new one as soon as one is acked) for `seconds`; prints how many
 * were acked and their ack latencies as JSON.
 * Usage: closed-loop-load.ts <url> <siteKey|-> <sockets> <window> <seconds>
 */
import { io, type Socket } from 'socket.io-client';
import { summarize, type Latency } from './stats.js';
import { startVisitor } from './visitor.js';

const [url, siteKey, socketsText, windowText, secondsText] = process.argv.slice(2) as [string, string, string, string, string];
const sockets = Number(socketsText);
const window = Number(windowText);
const seconds = Number(secondsText);

const connect = (token: string) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });

const senders: { socket: Socket; conversationId: string }[] = [];
for (let i = 0; i < sockets; i++) {
  const { token, conversationId } = await startVisitor(url, siteKey, i);
  const socket = await connect(token);
  await socket.emitWithAck('join_conversation', conversationId);
  senders.push({ socket, conversationId });
}

const latencies: number[] = [];
let errors = 0;
let n = 0;
let running = true;
const started = performance.now();
function sendNext(sender: (typeof senders)[number]): void {
  if (!running) return;
  const t0 = performance.now();
  sender.socket.emit('send_message', { conversationId: sender.conversationId, content: 'hello there', clientMessageId: `m${n++}` }, (ack: { ok: boolean }) => {
    if (ack.ok) latencies.push(performance.now() - t0);
    else errors++;
    sendNext(sender);
  });
}
for (const sender of senders) for (let i = 0; i < window; i++) sendNext(sender);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
running = false;
const elapsed = (performance.now() - started) / 1000;
export interface ClosedLoopResult {
  acked: number;
  errors: number;
  ackedPerSecond: number;
  ack: Latency;
}

const { count: acked, ...ack } = summarize(latencies);
process.stdout.write(`${JSON.stringify({ acked, errors, ackedPerSecond: Math.round(acked / elapsed), ack } satisfies ClosedLoopResult)}\n`);
process.exit(0);
