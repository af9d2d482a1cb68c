/**
 * The load generator for the durable-writes benchmark, in its own process:
 * `sockets` senders, one conversation each, each keeping `window` sends in
 * flight (a new one as soon as one is acked) for `seconds`; prints how many
 * were acked and their ack latencies as JSON. With `cpuPids`, also the CPU
 * time those processes used over the same seconds, and their event loops'
 * longest pauses (measured-window.ts).
 * Usage: closed-loop-load.ts <url> <siteKey|-> <sockets> <window> <seconds> [<cpuPids: pid,pid…>]
 */
import { io, type Socket } from 'socket.io-client';
import { watchProcesses, type WindowFigures } from './measured-window.js';
import { summarize, type Latency } from './stats.js';
import { startVisitor } from './visitor.js';

const [url, siteKey, socketsText, windowText, secondsText, cpuPidsText = ''] = process.argv.slice(2) as [string, string, string, string, string, string?];
const cpuPids = cpuPidsText.split(',').filter(Boolean).map(Number);
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

const watched = await watchProcesses(cpuPids);

const latencies: number[] = [];
let errors = 0;
let n = 0;
let running = true;
const measuredWindow = await watched.openWindow();
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
// Counted before reading the window, so acks that arrive while it is read are not counted.
const { count: acked, ...ack } = summarize(latencies);
const counted = { acked, errors, ackedPerSecond: Math.round(acked / elapsed), ack };
const measured = await measuredWindow.close();
export interface ClosedLoopResult {
  acked: number;
  errors: number;
  ackedPerSecond: number;
  ack: Latency;
  /** With cpuPids: the CPU time and longest event-loop pause of each over the same seconds. */
  window?: WindowFigures;
}

process.stdout.write(`${JSON.stringify({ ...counted, window: cpuPids.length ? measured : undefined } satisfies ClosedLoopResult)}\n`);
process.exit(0);
