import { readFile, stat, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { clip, describeIssues } from '../../chat/inputs.js';
import { AlternateGreetings } from '../../characters/character-book.js';
import { CharacterInput, LorebookInput } from '../../characters/inputs.js';
import { CARD_LIMITS, exportStoredCharacter, importCharacterCard, type CardSpec } from '../../characters/cards.js';
import { createCharacter, listCharacters, updateCharacter, type CharacterChanges } from '../../characters/store.js';
import type { Db } from '../../db/database.js';
import { TipsyError } from '../../errors.js';
import { plain, print, table, type Output } from '../output.js';
import type { WithDb } from '../with-db.js';

const CharacterFile = z.union([CharacterInput, z.array(CharacterInput).min(1).max(100)]);

/** A file's bytes, refused before reading when it is larger than `maxBytes`. */
async function readBounded(path: string, maxBytes = CARD_LIMITS.fileBytes): Promise<Buffer> {
  const size = await stat(path).then((s) => s.size, () => failRead(path));
  if (size > maxBytes) throw new TipsyError('INVALID_INPUT', `${path} is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB.`);
  return readFile(path).catch(() => failRead(path));
}

async function readJsonFile<T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>> {
  let json: unknown;
  try {
    json = JSON.parse((await readBounded(path)).toString('utf8'));
  } catch (error) {
    if (error instanceof TipsyError) throw error;
    throw new TipsyError('INVALID_INPUT', `Cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new TipsyError('INVALID_INPUT', `${path}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

async function readCharacters(path: string): Promise<CharacterInput[]> {
  const characters = await readJsonFile(path, CharacterFile);
  return Array.isArray(characters) ? characters : [characters];
}

function failRead(path: string): never {
  throw new TipsyError('INVALID_INPUT', `Cannot read ${path}.`);
}

const SPECS: Record<string, CardSpec> = { v2: 'v2', v3: 'v3' };

export function registerCharacterCommands(program: Command, withDb: WithDb): void {
  const character = program.command('character').description('add and list a site’s characters');

  character
    .command('add <siteId>')
    .description('add the character(s) in a JSON file: { slug, name, avatarUrl?, greeting?, persona?, alternateGreetings?, characterBook? } or a list of them')
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
    .description('add a character from a Character Card V2 or V3 file: JSON, a PNG with the card inside, or CHARX')
    .requiredOption('--file <path>', 'the card (.json, .png or .charx)')
    .option('--slug <slug>', 'the slug to give it (default: from its name)')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: { file: string; slug?: string } & Output) =>
      withDb(async (db) => {
        const created = await importCharacterCard(db, siteId, { bytes: await readBounded(opts.file) }, opts.slug);
        print(opts, created, () => `Imported ${plain(created.name)} as "${created.slug}".`);
      }),
    );

  character
    .command('export <siteId> <slug>')
    .description('write a character as a Character Card V3: .json, or .png (the card inside an image, with a V2 copy beside it)')
    .requiredOption('--out <path>', 'where to write it (.json or .png)')
    .option('--image <path>', 'for .png: the image to put the card in (default: its avatar when it is a stored PNG, else a plain square in its accent)')
    .option('--spec <spec>', 'v3 (default) or v2')
    .action((siteId: string, slug: string, opts: { out: string; image?: string; spec?: string }) =>
      withDb(async (db) => {
        const spec = SPECS[opts.spec ?? 'v3'];
        if (!spec) throw new TipsyError('INVALID_INPUT', `--spec is v3 or v2, not "${opts.spec}".`);
        const format = opts.out.toLowerCase().endsWith('.png') ? 'png' : 'json';
        const image = format === 'png' && opts.image ? await readBounded(opts.image) : undefined;
        const { card, png } = await exportStoredCharacter(db, siteId, slug, format, { image, spec });
        await writeFile(opts.out, png ?? `${JSON.stringify(card, null, 2)}\n`);
        process.stdout.write(`Wrote ${plain(opts.out)}\n`);
      }),
    );

  character
    .command('lorebook <siteId> <slug>')
    .description('set a character’s lorebook from a JSON file (a card’s character_book), or remove it')
    .option('--file <path>', 'the lorebook: { entries: [{ keys, content, … }], … }')
    .option('--clear', 'remove the lorebook')
    .option('--json', 'print JSON')
    .action((siteId: string, slug: string, opts: { file?: string; clear?: boolean } & Output) =>
      withDb(async (db) => {
        const book = await fileOrClear(opts, LorebookInput, 'a lorebook');
        await updateAndPrint(db, siteId, slug, { characterBook: book }, opts, (n) => (book ? `Set the lorebook of "${n}" (${book.entries.length} entries).` : `Removed the lorebook of "${n}".`));
      }),
    );

  character
    .command('greetings <siteId> <slug>')
    .description('set a character’s alternate greetings from a JSON file (a list of strings), or remove them')
    .option('--file <path>', 'the greetings: ["…", "…"]')
    .option('--clear', 'remove them')
    .option('--json', 'print JSON')
    .action((siteId: string, slug: string, opts: { file?: string; clear?: boolean } & Output) =>
      withDb(async (db) => {
        const greetings = (await fileOrClear(opts, AlternateGreetings, 'alternate greetings')) ?? [];
        await updateAndPrint(db, siteId, slug, { alternateGreetings: greetings }, opts, (n) => `"${n}" has ${greetings.length} alternate greeting(s).`);
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

/** `--file` read through the schema, or null with `--clear`; exactly one of them. */
async function fileOrClear<T extends z.ZodType>(opts: { file?: string; clear?: boolean }, schema: T, what: string): Promise<z.infer<T> | null> {
  if (!!opts.file === !!opts.clear) throw new TipsyError('INVALID_INPUT', `Give either --file (${what}) or --clear.`);
  return opts.file ? readJsonFile(opts.file, schema) : null;
}

async function updateAndPrint(
  db: Db,
  siteId: string,
  slug: string,
  changes: CharacterChanges,
  opts: Output,
  human: (slug: string) => string,
): Promise<void> {
  const updated = await updateCharacter(db, siteId, slug, changes);
  print(opts, updated, () => human(plain(updated.slug)));
}
