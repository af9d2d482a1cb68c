/** Starts the bare Socket.IO echo server (echo-server.ts) in its own process; it dies with the benchmark. */
import { fork } from 'node:child_process';

export async function startEchoServer(): Promise<{ url: string; stop(): void }> {
  const echo = fork(new URL('./echo-server.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'] });
  const stop = () => echo.kill();
  process.once('exit', stop); // never leave the baseline running
  const url = await new Promise<string>((resolve) => echo.once('message', (m) => resolve(String(m))));
  return { url, stop };
}
