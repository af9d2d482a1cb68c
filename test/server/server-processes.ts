/** What the tests that run the server as its own processes share: a port, a prepared database, an outbox-like send. */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSite } from '../../server/auth/sites.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { openDatabase } from '../../server/db/open.js';
import type { SendAck } from '../../server/protocol/events.js';
import type { ChatSocket } from '../../widget/transport/socket.js';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** A database (a SQLite file, or Postgres) with one site and its bartender; resolves to the site's publishable key. */
export async function prepareDatabase(database: { dbFile: string; databaseUrl?: string }, siteName: string): Promise<string> {
  const { db } = await openDatabase(database);
  const site = await createSite(db, { name: siteName, origins: [] });
  await upsertCharacter(db, site.siteId, { slug: 'barkeep', name: 'Barkeep', persona: 'A bartender at a cocktail bar.' });
  await db.destroy();
  return site.publishableKey;
}

/** Like the widget's outbox: one message at a time, retried (same clientMessageId) until acked; resolves to the attempts it took. */
export async function sendUntilAcked(socket: ChatSocket, conversationId: string, clientMessageId: string, ackTimeoutMs: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const ack = (await socket
      .timeout(ackTimeoutMs)
      .emitWithAck('send_message', { conversationId, content: clientMessageId, clientMessageId })
      .catch(() => null)) as SendAck | null;
    if (ack?.ok) return attempt;
    await sleep(100);
  }
}
