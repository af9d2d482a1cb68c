import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const MODULE = 'tipsy-studio.mjs';

/** The studio's page: its own script only, never framed, no referrer, nothing cached that a sign-out should end. */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>Tipsy Chat studio</title>
    <script type="module" src="/studio/${MODULE}"></script>
    <style>body { margin: 0; }</style>
  </head>
  <body>
    <tipsy-studio></tipsy-studio>
  </body>
</html>
`;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** Serves the studio at /studio (built by `npm run build` into dist-studio/). */
export function registerStudioPage(app: FastifyInstance, studioDir: string): void {
  const page = async (_request: unknown, reply: FastifyReply) => reply.headers(PAGE_HEADERS).send(PAGE);
  app.get('/studio', page);
  app.get('/studio/', page);
  app.get(`/studio/${MODULE}`, async (_request, reply) => {
    const code = await readFile(join(studioDir, MODULE)).catch(() => undefined);
    if (!code) return reply.code(404).type('text/plain').send('The studio is not built: run `npm run build`.');
    return reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(code);
  });
}
