/**
 * Reads a V8 .cpuprofile and sums self time per function, and per package:
 * time spent in Node's internals or native code (web streams, WebCrypto,
 * SQLite, socket writes) counts for the package that called into it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printTable } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Where a frame's code lives: a package under node_modules or our own folder; undefined for Node's internals and native code. */
function packageOf(url: string): string | undefined {
  if (!url || url.startsWith('node:')) return undefined;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('/bench/')) return 'the profiler itself (bench probe)';
  const own = /\/server\/([^/]+)/.exec(url);
  return own ? `server/${own[1]}` : url;
}

/** The functions (and packages) with the most self time, largest first. */
export function topSelfTime(file: string, count = 15): { total: number; functions: SelfTime[]; packages: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** The nearest frame, from the sample up, whose code belongs to a package; SQLite's own work apart from its callers. */
  const owner = (id: number): string => {
    const leaf = byId.get(id)!.callFrame;
    const caller = parentOf.has(id) ? byId.get(parentOf.get(id)!)!.callFrame.url : '';
    if (!leaf.url && /kysely|better-sqlite3|server\/db\//.test(caller)) return 'SQLite (better-sqlite3 calls)';
    // The driver only hands the query to better-sqlite3: V8 books part of that native call to this frame.
    if (leaf.url.endsWith('dialect/sqlite/sqlite-driver.js')) return 'SQLite (better-sqlite3 calls)';
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const found = packageOf(byId.get(at)!.callFrame.url);
      if (found) return found;
    }
    return leaf.url.startsWith('node:') ? 'node (no package on the stack)' : `(${leaf.functionName || 'native'})`;
  };
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') return; // waiting for work is not work
    total += ms;
    const where = url ? `${url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + ms);
    const p = owner(id);
    pkg.set(p, (pkg.get(p) ?? 0) + ms);
  });
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => ({ name, ms, share: ms / total }));
  return { total, functions: top(fn), packages: top(pkg) };
}

/** The profile `--cpu-prof` wrote in `dir` for process `pid`'s main thread (CPU.<date>.<time>.<pid>.<thread>.<seq>). */
export function profileOf(dir: string, pid: number | undefined): string | undefined {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.0.`));
  return file && join(dir, file);
}

/** Prints the packages (and, with `functions`, the functions) with the most self time. */
export function printSelfTime(top: { packages: SelfTime[]; functions: SelfTime[] }, options: { functions?: boolean } = {}): void {
  const share = (p: SelfTime) => `${(p.share * 100).toFixed(1)}%`;
  printTable(top.packages.slice(0, 10).map((p) => ({ where: p.name, ms: Math.round(p.ms), share: share(p) })));
  if (!options.functions) return;
  console.log('');
  printTable(top.functions.map((p) => ({ function: p.name, ms: Math.round(p.ms), share: share(p) })));
}
