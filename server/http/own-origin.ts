import type { IncomingHttpHeaders } from 'node:http';
import { normalizeOrigin } from '../auth/origins.js';
import { headerValue } from './studio-request.js';

/** The Origin that origin locks judge, from a request's headers: undefined for a page of the chat server's own. */
export type LockedOrigin = (headers: IncomingHttpHeaders) => string | undefined;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A page on the chat server's own origin is one of its own (the studio and its previews, the
 * demo), as a same-origin GET without an Origin already is: origin locks exist to keep other
 * sites' pages out. Its own origin is `publicOrigin` (TIPSY_PUBLIC_URL), or a loopback address the
 * request itself names as its Host. Never any Host a request names: a page of another site whose
 * name was pointed at this server's address (DNS rebinding) would name its own.
 */
export function lockedOriginRule(publicOrigin: string | undefined): LockedOrigin {
  return (headers) => {
    const origin = headerValue(headers.origin);
    if (origin === undefined) return undefined;
    const normalized = normalizeOrigin(origin);
    if (normalized !== null && (normalized === publicOrigin || isLoopbackHost(normalized, headerValue(headers.host)))) return undefined;
    return origin;
  };
}

/** Whether `origin` is a loopback `scheme://host:port` and the request's Host names the same. */
function isLoopbackHost(origin: string, host: string | undefined): boolean {
  const url = new URL(origin);
  return LOOPBACK.has(url.hostname) && host !== undefined && url.host === host.toLowerCase();
}
