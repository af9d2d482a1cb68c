/** The pids of an nginx's worker processes (the ones that carry the traffic), to read their CPU time. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Nginx } from '../../test/server/nginx.js';

export function nginxWorkerPids(nginx: Nginx): number[] {
  const master = readFileSync(join(nginx.dir, 'nginx.pid'), 'utf8').trim();
  // The master's children are its workers (and, briefly, cache helpers, which this configuration has none of).
  return readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}
