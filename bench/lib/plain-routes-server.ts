/**
 * Tipsy Chat's server as `server/main.ts` starts it, with the two procedures
 * the HTTP benchmark measures served a second time as plain Fastify routes:
 * the same input schemas, the same services, the same response body, no tRPC.
 * A procedure against its plain route, in the same process on the same
 * database, is what tRPC costs on top of our work. The plain routes skip the
 * per-address request count, which only `/trpc/` has (an in-memory counter).
 */
import { buildServer } from '../../server/app.js';
import { HistoryInput, parseInput, SessionStartInput } from '../../server/chat/inputs.js';
import { loadConfig } from '../../server/config.js';
import { bearerToken } from '../../server/trpc/context.js';

const server = await buildServer(loadConfig());
const { app, services } = server;

app.post('/plain/session.start', async (req) => {
  const input = parseInput(SessionStartInput, req.body);
  return { result: { data: await services.sessions.start(input, { origin: req.headers.origin, ip: req.ip }) } };
});

app.get<{ Querystring: { input?: string } }>('/plain/conversation.history', async (req) => {
  const input = parseInput(HistoryInput, JSON.parse(req.query.input ?? 'null'));
  const visitor = await services.sessions.authenticate(bearerToken(req.headers.authorization), req.headers.origin);
  return { result: { data: await services.chat.history(visitor, input) } };
});

const url = await server.listen();
console.log(`Tipsy Chat is running at ${url}`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
