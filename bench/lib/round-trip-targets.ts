/**
 * What the many-nodes benchmark sends its round-trip load to: the bare echo
 * server and Tipsy Chat, each as one process, and as two processes joined
 * through Redis behind a real nginx (test/server/nginx.ts) that sends a
 * socket with `X-Node: a` to the first and `b` to the second. Everything
 * started is handed to the teardown, to be stopped however the run ends.
 */
import { hasNginx, startNginx } from '../../test/server/nginx.js';
import { BENCH_REDIS_URL, createBenchDatabase } from './bench-database.js';
import { ROOMY_LIMITS, startQuietServer } from './bench-site.js';
import { startEchoServer } from './echo-baseline.js';
import { nginxWorkerPids } from './nginx-workers.js';
import { dropRedisKeys, uniqueRedisPrefix } from './redis-keys.js';
import { startServerProcess } from './server-process.js';
import type { Teardown } from './teardown.js';

export interface RoundTripTarget {
  name: string;
  url: string;
  /** `-` for the bare echo server (no sessions). */
  siteKey: string;
  /** `a,b` behind nginx: senders' sockets go to the first process, receivers' to the second. */
  nodes: '-' | 'a,b';
  serverPids: number[];
  /** nginx's workers, when there is one in front. */
  proxyPids: number[];
}

/** A proxied socket holds two of nginx's connections, and a conversation has two sockets; the rest is room for HTTP. */
const workerConnectionsFor = (conversations: number) => 4 * conversations + 256;

async function behindNginx(teardown: Teardown, upstreams: string[], conversations: number) {
  if (!hasNginx()) throw new Error('no nginx at /usr/sbin/nginx (apt-get install nginx)');
  const nginx = await startNginx(upstreams, workerConnectionsFor(conversations));
  teardown.add('close nginx', () => nginx.close());
  return { url: nginx.url, proxyPids: nginxWorkerPids(nginx) };
}

/** Its Redis keys go when the run ends (added first, so it runs after the processes that write them have stopped). */
function redisPrefixFor(teardown: Teardown, name: string): string {
  const prefix = uniqueRedisPrefix(name);
  teardown.add(`delete the Redis keys under ${prefix}`, () => dropRedisKeys(BENCH_REDIS_URL, prefix));
  return prefix;
}

export async function startBareOneNode(teardown: Teardown): Promise<RoundTripTarget> {
  const echo = await startEchoServer();
  teardown.add('stop the echo server', () => echo.stop());
  return { name: 'bare Socket.IO, 1 process', url: echo.url, siteKey: '-', nodes: '-', serverPids: [echo.pid], proxyPids: [] };
}

export async function startBareTwoNodes(teardown: Teardown, conversations: number): Promise<RoundTripTarget> {
  const redis = { url: BENCH_REDIS_URL, prefix: redisPrefixFor(teardown, 'echo') };
  const echoes = [await startEchoServer(redis), await startEchoServer(redis)];
  for (const echo of echoes) teardown.add('stop an echo server', () => echo.stop());
  const { url, proxyPids } = await behindNginx(teardown, echoes.map((e) => e.url), conversations);
  return { name: 'bare Socket.IO + Redis adapter, 2 processes, nginx', url, siteKey: '-', nodes: 'a,b', serverPids: echoes.map((e) => e.pid), proxyPids };
}

/** Tipsy Chat on a fresh Postgres database of its own. */
export async function startTipsyOneNode(teardown: Teardown): Promise<RoundTripTarget> {
  const database = await createBenchDatabase('postgres');
  teardown.add('drop the Postgres database', () => database.drop());
  const { server, siteKey } = await startQuietServer({}, database);
  teardown.add('stop the server', () => server.stop());
  return { name: 'Tipsy Chat on Postgres, 1 process', url: server.url, siteKey, nodes: '-', serverPids: [server.child.pid!], proxyPids: [] };
}

/** Two Tipsy Chat processes on one fresh Postgres database and Redis, as a deployment runs them behind a proxy. */
export async function startTipsyTwoNodes(teardown: Teardown, conversations: number): Promise<RoundTripTarget> {
  const database = await createBenchDatabase('postgres');
  teardown.add('drop the Postgres database', () => database.drop());
  const env = { TIPSY_REDIS_URL: BENCH_REDIS_URL, TIPSY_REDIS_PREFIX: redisPrefixFor(teardown, 'tipsy'), TIPSY_TRUST_PROXY: 'loopback' };
  // The first creates the site (and migrates the database) before the second starts.
  const { server: first, siteKey } = await startQuietServer(env, database);
  teardown.add('stop the first server', () => first.stop());
  const second = await startServerProcess({ TIPSY_LIMITS: ROOMY_LIMITS, ...env }, { database });
  teardown.add('stop the second server', () => second.stop());
  const { url, proxyPids } = await behindNginx(teardown, [first.url, second.url], conversations);
  const serverPids = [first.child.pid!, second.child.pid!];
  return { name: 'Tipsy Chat on Postgres + Redis, 2 processes, nginx', url, siteKey, nodes: 'a,b', serverPids, proxyPids };
}
