/**
 * Preloaded into a process through NODE_OPTIONS (`--import`; `--cpu-prof` is
 * not allowed there): records a CPU profile of the main thread from start to
 * exit and writes it to $BENCH_CPU_PROF_DIR as a .cpuprofile (Chrome
 * DevTools, speedscope). Plain JavaScript: NODE_OPTIONS reaches the server's
 * worker threads too, where no TypeScript loader runs.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir && isMainThread) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 100 });
  session.post('Profiler.start');
  // A session on the process's own thread answers at once, so this still runs inside 'exit'.
  process.once('exit', () =>
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    }),
  );
}
