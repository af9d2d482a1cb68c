/**
 * The baseline for the spread idle-sockets part: a bare Socket.IO server (no
 * auth, no database) joined to the others through @socket.io/redis-adapter,
 * as Tipsy Chat's processes are; it joins a socket to the room it names and
 * acks, nothing more. Sends its URL to the parent once listening.
 * Usage: spread-bare-server.ts <redisUrl> <keyPrefix>
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const [redisUrl, prefix] = process.argv.slice(2) as [string, string];
const publisher = new Redis(redisUrl);
const subscriber = publisher.duplicate();
const http = createServer();
// The same channel names as our server's adapter (server/realtime/redis.ts), under this run's prefix.
const io = new Server(http, { adapter: createAdapter(publisher, subscriber, { key: `${prefix}:socket.io`, requestsTimeout: 3000 }) });
io.on('connection', (socket) => {
  socket.on('join_conversation', (id: string, ack: (r: unknown) => void) => {
    void socket.join(id);
    ack({ ok: true, conversationId: id });
  });
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as { port: number };
  process.send?.(`http://127.0.0.1:${port}`);
});
process.once('SIGTERM', () => {
  publisher.disconnect();
  subscriber.disconnect();
  process.exit(0);
});
