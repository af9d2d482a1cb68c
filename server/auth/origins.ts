/**
 * Origins are compared as normalised `scheme://host[:port]` strings, default
 * ports dropped. A site may list exact origins or `scheme://*.domain` wildcards
 * (which match subdomains only, never the bare domain).
 */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin;
}

/** Accepts an exact origin or a `scheme://*.domain[:port]` wildcard; returns its stored form. */
export function normalizeAllowedOrigin(value: string): string | null {
  const wildcard = /^(https?):\/\/\*\.(.+)$/i.exec(value.trim());
  if (!wildcard) return normalizeOrigin(value.trim());
  const inner = normalizeOrigin(`${wildcard[1]}://${wildcard[2]}`);
  return inner ? inner.replace('://', '://*.') : null;
}

export function originMatches(origin: string, allowed: string): boolean {
  if (origin === allowed) return true;
  const star = allowed.indexOf('://*.');
  if (star < 0) return false;
  const scheme = allowed.slice(0, star + 3);
  const suffix = allowed.slice(star + 4); // ".domain[:port]"
  return origin.startsWith(scheme) && origin.endsWith(suffix) && origin.length > scheme.length + suffix.length;
}

/**
 * A browser always sends `Origin` on cross-origin requests; its absence means a
 * same-origin page or a non-browser client, which origin locks cannot govern.
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  return normalized !== null && allowed.some((a) => originMatches(normalized, a));
}

/** The wildcard entries that would match this normalised origin: `https://a.b.c` → `https://*.b.c`, `https://*.c`. */
export function wildcardCandidates(origin: string): string[] {
  const url = new URL(origin);
  const labels = url.hostname.split('.');
  const port = url.port ? `:${url.port}` : '';
  return labels.slice(1).map((_, i) => `${url.protocol}//*.${labels.slice(i + 1).join('.')}${port}`);
}
