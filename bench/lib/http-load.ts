/**
 * The HTTP load generator, in its own process: one autocannon run (closed
 * loop: `connections` keep one request each in flight for `seconds`). Reports
 * a progress tick each second and the result over IPC. Latencies are taken
 * from each 2xx response (autocannon's own histogram rounds to whole ms).
 * Usage: http-load.ts '<JSON: { url, method, headers?, body?, connections, seconds }>'
 */
import autocannon from 'autocannon';
import { summarize } from './stats.js';

export interface HttpLoad {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
}

export interface HttpLoadResult {
  /** 2xx answers per second over the run. */
  perSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number; max: number };
  bytesPerResponse: number;
}

const load = JSON.parse(process.argv[2]!) as HttpLoad;
let seconds = 0;
const latencies: number[] = [];
const instance = autocannon(
  { url: load.url, method: load.method, headers: load.headers, body: load.body, connections: load.connections, duration: load.seconds },
  (error, result) => {
    if (error) {
      process.send!({ type: 'failed', error: String(error) });
      return process.exit(1);
    }
    const answer: HttpLoadResult = {
      perSecond: result['2xx'] / result.duration,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latency: summarize(latencies),
      bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
    };
    process.send!({ type: 'result', result: answer }, () => process.exit(0));
  },
);
instance.on('tick', () => process.send!({ type: 'tick', seconds: ++seconds }));
instance.on('response', (_client, status, _bytes, ms) => {
  if (status >= 200 && status < 300) latencies.push(ms);
});
