/**
 * Where the widget's server is when the page does not say: the origin the
 * script was loaded from. Read at load time, while `document.currentScript`
 * still points at a classic script.
 */
function scriptOrigin(): string | undefined {
  const script = document.currentScript;
  if (script instanceof HTMLScriptElement && script.src) return new URL(script.src).origin;
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return undefined;
  }
}

export const DEFAULT_SERVER = scriptOrigin() ?? location.origin;

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
