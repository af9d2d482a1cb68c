/**
 * The layers (docs/architecture.md, "Rules the layout keeps") are checked, not
 * described: dependency-cruiser runs the rules in .dependency-cruiser.mjs over
 * server/ and widget/ (the check `npm run lint:layers` prints), and on a copy of
 * the tree with one bad import planted for every rule it must name each one.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = new URL('../../', import.meta.url).pathname;
const TSCONFIG = join(ROOT, 'tsconfig.json');
const CONFIG = join(ROOT, '.dependency-cruiser.mjs');

/** A bad import planted in a copy of the tree, and the rule that must name it. */
interface Plant {
  rule: string;
  file: string;
  /** Appended to a copy of the real file, or the whole of a new one, or one text replaced by another. */
  edit: { append: string } | { create: string } | { replace: [string, string] };
  /** The module the violation points to, as dependency-cruiser names it. */
  to: string;
}

const append = (source: string) => ({ append: source });

const PLANTS: Plant[] = [
  { rule: 'kernel-imports-only-kernel', file: 'server/ids.ts', edit: append("import { BOUNDS } from './protocol/bounds.js';"), to: 'server/protocol/bounds.ts' },
  { rule: 'kernel-takes-error-codes-as-types', file: 'server/json-bounds.ts', edit: append("import { ERROR_CODES } from './protocol/errors.js';"), to: 'server/protocol/errors.ts' },

  { rule: 'contract-imports-only-kernel', file: 'server/protocol/character.ts', edit: append("import type { CharacterRow } from '../db/tables.js';"), to: 'server/db/tables.ts' },
  { rule: 'contract-names-the-router-in-api-only', file: 'server/protocol/message.ts', edit: append("import type { AppRouter } from '../trpc/router.js';"), to: 'server/trpc/router.ts' },
  {
    rule: 'contract-takes-the-router-as-a-type',
    file: 'server/protocol/api.ts',
    edit: { replace: ['export type { AppRouter }', 'export { appRouter, type AppRouter }'] },
    to: 'server/trpc/router.ts',
  },
  { rule: 'contract-pure-stays-pure', file: 'server/protocol/bounds.ts', edit: append("import { z } from 'zod';"), to: 'node_modules/zod/index.js' },

  { rule: 'store-imports-only-kernel', file: 'server/db/group-commit.ts', edit: append("import type { ChatService } from '../chat/service.js';"), to: 'server/chat/service.ts' },
  { rule: 'only-the-store-opens-a-database', file: 'server/chat/transcripts.ts', edit: append("import Database from 'better-sqlite3';"), to: 'node_modules/better-sqlite3/lib/index.js' },
  { rule: 'only-the-store-opens-a-database', file: 'server/chat/messages.ts', edit: append("import pg from 'pg';"), to: 'node_modules/pg/esm/index.mjs' },

  { rule: 'domain-knows-no-transport', file: 'server/characters/store.ts', edit: append("import type { Context } from '../trpc/context.js';"), to: 'server/trpc/context.ts' },
  { rule: 'domain-knows-no-transport-package', file: 'server/chat/service.ts', edit: append("import Fastify from 'fastify';"), to: 'node_modules/fastify/fastify.js' },

  { rule: 'transports-stand-alone', file: 'server/realtime/ack.ts', edit: append("import { router } from '../trpc/init.js';"), to: 'server/trpc/init.ts' },
  // What this rule was written for: the tRPC context once carried `db`.
  { rule: 'network-transports-hold-no-database', file: 'server/trpc/context.ts', edit: append("import type { Db } from '../db/database.js';"), to: 'server/db/database.ts' },
  { rule: 'network-transports-name-row-types-only', file: 'server/realtime/joined-conversations.ts', edit: append("import '../db/tables.js';"), to: 'server/db/tables.ts' },

  // Even as a type (and a run-time import would close a cycle as well).
  { rule: 'only-roots-import-roots', file: 'server/chat/sessions.ts', edit: append("import type { TipsyApp } from '../app.js';"), to: 'server/app.ts' },
  { rule: 'config-is-read-by-roots', file: 'server/realtime/redis.ts', edit: append("import { loadConfig } from '../config.js';"), to: 'server/config.ts' },

  { rule: 'server-imports-no-widget', file: 'server/http/static-files.ts', edit: append("import type { TipsyChat } from '../../widget/tipsy-chat/tipsy-chat.js';"), to: 'widget/tipsy-chat/tipsy-chat.ts' },
  { rule: 'widget-imports-only-the-contract', file: 'widget/controllers/outbox.ts', edit: append("import type { ChatService } from '../../server/chat/service.js';"), to: 'server/chat/service.ts' },
  { rule: 'widget-runs-only-pure-contract', file: 'widget/transport/visitor-session.ts', edit: append("import { SendMessagePayload } from '../../server/protocol/payloads.js';"), to: 'server/protocol/payloads.ts' },
  // `import { type X }` is kept as `import {} from` (verbatimModuleSyntax): the module still runs, so it counts.
  { rule: 'widget-runs-only-pure-contract', file: 'widget/events.ts', edit: append("import { type SendMessagePayload } from '../server/protocol/payloads.js';"), to: 'server/protocol/payloads.ts' },
  { rule: 'widget-runs-only-budgeted-packages', file: 'widget/chat/message-view.ts', edit: append("import { z } from 'zod';"), to: 'node_modules/zod/index.js' },
  { rule: 'studio-takes-the-server-as-types', file: 'studio/api.ts', edit: append("import { ERROR_CODES } from '../server/protocol/errors.js';"), to: 'server/protocol/errors.ts' },
  { rule: 'widget-needs-no-node', file: 'widget/storage.ts', edit: append("import { Buffer } from 'node:buffer';"), to: 'buffer' },

  // A cycle is named once, from the module met first (pong.ts is written beside it).
  { rule: 'no-circular', file: 'server/chat/ping.ts', edit: { create: "import { pong } from './pong.js';\nexport const ping = () => pong();" }, to: 'server/chat/pong.ts' },
  { rule: 'no-unresolvable', file: 'server/cli/output.ts', edit: append("import './missing.js';"), to: './missing.js' },
  { rule: 'no-orphans', file: 'server/chat/forgotten.ts', edit: { create: 'export const forgotten = true;' }, to: 'server/chat/forgotten.ts' },
];

function plant(copy: string, { file, edit }: Plant): void {
  const path = join(copy, file);
  if ('create' in edit) return writeFileSync(path, `${edit.create}\n`);
  assert.ok(existsSync(path), `${file} is gone: plant in another file of its layer`);
  if ('append' in edit) return appendFileSync(path, `\n${edit.append}\n`);
  const source = readFileSync(path, 'utf8');
  assert.ok(source.includes(edit.replace[0]), `${file} no longer holds "${edit.replace[0]}": plant another way`);
  writeFileSync(path, source.replace(edit.replace[0], edit.replace[1]));
}

/** What `npm run lint:layers` does, with its config and the compiler's options, over server/, widget/ and studio/ of `baseDir`. */
async function cruiseTree(baseDir: string, overrides: ICruiseOptions = {}): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(CONFIG);
  const { output } = await cruise(
    ['server', 'widget', 'studio'],
    { ...options, ...overrides, baseDir, tsConfig: { fileName: TSCONFIG } },
    {},
    // The compiler's own options decide what an import leaves at run time (verbatimModuleSyntax).
    { tsConfig: extractTSConfig(TSCONFIG) },
  );
  return output as ICruiseResult;
}

const described = (result: ICruiseResult) =>
  result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

describe('layering', () => {
  it('the tree keeps every rule', async () => {
    const result = await cruiseTree(ROOT);
    assert.deepEqual(described(result), []);
    assert.ok(result.summary.totalCruised > 150, `only ${result.summary.totalCruised} modules cruised: is the config excluding too much?`);
  });

  describe('a planted bad import', () => {
    let copy: string;
    before(() => {
      copy = mkdtempSync(join(tmpdir(), 'tipsy-layers-'));
      // test/browser: the widget's browser tests import their helpers from there.
      for (const part of ['server', 'widget', 'studio', 'test/browser']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      writeFileSync(join(copy, 'server/chat/pong.ts'), "import { ping } from './ping.js';\nexport const pong = () => ping();\n");
      for (const each of PLANTS) plant(copy, each);
    });
    after(() => rmSync(copy, { recursive: true, force: true }));

    it('is named, with its rule, for every rule', async () => {
      // Symlinks preserved: packages stay under node_modules/, as in the tree.
      const result = await cruiseTree(copy, { preserveSymlinks: true });
      const expected = PLANTS.map((p) => `${p.rule}: ${p.file} → ${p.to}`).sort();
      assert.deepEqual(described(result), expected);
    });

    it('covers every rule in the config', async () => {
      const { ruleSet } = await extractDepcruiseOptions(CONFIG);
      const rules = (ruleSet?.forbidden ?? []).map((rule) => rule.name).sort();
      assert.deepEqual([...new Set(PLANTS.map((p) => p.rule))].sort(), rules);
    });
  });
});
