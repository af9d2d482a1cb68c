import type { FastifyInstance } from 'fastify';

/** A check that passes by resolving; each is given this long before it counts as failing. */
const CHECK_TIMEOUT_MS = 1000;

export interface ReadinessChecks {
  database: () => Promise<unknown>;
  /** Absent when the process runs alone (no Redis configured). */
  redis?: () => Promise<unknown>;
  /** True from the moment shutdown begins: a load balancer stops sending new visitors at once. */
  draining: () => boolean;
}

type CheckResult = 'ok' | 'failing' | 'off';

async function run(check: (() => Promise<unknown>) | undefined): Promise<CheckResult> {
  if (!check) return 'off';
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)));
  try {
    await Promise.race([check(), late]);
    return 'ok';
  } catch {
    return 'failing';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For load balancers and orchestrators. `/healthz`: the process is alive (restart it
 * if not). `/readyz`: it can serve visitors now: its database answers and it is not
 * shutting down (send it no one new if not); it also says whether Redis answers.
 * Neither says why in detail beyond which check failed; the log has the rest.
 */
export function registerHealth(app: FastifyInstance, checks: ReadinessChecks): void {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const draining = checks.draining();
    const [database, redis] = await Promise.all([run(checks.database), run(checks.redis)]);
    // Redis away degrades a process (limits per process, no live events from the others) but
    // does not stop it serving its own visitors; and it is usually away for every process at
    // once, when a load balancer dropping them all would stop traffic they could still serve.
    const ready = !draining && database === 'ok';
    return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({ ready, draining, database, redis });
  });
}
