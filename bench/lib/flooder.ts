/**
 * A visitor who floods the server as fast as it can, on both transports, for
 * a while; run as its own process. Prints what the server answered, as JSON.
 * Usage: flooder.ts <serverUrl> <siteKey> <durationMs>
 */
import { io } from 'socket.io-client';
import type { SendAck } from '../../server/protocol/events.js';

const [url, siteKey, durationText] = process.argv.slice(2);
const until = Date.now() + Number(durationText);
const SOCKETS = 8;
const IN_FLIGHT_PER_SOCKET = 32;
const HTTP_IN_FLIGHT = 8;

const counts: Record<string, number> = {};
const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);

const start = await fetch(`${url}/trpc/session.start`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ siteKey }),
});
const { visitorToken, conversationId } = ((await start.json()) as { result: { data: { visitorToken: string; conversationId: string } } }).result.data;

async function socketLoop(): Promise<void> {
  const socket = io(url!, { auth: { token: visitorToken }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  let n = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const ack = (await socket.timeout(5000).emitWithAck('send_message', { conversationId, content: `flood ${n++}` }).catch(() => null)) as SendAck | null;
      count(ack === null ? 'socket:timeout' : ack.ok ? 'socket:stored' : `socket:${ack.error.code}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT_PER_SOCKET }, worker));
  socket.disconnect();
}

async function httpLoop(): Promise<void> {
  while (Date.now() < until) {
    const res = await fetch(`${url}/trpc/message.send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ conversationId, content: 'flood over http' }),
    }).catch(() => null);
    count(res === null ? 'http:error' : res.ok ? 'http:stored' : `http:${res.status}`);
    await res?.arrayBuffer();
  }
}

const startedAt = Date.now();
await Promise.all([
  ...Array.from({ length: SOCKETS }, socketLoop),
  ...Array.from({ length: HTTP_IN_FLIGHT }, httpLoop),
]);
const seconds = (Date.now() - startedAt) / 1000;
const attempted = Object.values(counts).reduce((a, b) => a + b, 0);
process.stdout.write(`${JSON.stringify({ attempted, perSecond: Math.round(attempted / seconds), counts })}\n`);
process.exit(0);
