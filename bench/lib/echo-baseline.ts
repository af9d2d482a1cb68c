/**
 * Starts the bare Socket.IO echo server (echo-server.ts) in its own process; it dies with the benchmark.
 * It runs the loop probe, as our server does (server-process.ts), so their event loops' pauses compare.
 */
import { fork } from 'node:child_process';
import { LOOP_PROBE_FLAGS } from './loop-probe-client.js';

export interface EchoServer {
  url: string;
  pid: number;
  stop(): void;
}

/** With `redis`, the server joins the others started with the same prefix through the Redis adapter. */
export async function startEchoServer(redis?: { url: string; prefix: string }): Promise<EchoServer> {
  const args = redis ? [redis.url, redis.prefix] : [];
  const echo = fork(new URL('./echo-server.ts', import.meta.url).pathname, args, { execArgv: ['--import', 'tsx', ...LOOP_PROBE_FLAGS] });
  const stop = () => echo.kill();
  process.once('exit', stop); // never leave the baseline running
  const url = await new Promise<string>((resolve, reject) => {
    echo.once('message', (m) => resolve(String(m)));
    echo.once('exit', (code) => reject(new Error(`the echo server exited (${code}) before listening`)));
  });
  return { url, pid: echo.pid!, stop };
}
