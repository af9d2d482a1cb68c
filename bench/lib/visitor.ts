/** A load generator's visitor: a real session on our server, or a made-up one on the bare baseline (siteKey `-`). */
export async function startVisitor(url: string, siteKey: string, i: number): Promise<{ token: string; conversationId: string }> {
  if (siteKey === '-') return { token: 'none', conversationId: `c${i}` };
  const res = await fetch(`${url}/trpc/session.start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey }),
  });
  const data = ((await res.json()) as { result: { data: { visitorToken: string; conversationId: string } } }).result.data;
  return { token: data.visitorToken, conversationId: data.conversationId };
}
