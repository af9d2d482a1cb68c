import { InvalidArgumentError, type Command } from 'commander';
import { insertKey, listKeys, revokeKey, rotateKey } from '../../auth/keys.js';
import type { SiteKeyKind } from '../../db/tables.js';
import { plain, print, table, type Output } from '../output.js';
import type { WithDb } from '../with-db.js';

function parseKind(value: string): SiteKeyKind {
  if (value === 'publishable' || value === 'secret') return value;
  throw new InvalidArgumentError('Use "publishable" or "secret".');
}

export function registerKeyCommands(program: Command, withDb: WithDb): void {
  const key = program.command('key').description('list, create, rotate and revoke a site’s keys');

  key
    .command('list <siteId>')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: Output) =>
      withDb(async (db) => {
        const keys = await listKeys(db, siteId);
        print(opts, keys, () =>
          table(keys.map((k) => ({ id: k.id, kind: k.kind, key: k.display, created: k.createdAt, revoked: k.revokedAt ?? '' }))),
        );
      }),
    );

  key
    .command('create <siteId>')
    .description('issue a new key (a secret key is shown only now)')
    .requiredOption('--kind <kind>', 'publishable or secret', parseKind)
    .option('--json', 'print JSON')
    .action((siteId: string, opts: { kind: SiteKeyKind } & Output) =>
      withDb(async (db) => {
        const issued = await insertKey(db, siteId, opts.kind);
        print(opts, issued, () => `New ${issued.kind} key ${issued.id}: ${issued.key}`);
      }),
    );

  key
    .command('rotate <siteId> <keyId>')
    .description('replace a key with a new one of its kind; the old one stops working')
    .option('--json', 'print JSON')
    .action((siteId: string, keyId: string, opts: Output) =>
      withDb(async (db) => {
        const issued = await rotateKey(db, siteId, keyId);
        print(opts, issued, () => `Revoked ${plain(keyId)}. New ${issued.kind} key ${issued.id}: ${issued.key}`);
      }),
    );

  key
    .command('revoke <siteId> <keyId>')
    .description('stop a key; running servers drop its sockets within seconds')
    .option('--json', 'print JSON')
    .action((siteId: string, keyId: string, opts: Output) =>
      withDb(async (db) => {
        await revokeKey(db, siteId, keyId);
        print(opts, { revoked: keyId }, () => `Revoked ${plain(keyId)}.`);
      }),
    );
}
