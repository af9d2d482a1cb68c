import type { IncomingHttpHeaders } from 'node:http';
import { normalizeOrigin } from '../auth/origins.js';
import { headerValue } from './studio-request.js';

/**
 * The Origin that origin locks judge: the request's, or undefined when it names the chat
 * server itself. A page on this server's own origin is one of its own (the studio and its
 * previews, the demo), as a same-origin GET without an Origin already is; locks exist to keep
 * other sites' pages out. A browser writes both Origin and Host, and no page of another site
 * can make them agree; a client outside a browser can leave Origin out anyway.
 */
export function lockedOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headerValue(headers.origin);
  return origin !== undefined && namesHost(origin, headerValue(headers.host)) ? undefined : origin;
}

/** Whether `origin` is `scheme://host` for this Host header (default ports compared as the URL parser writes them). */
function namesHost(origin: string, host: string | undefined): boolean {
  const normalized = normalizeOrigin(origin);
  if (!normalized || !host) return false;
  const scheme = normalized.slice(0, normalized.indexOf('://'));
  return normalized === normalizeOrigin(`${scheme}://${host}`);
}
