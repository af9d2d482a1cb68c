/**
 * The HTTP baselines, in their own process (no auth, no database, no
 * logging), each answering with the same bytes our procedure answered
 * (the parent sends them over IPC before measuring):
 * - `/bare`: a bare Fastify route;
 * - `/trpc/bare`: a tRPC procedure behind the same Fastify adapter we use, doing nothing,
 *   so the table can tell what tRPC itself costs from what our work costs.
 * Sends its URL to the parent.
 */
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify from 'fastify';

/** What our procedure answered (the `result.data` part), to answer the same. */
let data: unknown = { ok: true };
process.on('message', (m: { data?: unknown }) => {
  if (m && typeof m === 'object' && 'data' in m) {
    data = m.data;
    process.send?.('payload set');
  }
});

const t = initTRPC.create();
const router = t.router({
  // Any input (the real request's), answered with the canned data.
  bareQuery: t.procedure.input((v) => v).query(() => data),
  bareMutation: t.procedure.input((v) => v).mutation(() => data),
});

const app = Fastify({ logger: false });
app.get('/bare', async () => ({ result: { data } }));
app.post('/bare', async () => ({ result: { data } }));
await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions: { router } });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.(address);
