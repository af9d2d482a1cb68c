import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { describeIssues } from '../../chat/inputs.js';
import { CharacterInput } from '../../characters/inputs.js';
import { createCharacter, listCharacters } from '../../characters/store.js';
import { TipsyError } from '../../errors.js';
import { print, table, type Output } from '../output.js';
import type { WithDb } from '../with-db.js';

const CharacterFile = z.union([CharacterInput, z.array(CharacterInput).min(1).max(100)]);

async function readCharacters(path: string): Promise<CharacterInput[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new TipsyError('INVALID_INPUT', `Cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const parsed = CharacterFile.safeParse(json);
  if (!parsed.success) throw new TipsyError('INVALID_INPUT', `${path}: ${describeIssues(parsed.error.issues)}`);
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

export function registerCharacterCommands(program: Command, withDb: WithDb): void {
  const character = program.command('character').description('add and list a site’s characters');

  character
    .command('add <siteId>')
    .description('add the character(s) in a JSON file: { slug, name, avatarUrl?, greeting?, persona? } or a list of them')
    .requiredOption('--file <path>', 'the JSON file')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: { file: string } & Output) =>
      withDb(async (db) => {
        const definitions = await readCharacters(opts.file);
        const created = await db.transaction().execute(async (tx) => {
          const out = [];
          for (const def of definitions) out.push(await createCharacter(tx, siteId, def));
          return out;
        });
        print(opts, created, () => `Added ${created.map((c) => c.slug).join(', ')}.`);
      }),
    );

  character
    .command('list <siteId>')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: Output) =>
      withDb(async (db) => {
        const characters = await listCharacters(db, siteId);
        print(opts, characters, () =>
          table(characters.map((c) => ({ slug: c.slug, name: c.name, greeting: (c.greeting ?? '').slice(0, 50) }))),
        );
      }),
    );
}
