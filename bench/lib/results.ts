import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Writes a benchmark's figures to bench/results/NAME.json (git-ignored), with the machine they ran on. */
export function saveResults(name: string, figures: unknown): string {
  const dir = new URL('../results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${name}.json`;
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, platform: process.platform };
  writeFileSync(file, `${JSON.stringify({ name, at: new Date().toISOString(), machine, figures }, null, 2)}\n`);
  return file;
}
