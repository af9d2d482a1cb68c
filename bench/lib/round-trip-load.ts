/**
 * The load generator for the round-trip benchmark, in its own process:
 * `conversations` pairs of sockets (a sender and a receiver in the same
 * conversation); sends at `rate` messages/s for `seconds`, spread over the
 * conversations, after a warm-up at the same rate that is not counted
 * (BENCH_WARMUP_MS, 3 s); prints ack and receipt latencies as JSON.
 * Behind a proxy that routes by the `X-Node` header, `nodes` (`a,b`) sends
 * every sender's socket with `X-Node: a` and every receiver's with `b`; with
 * `cpuPids`, the result carries the CPU time those processes (and this one)
 * used over the measured window (the sends, until the last is acked and received,
 * at most 1 s later), and the longest pause of the event loop in each that runs
 * loop-probe.ts.
 * Usage: round-trip-load.ts <url> <siteKey|-> <rate> <conversations> <seconds> [<nodes: a,b | -> [<cpuPids: pid,pid…>]]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { watchProcesses, type WindowCpu } from './measured-window.js';
import { summarize, type Latency } from './stats.js';
import { startVisitor } from './visitor.js';

const [url, siteKey, rateText, conversationsText, secondsText, nodesText = '-', cpuPidsText = ''] = process.argv.slice(2) as [string, string, string, string, string, string?, string?];
const [senderNode, receiverNode] = nodesText === '-' ? [] : nodesText.split(',');
const cpuPids = cpuPidsText.split(',').filter(Boolean).map(Number);
const rate = Number(rateText);
const count = Number(conversationsText);
const seconds = Number(secondsText);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3000);

interface Pair {
  conversationId: string;
  sender: Socket;
  receiver: Socket;
}

const connect = (token: string, node?: string) =>
  new Promise<Socket>((resolve, reject) => {
    const extraHeaders = node ? { 'x-node': node } : undefined;
    const socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });

const pairs: Pair[] = [];
for (let i = 0; i < count; i++) {
  const { token, conversationId } = await startVisitor(url, siteKey, i);
  const [sender, receiver] = await Promise.all([connect(token, senderNode), connect(token, receiverNode)]);
  await Promise.all([sender.emitWithAck('join_conversation', conversationId), receiver.emitWithAck('join_conversation', conversationId)]);
  pairs.push({ conversationId, sender, receiver });
}

const watched = await watchProcesses(cpuPids);

const sentAt = new Map<string, number>();
const acks: number[] = [];
const receipts: number[] = [];
let errors = 0;
/** Off during the warm-up: its sends go out and come back, but are not counted. */
let measuring = false;
for (const pair of pairs) {
  pair.receiver.on('receive_message', (m: { client_message_id?: string }) => {
    const t0 = m.client_message_id ? sentAt.get(m.client_message_id) : undefined;
    if (t0 !== undefined) {
      receipts.push(performance.now() - t0);
      sentAt.delete(m.client_message_id!);
    }
  });
}

let n = 0;
let sent = 0;
/** Sends at the rate for `ms`, in 10 ms ticks, as evenly as the rate allows, round-robin over the conversations. */
async function sendFor(ms: number): Promise<void> {
  const perTick = rate / 100;
  let owed = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const tick = performance.now();
    owed += perTick;
    for (; owed >= 1; owed--) {
      const pair = pairs[n % pairs.length]!;
      const id = `m${n++}`;
      const t0 = performance.now();
      const counted = measuring;
      if (counted) {
        sentAt.set(id, t0);
        sent++;
      }
      pair.sender.emit('send_message', { conversationId: pair.conversationId, content: 'hello there', clientMessageId: id }, (ack: { ok: boolean }) => {
        if (!counted) return;
        if (ack.ok) acks.push(performance.now() - t0);
        else errors++;
      });
    }
    await sleep(Math.max(0, 10 - (performance.now() - tick)));
  }
}

// The same rate first, not counted, on both servers: the first message of each of 1,000
// conversations meets cold caches, rate-limit keys being created and code not yet optimised, and
// the garbage of 1,000 sessions just started is still to be collected: a cost of the run's start,
// not of the rate. With one second of it, the first rate of a run still had a p99 of 35–48 ms.
await sendFor(WARMUP_MS);
await sleep(200);
measuring = true;
const measuredWindow = await watched.openWindow();
await sendFor(seconds * 1000);
// The window closes once the last counted send is acked and received (at most a second later):
// a fixed second of waiting added that much of an idle server's CPU to every message's share.
for (const lastSends = performance.now(); performance.now() - lastSends < 1000; await sleep(2)) {
  if (sentAt.size === 0 && acks.length + errors >= sent) break;
}
const measured = await measuredWindow.close();
const cpu = cpuPids.length ? measured.cpu : undefined;
const longestPauseMs = cpuPids.length ? measured.longestPauseMs : undefined;
export interface RoundTripResult {
  sent: number;
  acked: number;
  received: number;
  errors: number;
  achievedRate: number;
  ack: Latency;
  receipt: Latency;
  /** With cpuPids: CPU ms each process used over the measured window, and this load generator's own. */
  cpu?: WindowCpu;
  /** With cpuPids, per pid: the event loop's longest pause over the measured window (ms), null where no loop probe runs. */
  longestPauseMs?: (number | null)[];
}

const { count: acked, ...ack } = summarize(acks);
const { count: received, ...receipt } = summarize(receipts);
process.stdout.write(`${JSON.stringify({ sent, acked, received, errors, achievedRate: Math.round(acked / seconds), ack, receipt, cpu, longestPauseMs } satisfies RoundTripResult)}\n`);
process.exit(0);
