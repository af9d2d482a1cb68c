import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { CHAT_FILE, chatModuleVersion, LOCALE_FILE, localesVersion } from './chat-module.js';

export interface StaticOptions {
  widgetDir: string;
  demoDir: string;
  /** The demo pages embed this key, as a customer pastes theirs. */
  demoSiteKey?: string;
}

const SITE_KEY_PLACEHOLDER = /%TIPSY_SITE_KEY%/g;

/**
 * A module asked for by version, as the loader does: the chat (`tipsy-chat-panel.mjs?v=<content hash>`)
 * or a language's strings (`tipsy-chat-locale-es.mjs?v=<hash of them all>`).
 */
const VERSIONED_MODULE = /^\/widget\/([\w.-]+)\?v=([0-9a-f]+)(?:&|$)/;

type Contents = [name: string, code: Buffer][];

/**
 * The version of files on disk: their content hash, as the build names them
 * (vite.config.ts). Hashed again only when a file changes, as it may under a
 * running server when a deploy replaces dist/.
 */
function versionOnDisk(dir: string, names: () => Promise<string[]>, hash: (contents: Contents) => string): () => Promise<string | undefined> {
  let known: { stamp: string; version: string } | undefined;
  return async () => {
    try {
      const files = await names();
      const stats = await Promise.all(files.map((name) => stat(join(dir, name))));
      const stamp = files.map((name, i) => `${name}:${stats[i]!.mtimeMs}:${stats[i]!.size}`).join();
      if (known?.stamp !== stamp) {
        const contents = await Promise.all(files.map(async (name): Promise<Contents[number]> => [name, await readFile(join(dir, name))]));
        known = { stamp, version: hash(contents) };
      }
      return known.version;
    } catch {
      return undefined;
    }
  };
}

/** Serves the built widget at /widget/ and, when seeded, the demo site at /. */
export async function registerStaticFiles(app: FastifyInstance, options: StaticOptions): Promise<void> {
  const dir = options.widgetDir;
  const chatVersion = versionOnDisk(dir, async () => [CHAT_FILE], ([chat]) => chatModuleVersion(chat![1]));
  const localeFiles = async () => (await readdir(dir)).filter((name) => LOCALE_FILE.test(name));
  const localeVersion = versionOnDisk(dir, localeFiles, localesVersion);
  const currentVersion = (file: string) => (file === CHAT_FILE ? chatVersion() : LOCALE_FILE.test(file) ? localeVersion() : undefined);
  await app.register(async (widget) => {
    // The loader (tipsy-chat.js, .mjs) keeps the fixed name pages embed, so caches keep it 5 minutes,
    // then revalidate. It names the chat module and the language files by version: such a URL never
    // changes content, so caches keep it, but only if the file served is that version. During a rolling
    // deploy a server still on another version is asked for it too: what it serves then must not be kept.
    widget.addHook('onSend', async (request, reply) => {
      const [, file, version] = VERSIONED_MODULE.exec(request.url) ?? [];
      if (!file || !version || (reply.statusCode !== 200 && reply.statusCode !== 304)) return;
      const current = currentVersion(file);
      if (!current) return; // not a versioned module
      const served = version === (await current);
      reply.header('cache-control', served ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
    await widget.register(fastifyStatic, {
      root: options.widgetDir,
      prefix: '/widget/',
      decorateReply: false,
      // Host pages load the widget cross-origin, the chat module and the language files too: a
      // module script from another origin must be allowed by CORS.
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
