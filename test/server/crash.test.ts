/**
 * The server as its own process, killed for real: with -9 in the middle of a
 * steady flow of messages, and with SIGTERM in the middle of a reply.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { startServerProcess, type ServerProcess } from '../../bench/lib/server-process.js';
import { openSqlite } from '../../server/db/database.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import { ROOMY_LIMITS } from './harness.js';
import { freePort, prepareDatabase, sendUntilAcked } from './server-processes.js';
import { SQLITE_ONLY } from './test-database.js';

const CLIENTS = 50;
const MESSAGES_EACH = 30;
const SEND_EVERY_MS = 60;

async function startSession(url: string, siteKey: string) {
  const res = await fetch(`${url}/trpc/session.start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey }),
  });
  return ((await res.json()) as { result: { data: { visitorToken: string; conversationId: string } } }).result.data;
}


describe('crashes and restarts', { skip: SQLITE_ONLY }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tipsy-crash-'));
  const servers: ServerProcess[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it(`kill -9 mid-run: every acked message of ${CLIENTS} clients is stored exactly once, in order; no half-written reply`, async () => {
    const dbFile = join(dir, 'crash.db');
    const siteKey = await prepareDatabase({ dbFile }, 'Crash test');
    const port = await freePort();
    const env = {
      PORT: String(port),
      TIPSY_LIMITS: JSON.stringify({ ...ROOMY_LIMITS, repliesInFlight: 100 }),
      TIPSY_SIM_DELAY_MS: '15',
      TIPSY_STREAM_STALE_MS: '1000',
    };
    const first = await startServerProcess(env, { dbFile });
    servers.push(first);

    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const session = await startSession(first.url, siteKey);
        const socket: ChatSocket = io(first.url, {
          auth: { token: session.visitorToken },
          transports: ['websocket'],
          reconnectionDelay: 100,
          reconnectionDelayMax: 300,
        });
        return { c, socket, ...session, sent: [] as string[], retried: 0 };
      }),
    );
    const run = Promise.all(
      clients.map(async (client) => {
        for (let n = 0; n < MESSAGES_EACH; n++) {
          const id = `c${client.c}-m${n}`;
          client.sent.push(id);
          client.retried += (await sendUntilAcked(client.socket, client.conversationId, id, 1500)) - 1;
          await sleep(SEND_EVERY_MS);
        }
      }),
    );

    await sleep(900);
    assert.equal(await first.signal('SIGKILL'), 'SIGKILL');
    await sleep(300);
    const second = await startServerProcess(env, { dbFile });
    servers.push(second);
    await run;
    // Let the last replies finish (and the sweeper mark the dead process's ones).
    for (let waited = 0; waited < 10_000; waited += 250) {
      const db = openSqlite(dbFile);
      const left = await db.selectFrom('messages').select('id').where('status', '=', 'streaming').execute();
      await db.destroy();
      if (!left.length) break;
      await sleep(250);
    }

    let stored = 0;
    let duplicates = 0;
    let lost = 0;
    let outOfOrder = 0;
    for (const client of clients) {
      const res = await fetch(
        `${second.url}/trpc/conversation.history?input=${encodeURIComponent(JSON.stringify({ conversationId: client.conversationId, limit: 100 }))}`,
        { headers: { authorization: `Bearer ${client.visitorToken}` } },
      );
      const { messages } = ((await res.json()) as { result: { data: { messages: { client_message_id?: string; sender_type: string }[] } } })
        .result.data;
      const mine = messages.filter((m) => m.sender_type === 'user').map((m) => m.client_message_id!);
      stored += mine.length;
      duplicates += mine.length - new Set(mine).size;
      lost += client.sent.filter((id) => !mine.includes(id)).length;
      if (mine.join() !== client.sent.join()) outOfOrder++;
      client.socket.disconnect();
    }
    const db = openSqlite(dbFile);
    const streaming = await db.selectFrom('messages').select('id').where('status', '=', 'streaming').execute();
    const interrupted = await db.selectFrom('messages').select('id').where('status', '=', 'interrupted').execute();
    await db.destroy();
    const sent = CLIENTS * MESSAGES_EACH;
    const retried = clients.reduce((sum, c) => sum + c.retried, 0);
    console.log(
      `crash test: ${CLIENTS} clients, kill -9 after 0.9 s; sent ${sent}, acked ${sent} (${retried} retries), stored ${stored}, duplicates ${duplicates}, lost ${lost}, clients out of order ${outOfOrder}; replies cut by the crash kept as interrupted: ${interrupted.length}, left streaming: ${streaming.length}`,
    );
    assert.equal(stored, sent);
    assert.equal(duplicates, 0);
    assert.equal(lost, 0);
    assert.equal(outOfOrder, 0);
    assert.equal(streaming.length, 0, 'no reply is left half-written');
  });

  it('SIGTERM mid-reply: new sends are refused, the reply is kept as interrupted, sockets are told to reconnect, exit is prompt', async () => {
    const dbFile = join(dir, 'term.db');
    const siteKey = await prepareDatabase({ dbFile }, 'Crash test');
    const server = await startServerProcess(
      { TIPSY_LIMITS: JSON.stringify(ROOMY_LIMITS), TIPSY_SIM_DELAY_MS: '400', TIPSY_SHUTDOWN_GRACE_MS: '1000' },
      { dbFile },
    );
    servers.push(server);
    const session = await startSession(server.url, siteKey);
    const socket: ChatSocket = io(server.url, { auth: { token: session.visitorToken }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const firstChunk = new Promise<void>((resolve) => socket.once('message_stream', () => resolve()));
    await socket.emitWithAck('send_message', { conversationId: session.conversationId, content: 'a long story, please' });
    await firstChunk;

    const told = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const started = Date.now();
    const exit = server.signal('SIGTERM');
    await sleep(100);
    const during = await socket.timeout(2000).emitWithAck('send_message', { conversationId: session.conversationId, content: 'still there?' });
    assert.equal(!during.ok && during.error.code, 'UNAVAILABLE');
    assert.equal(await told, 'io server disconnect');
    assert.equal(await exit, 0);
    const took = Date.now() - started;
    console.log(`SIGTERM test: the process exited ${took} ms after the signal (replies' grace: 1000 ms)`);
    assert.ok(took < 4000, `exited in ${took} ms`);

    const db = openSqlite(dbFile);
    const rows = await db.selectFrom('messages').select(['sender_type', 'status', 'content']).orderBy('seq').execute();
    await db.destroy();
    assert.deepEqual(rows.map((r) => [r.sender_type, r.status]), [['user', 'complete'], ['character', 'interrupted']]);
    assert.ok(rows[1]!.content.length > 0, 'what was said is kept');
  });
});
