/**
 * Backups an operator can trust: `tipsy backup` taken while a visitor keeps
 * sending restores to a working server (SQLite); `tipsy restore` refuses while
 * a server holds the database and rolls it back when stopped; on Postgres, the
 * pg_dump and pg_restore commands the CLI prints do the same.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { newId, nowIso } from '../../server/ids.js';
import type { Message } from '../../server/protocol/message.js';
import { collect, startHarness, type Harness } from './harness.js';
import { runTipsy } from './cli-runner.js';
import { sendUntilAcked } from './server-processes.js';
import { createTestDatabase, POSTGRES_ONLY, SQLITE_ONLY, type TestDatabase } from './test-database.js';

const SEND_EVERY_MS = 10;
/**
 * Older history, about 45 MB: enough pages that the copy takes many steps while the
 * visitor writes (a copy that restarted at each write the server commits would never end).
 */
const OLDER_MESSAGES = 30_000;
const OLDER_MESSAGE_TEXT = 'An older line of small talk at the bar. '.repeat(25);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const tipsy = (env: Record<string, string>, ...args: string[]): Promise<Run> => runTipsy(env, args);

function shell(line: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

/** A SQLite file as a database a harness can start on (it stays where it is). */
const sqliteFile = (dbFile: string): TestDatabase => ({ dbFile, env: { TIPSY_DB: dbFile }, drop: async () => undefined });

/** Another visitor's long conversation, stored in bulk before the test begins. */
async function storeOlderHistory(h: Harness): Promise<void> {
  const { conversationId } = await h.session();
  const createdAt = nowIso();
  const rows = Array.from({ length: OLDER_MESSAGES }, (_, i) => ({
    id: newId(),
    conversation_id: conversationId,
    seq: i + 1,
    sender_type: i % 2 ? ('character' as const) : ('user' as const),
    content: OLDER_MESSAGE_TEXT,
    client_message_id: null,
    status: 'complete' as const,
    chunks: 0,
    created_at: createdAt,
    updated_at: null,
  }));
  await h.app.db.transaction().execute(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) await tx.insertInto('messages').values(rows.slice(i, i + 1000)).execute();
    await tx.updateTable('conversations').set({ last_seq: OLDER_MESSAGES }).where('id', '=', conversationId).execute();
  });
}

/** A conversation's whole history through the real API, oldest first. */
async function wholeHistory(h: Harness, token: string, conversationId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let after: string | null = '0';
  while (after !== null) {
    const page = await h.api({ token }).conversation.history.query({ conversationId, after, limit: 100 });
    messages.push(...page.messages);
    after = page.nextCursor;
  }
  return messages;
}

function assertGapless(messages: Message[]): void {
  assert.deepEqual(
    messages.map((m) => m.seq),
    messages.map((_, i) => i + 1),
    'seq runs 1, 2, 3… with no gap',
  );
}

/** The next message the server stores takes the next seq. */
async function assertContinues(h: Harness, token: string, conversationId: string, lastSeq: number): Promise<void> {
  const socket = await h.socket(token);
  const ack = await socket.emitWithAck('send_message', { conversationId, content: 'And one more.', clientMessageId: 'after-restore' });
  assert.ok(ack.ok, 'the server accepts a new message');
  assert.equal(ack.message.seq, lastSeq + 1);
}

function integrityOf(file: string): string {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? '';
  } finally {
    db.close();
  }
}

/** Sends one message and waits for it and the character's reply to be stored. */
async function exchange(h: Harness, token: string, conversationId: string, clientMessageId: string): Promise<void> {
  const socket = await h.socket(token);
  const both = collect(socket, 'receive_message', 2);
  assert.ok((await socket.emitWithAck('send_message', { conversationId, content: clientMessageId, clientMessageId })).ok);
  await both;
  socket.disconnect();
}

/** A suite's folder, and the servers and databases it started: all closed, dropped and removed after it. */
function scratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const harnesses: Harness[] = [];
  const databases: TestDatabase[] = [];
  after(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    await Promise.all(databases.map((d) => d.drop()));
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, harnesses, databases };
}

describe('tipsy backup and restore (SQLite)', { skip: SQLITE_ONLY }, () => {
  const { dir, harnesses, databases } = scratch('tipsy-backup-');

  it('a backup taken while a visitor sends restores to a server with every message acked before it began', async (t) => {
    const h = await startHarness();
    harnesses.push(h);
    await storeOlderHistory(h);
    const { visitorToken, conversationId } = await h.session();
    const socket = await h.socket(visitorToken);
    const ackedAt = new Map<string, number>();
    let sending = true;
    const sender = (async () => {
      for (let n = 0; sending; n++) {
        const id = `m${n}`;
        await sendUntilAcked(socket, conversationId, id, 5000);
        ackedAt.set(id, performance.now());
        await sleep(SEND_EVERY_MS);
      }
    })();

    await sleep(500);
    const file = join(dir, 'live.db');
    const startedAt = performance.now();
    const backup = await tipsy(h.database.env, 'backup', file, '--json');
    const endedAt = performance.now();
    await sleep(100);
    sending = false;
    await sender;
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal(backup.stderr, '', 'nothing on stderr when it is not a terminal');
    const reported = JSON.parse(backup.stdout) as { path: string; bytes: number; messages: number };
    assert.equal(reported.path, file);

    const ackedBefore = [...ackedAt].filter(([, at]) => at < startedAt).map(([id]) => id);
    const ackedDuring = [...ackedAt.values()].filter((at) => at > startedAt && at < endedAt).length;
    assert.ok(ackedBefore.length >= 5, `messages acked before the backup: ${ackedBefore.length}`);
    assert.ok(ackedDuring > 0, 'the server kept storing messages while the backup ran');

    assert.equal(integrityOf(file), 'ok');
    const copy = new SQLite(file, { readonly: true });
    const stored = (copy.prepare('select count(*) as n from messages').get() as { n: number }).n;
    copy.close();
    assert.equal(reported.messages, stored, 'the count printed is the copy’s');
    t.diagnostic(`copy: ${reported.bytes} bytes, ${stored} messages; acked before the backup: ${ackedBefore.length}, while it ran: ${ackedDuring}`);

    const restored = await startHarness({ database: sqliteFile(file), site: h.site });
    harnesses.push(restored);
    const history = await wholeHistory(restored, visitorToken, conversationId);
    assertGapless(history);
    assert.equal(OLDER_MESSAGES + history.length, stored, 'the copy holds the older conversation and this one, no more');
    const inCopy = new Set(history.map((m) => m.client_message_id));
    assert.deepEqual(ackedBefore.filter((id) => !inCopy.has(id)), [], 'every message acked before the backup began is in it');
    await assertContinues(restored, visitorToken, conversationId, history.at(-1)!.seq);
  });

  it('refuses to replace an existing file without --force, and leaves it untouched', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const file = join(dir, 'taken.db');
    writeFileSync(file, 'an older backup');

    const refused = await tipsy(h.database.env, 'backup', file);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists; choose another name, or add --force/);
    assert.equal(readFileSync(file, 'utf8'), 'an older backup');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('taken.db') && f !== 'taken.db'), [], 'no temporary file is left');

    const forced = await tipsy(h.database.env, 'backup', file, '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(integrityOf(file), 'ok');
  });

  it('restore refuses while a server holds the database, then rolls it back to the backup once it is stopped', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const { visitorToken, conversationId } = await h.session();
    await exchange(h, visitorToken, conversationId, 'kept-1');
    await exchange(h, visitorToken, conversationId, 'kept-2');
    const file = join(dir, 'rollback.db');
    assert.equal((await tipsy(h.database.env, 'backup', file)).code, 0);
    await exchange(h, visitorToken, conversationId, 'after-backup');

    const refused = await tipsy(h.database.env, 'restore', file);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /open in another process .* stop it first\. \(UNAVAILABLE\)/);
    assert.equal((await wholeHistory(h, visitorToken, conversationId)).length, 6, 'the running server’s database is untouched');

    harnesses.splice(harnesses.indexOf(h), 1);
    await h.stop();
    databases.push(h.database);
    const restore = await tipsy(h.database.env, 'restore', file, '--json');
    assert.equal(restore.code, 0, restore.stderr);
    const { kept } = JSON.parse(restore.stdout) as { kept: string };
    assert.equal(integrityOf(kept), 'ok', 'the replaced database is kept, whole');

    const restarted = await startHarness({ database: h.database, site: h.site });
    harnesses.push(restarted);
    const history = await wholeHistory(restarted, visitorToken, conversationId);
    assertGapless(history);
    assert.deepEqual(
      history.filter((m) => m.sender_type === 'user').map((m) => m.client_message_id),
      ['kept-1', 'kept-2'],
    );
    await assertContinues(restarted, visitorToken, conversationId, 4);
  });
});

const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0 && spawnSync('pg_restore', ['--version']).status === 0;
const noPgTools = !hasPgDump && !process.env.CI ? 'no pg_dump or pg_restore on PATH (apt-get install postgresql-client)' : false;

describe('pg_dump and pg_restore, as tipsy prints them (Postgres)', { skip: POSTGRES_ONLY || noPgTools }, () => {
  const { dir, harnesses, databases } = scratch('tipsy-pg-backup-');

  /** The command `tipsy` prints instead of copying a Postgres database itself. */
  async function printedCommand(env: Record<string, string>, verb: 'backup' | 'restore', file: string): Promise<string> {
    const run = await tipsy(env, verb, file);
    assert.equal(run.code, 1, 'the CLI leaves the job to Postgres’s tool');
    const line = run.stderr.split('\n').find((l) => /^\s+pg_(dump|restore) /.test(l));
    assert.ok(line, run.stderr);
    return line.trim();
  }

  it('a dump of a running server’s database restores to a server with the same history, whose seq goes on', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const { visitorToken, conversationId } = await h.session();
    for (const id of ['one', 'two', 'three']) await exchange(h, visitorToken, conversationId, id);
    const before = await wholeHistory(h, visitorToken, conversationId);

    const file = join(dir, 'tipsy.dump');
    const dump = await printedCommand(h.database.env, 'backup', file);
    assert.match(dump, /^pg_dump -Fc -f /);
    const dumped = await shell(dump);
    assert.equal(dumped.code, 0, dumped.stderr);

    const fresh = await createTestDatabase();
    databases.push(fresh);
    const restore = await printedCommand(fresh.env, 'restore', file);
    const restored = await shell(restore);
    assert.equal(restored.code, 0, restored.stderr);

    const second = await startHarness({ database: fresh, site: h.site });
    harnesses.push(second);
    const history = await wholeHistory(second, visitorToken, conversationId);
    assertGapless(history);
    assert.deepEqual(history, before);
    await assertContinues(second, visitorToken, conversationId, before.length);
  });
});
