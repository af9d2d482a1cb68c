/** The visitor token is kept per server and site, so a reload continues the conversation. */
const keyFor = (server: string, siteKey: string) => `tipsy-chat:v1:${server}:${siteKey}:visitor`;

export function loadVisitorToken(server: string, siteKey: string): string | undefined {
  try {
    return localStorage.getItem(keyFor(server, siteKey)) ?? undefined;
  } catch {
    return undefined; // storage blocked (privacy mode, sandboxed iframe): the session lasts the page
  }
}

export function saveVisitorToken(server: string, siteKey: string, token: string): void {
  try {
    localStorage.setItem(keyFor(server, siteKey), token);
  } catch {
    /* see loadVisitorToken */
  }
}
