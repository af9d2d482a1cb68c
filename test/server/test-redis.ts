/** The Redis the scale-out tests share (each prefixes its keys and channels), and whether it answers. */
import { connect } from 'node:net';

export const REDIS_URL = process.env.TIPSY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const redisUp = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const probe = connect(Number(port || 6379), hostname, () => (probe.end(), resolve(true)));
  probe.setTimeout(500, () => (probe.destroy(), resolve(false)));
  probe.on('error', () => resolve(false));
});

/** For a suite that needs Redis: a developer without one sees it skipped, said so; CI (which has one) never skips it. */
export const NEEDS_REDIS = !redisUp && !process.env.CI ? `no Redis at ${REDIS_URL} (set TIPSY_TEST_REDIS_URL, or start one)` : false;
