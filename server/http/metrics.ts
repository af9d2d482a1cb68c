import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from '../metrics/server-metrics.js';

export interface MetricsAccess {
  /** /metrics on the chat port, for requests with `Authorization: Bearer <token>`. */
  token?: string;
  /** /metrics on a port of its own, on `host` (127.0.0.1 by default: off the public origin). */
  port?: number;
  host: string;
}

const bearer = (authorization: string | undefined) => /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Where Prometheus scrapes: the chat port with a token, a port of its own, both, or
 * neither (then /metrics is not there at all). Resolves to a stop function, and the
 * own port's URL once it listens.
 */
export async function serveMetrics(app: FastifyInstance, metrics: ServerMetrics, access: MetricsAccess): Promise<{ url?: string; close(): Promise<void> }> {
  const token = access.token;
  if (token) {
    app.get('/metrics', async (request, reply) => {
      if (!sameSecret(bearer(request.headers.authorization), token)) return reply.code(401).header('www-authenticate', 'Bearer').send({ code: 'UNAUTHORIZED' });
      const { contentType, body } = await metrics.text();
      return reply.type(contentType).header('cache-control', 'no-store').send(body);
    });
  }
  if (access.port === undefined) return { close: async () => undefined };
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (token && !sameSecret(bearer(request.headers.authorization), token)) {
      response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    metrics.text().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(access.port, access.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = access.host.includes(':') ? `[${access.host}]` : access.host;
  return { url: `http://${host}:${port}/metrics`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
