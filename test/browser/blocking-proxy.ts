/**
 * A small HTTP + WebSocket forwarder in front of the chat server, for browser
 * tests of a bad network: it can block Socket.IO only (as a proxy that drops
 * WebSockets and long polls would), or everything (offline).
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';

export type ProxyMode = 'open' | 'no-socket' | 'offline';

export interface BlockingProxy {
  url: string;
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

export async function startBlockingProxy(target: string): Promise<BlockingProxy> {
  const upstream = new URL(target);
  let mode: ProxyMode = 'open';
  const connections = new Set<Socket>();
  const blocked = (req: IncomingMessage) => mode === 'offline' || (mode === 'no-socket' && (req.url ?? '').startsWith('/socket.io/'));

  const server = createServer((req, res) => {
    if (blocked(req)) {
      res.writeHead(503).end();
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        // Nothing through the proxy is cached: a chat module one test downloaded must not answer
        // another test that takes the network away to see the download fail.
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'cache-control': 'no-store' });
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => {
    if (blocked(req)) return socket.destroy();
    const upstreamSocket = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
      upstreamSocket.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstreamSocket.write(head);
      socket.pipe(upstreamSocket).pipe(socket);
    });
    const end = () => (socket.destroy(), upstreamSocket.destroy());
    socket.on('error', end).on('close', end);
    upstreamSocket.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    setMode(next) {
      mode = next;
      // Cut what is open, as a network change would; clients reconnect into the new mode.
      for (const socket of connections) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
