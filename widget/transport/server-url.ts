/**
 * Where the widget's server is when the page does not say: the origin the
 * chat's module was loaded from. It is always an ES module (fetched next to
 * tipsy-chat.js or tipsy-chat.mjs), so its own URL says where it came from.
 */
export const DEFAULT_SERVER = new URL(import.meta.url).origin;

/** Resolves a server-relative URL (an avatar, say), keeping only http(s). */
export function resolveHttpUrl(value: string | undefined, server: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, server);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
