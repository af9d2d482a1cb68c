import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../server/protocol/api.js';

/** Every call the studio makes says so: the server takes its session cookie only with this header, from this origin. */
const STUDIO_HEADERS = { 'x-tipsy-studio': '1' };

/** The admin API, called as the signed-in site owner (the HttpOnly cookie goes along by itself). */
export const api = createTRPCClient<AppRouter>({
  links: [httpLink({ url: '/trpc', headers: STUDIO_HEADERS, fetch: (url, init) => fetch(url, { ...init, credentials: 'same-origin' }) })],
});

/** The server's words for a failed call, or ours when it said none. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : 'That did not work. Please try again.');

export type Credential = { link: string } | { secretKey: string };

/** Signs in; resolves with the server's words when it refuses. */
export async function signIn(credential: Credential): Promise<{ ok: true } | { ok: false; message: string }> {
  const response = await post('/studio/api/sign-in', credential);
  if (response.ok) return { ok: true };
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return { ok: false, message: body?.error?.message ?? 'Signing in failed. Please try again.' };
}

export async function signOut(): Promise<void> {
  await post('/studio/api/sign-out', {});
}

function post(path: string, body: object): Promise<Response> {
  return fetch(path, { method: 'POST', credentials: 'same-origin', headers: { ...STUDIO_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
