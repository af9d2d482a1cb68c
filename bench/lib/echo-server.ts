/**
 * The baseline: a bare Socket.IO server that speaks the same events and does
 * the least possible (ack, broadcast to the room; no auth, no database). Sends its URL to the parent.
 * Given a Redis URL and a prefix (argv), several of them join through
 * @socket.io/redis-adapter, as our server's processes do, so a broadcast reaches the other processes' sockets.
 * It answers GET /healthz, so a proxy in front can tell it is up.
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const [redisUrl, redisPrefix] = process.argv.slice(2);

const http = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404).end();
});
const io = new Server(http);
if (redisUrl) {
  const publisher = new Redis(redisUrl);
  const subscriber = publisher.duplicate();
  io.adapter(createAdapter(publisher, subscriber, { key: `${redisPrefix ?? 'echo'}:socket.io` }));
}
let seq = 0;
io.on('connection', (socket) => {
  socket.on('join_conversation', (id: string, ack: (r: unknown) => void) => {
    void socket.join(id);
    ack({ ok: true, conversationId: id });
  });
  socket.on('send_message', (payload: { conversationId: string; content: string; clientMessageId?: string }, ack: (r: unknown) => void) => {
    const message = {
      id: String(++seq),
      conversation_id: payload.conversationId,
      seq,
      sender_type: 'user',
      content: payload.content,
      created_at: new Date().toISOString(),
      client_message_id: payload.clientMessageId,
    };
    io.to(payload.conversationId).emit('receive_message', message);
    ack({ ok: true, message });
  });
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as { port: number };
  process.send?.(`http://127.0.0.1:${port}`);
});
