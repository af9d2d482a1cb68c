/** A local HTTP server that receives webhook deliveries for tests, answering with the statuses it is given. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  body: string;
  signature: string | undefined;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** What to answer next (each answer used once, then 200). */
  answer(...statuses: number[]): void;
  /** Resolves once `count` deliveries have been received (or rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: Received[] = [];
  const queued: number[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = queued.shift() ?? 200;
      received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['tipsy-signature'] as string | undefined, status });
      res.writeHead(status).end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer: (...statuses) => void queued.push(...statuses),
    waitFor: (count, ms = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} deliveries, got ${received.length}`)), ms);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received.slice(0, count));
          } else waiters.push(check);
        };
        check();
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
