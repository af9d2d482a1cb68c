import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export interface StaticOptions {
  widgetDir: string;
  demoDir: string;
  /** The demo pages embed this key, as a customer pastes theirs. */
  demoSiteKey?: string;
}

const SITE_KEY_PLACEHOLDER = /%TIPSY_SITE_KEY%/g;

/** Serves the built widget at /widget/ and, when seeded, the demo site at /. */
export async function registerStaticFiles(app: FastifyInstance, options: StaticOptions): Promise<void> {
  await app.register(fastifyStatic, {
    root: options.widgetDir,
    prefix: '/widget/',
    decorateReply: false,
    // Host pages load the widget cross-origin.
    setHeaders: (res) => res.setHeader('Access-Control-Allow-Origin', '*'),
    maxAge: 5 * 60 * 1000,
  });

  const { demoSiteKey } = options;
  if (!demoSiteKey) return;
  const page = async (file: string) =>
    (await readFile(join(options.demoDir, file), 'utf8')).replace(SITE_KEY_PLACEHOLDER, demoSiteKey);
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(await page('index.html')));
  await app.register(fastifyStatic, { root: options.demoDir, prefix: '/demo/', decorateReply: false, index: false });
}
