import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { clip, describeIssues } from '../../chat/inputs.js';
import { CharacterInput } from '../../characters/inputs.js';
import { characterFromCard, exportCard, parseCard } from '../../characters/cards.js';
import { createCharacter, findCharacter, listCharacters, toCharacterRecord } from '../../characters/store.js';
import { TipsyError } from '../../errors.js';
import { plain, print, table, type Output } from '../output.js';
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

function failRead(path: string): never {
  throw new TipsyError('INVALID_INPUT', `Cannot read ${path}.`);
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
    .command('import <siteId>')
    .description('add a character from a Character Card V2 file: JSON, or a PNG with the card inside')
    .requiredOption('--file <path>', 'the card (.json or .png)')
    .option('--slug <slug>', 'the slug to give it (default: from its name)')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: { file: string; slug?: string } & Output) =>
      withDb(async (db) => {
        const card = parseCard(await readFile(opts.file).catch(() => failRead(opts.file)));
        const created = await createCharacter(db, siteId, characterFromCard(card, opts.slug));
        print(opts, created, () => `Imported ${plain(created.name)} as "${created.slug}".`);
      }),
    );

  character
    .command('export <siteId> <slug>')
    .description('write a character as a Character Card V2: .json, or .png (the card inside an image)')
    .requiredOption('--out <path>', 'where to write it (.json or .png)')
    .option('--image <path>', 'for .png: the image to put the card in (default: a plain square in its accent)')
    .action((siteId: string, slug: string, opts: { out: string; image?: string }) =>
      withDb(async (db) => {
        const record = toCharacterRecord(await findCharacter(db, siteId, slug));
        const format = opts.out.toLowerCase().endsWith('.png') ? 'png' : 'json';
        const image = format === 'png' && opts.image ? await readFile(opts.image).catch(() => failRead(opts.image!)) : undefined;
        const { card, png } = exportCard(record, format, image);
        await writeFile(opts.out, png ?? `${JSON.stringify(card, null, 2)}\n`);
        process.stdout.write(`Wrote ${plain(opts.out)}\n`);
      }),
    );

  character
    .command('list <siteId>')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: Output) =>
      withDb(async (db) => {
        const characters = await listCharacters(db, siteId);
        print(opts, characters, () =>
          table(characters.map((c) => ({ slug: c.slug, name: c.name, greeting: clip(c.greeting ?? '', 50) }))),
        );
      }),
    );
}
