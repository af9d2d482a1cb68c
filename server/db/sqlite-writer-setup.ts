/**
 * What the SQLite writer thread (sqlite-writer-worker.mjs) is told to run,
 * taken from the main thread's own sources: the worker is plain JavaScript
 * and cannot import them, so it receives them as data. The pragmas are those
 * applyPragmas runs; the statements are message-rows.ts's queries, compiled
 * by Kysely from the typed schema to the same SQL text.
 */
import type SQLite from 'better-sqlite3';
import type { Compilable } from 'kysely';
import { applyPragmas, type Db } from './database.js';
import { storeMessageQueries } from './message-rows.js';
import type { MessageRow } from './tables.js';

/** A statement compiled once; the worker binds parameter `i` to `values[slots[i]]`, or to `parameters[i]` where the slot is null (a constant). */
export interface WriterStatement {
  sql: string;
  parameters: readonly unknown[];
  slots: readonly (string | null)[];
}

/** The statements storing a visitor's message runs (message-rows.ts: storeMessageRow), by the role each plays there. */
export interface WriterStatements {
  findRetry: WriterStatement;
  takeNextSeq: WriterStatement;
  insertUnlessRetried: WriterStatement;
  giveBackSeq: WriterStatement;
}

export interface WriterSetup {
  file: string;
  pragmas: string[];
  statements: WriterStatements;
}

/** The pragmas applyPragmas runs on a connection, as it says them, so the writer's connection runs the same ones. */
function pragmasOfServerConnection(): string[] {
  const said: string[] = [];
  applyPragmas({ readonly: false, pragma: (source: string) => void said.push(source) } as unknown as SQLite.Database);
  return said;
}

const STAND_IN = '\u0000slot:';
/** Values that compile to parameters naming themselves, as prepared-query.ts does. */
const standIns = <T>() => new Proxy({}, { get: (_, name) => `${STAND_IN}${String(name)}` }) as T;

function compiled(query: Compilable<unknown>): WriterStatement {
  const { sql, parameters } = query.compile();
  const slots = parameters.map((p) => (typeof p === 'string' && p.startsWith(STAND_IN) ? p.slice(STAND_IN.length) : null));
  return { sql, parameters: parameters.map((p, i) => (slots[i] === null ? p : null)), slots };
}

/** message-rows.ts's queries, compiled from the same builders (the SQLite writer test checks the SQL matches what storeMessageRow runs). */
function messageStatements(db: Db): WriterStatements {
  const conversation = standIns<{ conversationId: string; clientMessageId: string; at: string }>();
  const row = standIns<MessageRow>();
  return {
    findRetry: compiled(storeMessageQueries.findRetry(db, conversation)),
    takeNextSeq: compiled(storeMessageQueries.takeNextSeq(db, conversation)),
    insertUnlessRetried: compiled(storeMessageQueries.insertUnlessRetried(db, row)),
    giveBackSeq: compiled(storeMessageQueries.giveBackSeq(db, conversation)),
  };
}

export function writerSetup(db: Db, file: string): WriterSetup {
  // The checkpoint worker (checkpoints.ts) checkpoints this file and turns the main connection's automatic
  // checkpoints off; so does the writer, whose commits would otherwise copy the WAL on its thread. Should the
  // checkpoint worker stop, only the main connection's own commits (replies, sessions) checkpoint again.
  return { file, pragmas: [...pragmasOfServerConnection(), 'wal_autocheckpoint = 0'], statements: messageStatements(db) };
}
