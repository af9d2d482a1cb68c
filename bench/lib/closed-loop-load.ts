/**
 * The load generator for the durable-writes benchmark, in its own process:
 * `sockets` senders, one conversation each, each keeping `window` sends in
 * flight (a new one as soon as one is acked) for `seconds`; prints how many
 * were acked and their ack latencies as JSON.
 * Usage: closed-loop-load.ts <url> <siteKey|-> <sockets> <window> <seconds>
 */
import { io, type Socket } from 'socket.io-client';
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
const sorted = latencies.sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
process.stdout.write(
  `${JSON.stringify({ acked: sorted.length, errors, ackedPerSecond: Math.round(sorted.length / elapsed), ack: { p50: pct(50), p99: pct(99), max: sorted.at(-1) ?? NaN } })}\n`,
);
process.exit(0);
