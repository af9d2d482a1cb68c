/**
 * The raw better-sqlite3 insert baseline: the same message rows the seed
 * writes, with the server's schema and pragmas, for a bounded time, in big
 * transactions and one transaction per row, each into a fresh database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatWriter, createSiteAndCharacter, openRaw, type ChatShape } from './chat-rows.js';

export interface InsertRate {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

async function sample(shape: ChatShape, seconds: number, rowsPerTransaction: number): Promise<InsertRate> {
  const dir = mkdtempSync(join(tmpdir(), 'tipsy-inserts-'));
  try {
    const file = join(dir, 'inserts.db');
    const sqlite = openRaw(file);
    const writer = new ChatWriter(sqlite, await createSiteAndCharacter(file), shape);
    const started = performance.now();
    const until = started + seconds * 1000;
    while (performance.now() < until && writer.batch(rowsPerTransaction) > 0);
    const elapsed = (performance.now() - started) / 1000;
    writer.closeOpenChats();
    sqlite.close();
    return { rows: writer.written, seconds: elapsed, rowsPerSecond: writer.written / elapsed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Inserts for `seconds` in transactions of `batchRows`, then for `seconds` one transaction per row. */
export async function measureRawInserts(shape: ChatShape, seconds: number, batchRows: number): Promise<{ batched: InsertRate; perRow: InsertRate }> {
  return { batched: await sample(shape, seconds, batchRows), perRow: await sample(shape, seconds, 1) };
}
