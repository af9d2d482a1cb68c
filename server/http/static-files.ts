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

/** The chat module asked for by version (`tipsy-chat-panel.mjs?v=<content hash>`, as the loader does). */
const VERSIONED_CHAT = /^\/widget\/tipsy-chat-panel\.mjs\?v=[0-9a-f]+(&|$)/;

/** Serves the built widget at /widget/ and, when seeded, the demo site at /. */
export async function registerStaticFiles(app: FastifyInstance, options: StaticOptions): Promise<void> {
  await app.register(async (widget) => {
    // The loader (tipsy-chat.js, .mjs) keeps the fixed name pages embed, so caches keep it 5 minutes,
    // then revalidate. It names the chat module by version: that URL never changes content, so caches keep it.
    widget.addHook('onSend', async (request, reply) => {
      if (reply.statusCode === 200 && VERSIONED_CHAT.test(request.url)) {
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      }
    });
    await widget.register(fastifyStatic, {
      root: options.widgetDir,
      prefix: '/widget/',
      decorateReply: false,
      // Host pages load the widget cross-origin, the chat module too: a module script
      // from another origin must be allowed by CORS.
      setHeaders: (res) => res.setHeader('Access-Control-Allow-Origin', '*'),
      maxAge: 5 * 60 * 1000,
    });
  });

  const { demoSiteKey } = options;
  if (!demoSiteKey) return;
  const page = async (file: string) =>
    (await readFile(join(options.demoDir, file), 'utf8')).replace(SITE_KEY_PLACEHOLDER, demoSiteKey);
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(await page('index.html')));
  await app.register(fastifyStatic, { root: options.demoDir, prefix: '/demo/', decorateReply: false, index: false });
}
