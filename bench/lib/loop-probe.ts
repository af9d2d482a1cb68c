/**
 * Preloaded into a benchmarked server (`--import tsx --import loop-probe.ts`,
 * see LOOP_PROBE_FLAGS): watches its event loop's pauses and answers on a Unix
 * socket named for its pid (loop-probe-client.ts), so the load generator,
 * which holds the measured window, starts the count over at the window's
 * start and reads the longest pause at its end. It sends nothing unasked, and
 * neither its listener nor a connected reader keeps the process alive.
 */
import { createServer } from 'node:net';
import { watchLoopPauses } from './loop-pauses.js';
import { loopProbeAddress, onLines } from './loop-probe-client.js';

const pauses = watchLoopPauses();

const server = createServer((socket) => {
  socket.unref();
  onLines(socket, (command) => {
    socket.write(`${JSON.stringify({ longestPauseMs: pauses.longestMs() })}\n`);
    if (command === 'reset') pauses.reset();
  });
  socket.on('error', () => socket.destroy()); // a reader that went away is not the server's problem
});
// Without the probe the figures are missing, not wrong: the server runs on.
server.on('error', (error) => console.error(`loop probe: ${error.message}`));
server.listen(loopProbeAddress(process.pid));
server.unref();
