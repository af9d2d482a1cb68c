/** The studio's session cookie: HttpOnly, so no page script (the studio's own included) can read it. */
export const STUDIO_COOKIE = 'tipsy_studio';
/** The header the studio's page adds to every call: a page on another site cannot add it without a CORS preflight, which it never gets. */
export const STUDIO_HEADER = 'x-tipsy-studio';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  protocol: string;
  host: string;
}

/** A header's value; the first, when a client sent it more than once. */
export const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * Whether a request comes from the studio's page on the chat server's own origin: it carries the
 * studio's header, and its Origin (when the browser sends one) and Sec-Fetch-Site say the same origin.
 * With the cookie's SameSite=Strict, that is two locks against cross-site requests.
 */
export function isStudioRequest({ headers, protocol, host }: RequestLike): boolean {
  if (headerValue(headers[STUDIO_HEADER]) !== '1') return false;
  const origin = headerValue(headers.origin);
  if (origin !== undefined && origin !== `${protocol}://${host}`) return false;
  const site = headerValue(headers['sec-fetch-site']);
  return site === undefined || site === 'same-origin';
}

/** Over HTTPS the cookie takes the `__Host-` prefix: no sibling subdomain can set one of that name. */
const SECURE_COOKIE = `__Host-${STUDIO_COOKIE}`;

/** The studio's page calling, and its session's token: read only by admin procedures, never on a visitor's request. */
export function studioCaller(request: RequestLike): { page: boolean; token: string | undefined } {
  return { page: isStudioRequest(request), token: studioToken(headerValue(request.headers.cookie)) };
}

/**
 * The session token in a Cookie header, if any. Two of them (one planted by another subdomain
 * beside the real one) name no session: the browser's order cannot say which is the studio's.
 */
function studioToken(cookieHeader: string | undefined): string | undefined {
  const found: string[] = [];
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === STUDIO_COOKIE || name === SECURE_COOKIE) found.push(value.join('='));
  }
  return found.length === 1 ? found[0] || undefined : undefined;
}

/** The Set-Cookie value for a new session: a browser-session cookie (the server ends idle sessions itself). */
export function studioCookie(token: string, secure: boolean): string {
  return secure ? `${SECURE_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Secure` : `${STUDIO_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The Set-Cookie value that ends the session in the browser. */
export const clearedStudioCookie = (secure: boolean): string =>
  `${secure ? SECURE_COOKIE : STUDIO_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
