import type { FastifyInstance } from 'fastify';

/** An avatar's bytes and type, as the domain stores them (characters/avatars.ts readAvatar). */
export type ReadAvatar = (siteId: string, file: string) => Promise<{ bytes: Buffer; contentType: string } | undefined>;

const SITE_ID = /^[0-9A-Za-z_-]{1,64}$/;
/** `<sha256 hex>.<ext>`: the name is the content's digest, so what it names never changes. */
const FILE = /^[0-9a-f]{64}\.(png|jpg|webp|gif)$/;

/**
 * Serves the avatars taken from character cards at `/avatars/<siteId>/<sha256>.<ext>`.
 * Their names are their digests: caches keep them for a year. Only raster images
 * were stored (told by their bytes); nosniff and a CSP that runs nothing keep a
 * browser from treating one as anything else. Host pages show them from any origin.
 */
export function registerAvatars(app: FastifyInstance, readAvatar: ReadAvatar): void {
  app.get<{ Params: { siteId: string; file: string } }>('/avatars/:siteId/:file', async (request, reply) => {
    const { siteId, file } = request.params;
    const avatar = SITE_ID.test(siteId) && FILE.test(file) ? await readAvatar(siteId, file) : undefined;
    if (!avatar) return reply.callNotFound();
    return reply
      .header('content-type', avatar.contentType)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(avatar.bytes);
  });
}
