import type { OutboxItem, OutboxStore } from './controllers/outbox.js';

/** The visitor token is kept per server and site, so a reload continues the conversation. */
const keyFor = (server: string, siteKey: string) => `tipsy-chat:v1:${server}:${siteKey}:visitor`;

/** Where storage is blocked or full (privacy mode, sandboxed iframe): the token lasts the page, shared by its chats. */
const pageTokens = new Map<string, string>();

export function loadVisitorToken(server: string, siteKey: string): string | undefined {
  const key = keyFor(server, siteKey);
  try {
    return localStorage.getItem(key) ?? pageTokens.get(key);
  } catch {
    return pageTokens.get(key);
  }
}

export function saveVisitorToken(server: string, siteKey: string, token: string): void {
  const key = keyFor(server, siteKey);
  try {
    localStorage.setItem(key, token);
  } catch {
    pageTokens.set(key, token);
  }
}

/**
 * Unsent messages, per server, site and chat (character and user): they survive a reload,
 * show before the session is back, and go out when the connection returns.
 */
export function outboxStore(server: string, siteKey: string, chat: string): OutboxStore {
  const key = `tipsy-chat:v1:${server}:${siteKey}:outbox:${chat}`;
  let memory: OutboxItem[] = []; // where storage is blocked, the outbox lasts as long as the page
  return {
    load() {
      try {
        const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
        return Array.isArray(parsed) ? (parsed as OutboxItem[]) : [];
      } catch {
        return memory;
      }
    },
    save(items) {
      memory = items;
      try {
        if (items.length) localStorage.setItem(key, JSON.stringify(items));
        else localStorage.removeItem(key);
      } catch {
        /* blocked: see pageTokens */
      }
    },
  };
}
