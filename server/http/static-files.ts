import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CHAT_FILE, chatModuleVersion } from './chat-module.js';

export interface StaticOptions {
  widgetDir: string;
  demoDir: string;
  /** The demo pages embed this key, as a customer pastes theirs. */
  demoSiteKey?: string;
}

const SITE_KEY_PLACEHOLDER = /%TIPSY_SITE_KEY%/g;

/** The chat module asked for by version (`tipsy-chat-panel.mjs?v=<content hash>`, as the loader does). */
const VERSIONED_CHAT = new RegExp(`^/widget/${CHAT_FILE.replaceAll('.', '\\.')}\\?v=([0-9a-f]+)(?:&|$)`);

/**
 * The version of the chat module on disk: its content hash, as the build names it
 * (vite.config.ts). Hashed again only when the file changes, as it may under a
 * running server when a deploy replaces dist/.
 */
function chatVersion(file: string): () => Promise<string | undefined> {
  let known: { stamp: string; version: string } | undefined;
  return async () => {
    try {
      const { mtimeMs, size } = await stat(file);
      const stamp = `${mtimeMs}:${size}`;
      if (known?.stamp !== stamp) {
        known = { stamp, version: chatModuleVersion(await readFile(file)) };
      }
      return known.version;
    } catch {
      return undefined;
    }
  };
}

/** Serves the built widget at /widget/ and, when seeded, the demo site at /. */
export async function registerStaticFiles(app: FastifyInstance, options: StaticOptions): Promise<void> {
  const currentChatVersion = chatVersion(join(options.widgetDir, CHAT_FILE));
  await app.register(async (widget) => {
    // The loader (tipsy-chat.js, .mjs) keeps the fixed name pages embed, so caches keep it 5 minutes,
    // then revalidate. It names the chat module by version: that URL never changes content, so caches
    // keep it, but only if the file served is that version. During a rolling deploy a server still on
    // another version is asked for it too: what it serves then must not be kept.
    widget.addHook('onSend', async (request, reply) => {
      const version = VERSIONED_CHAT.exec(request.url)?.[1];
      if (!version || (reply.statusCode !== 200 && reply.statusCode !== 304)) return;
      const served = version === (await currentChatVersion());
      reply.header('cache-control', served ? 'public, max-age=31536000, immutable' : 'no-cache');
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
