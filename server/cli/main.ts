import { Command, CommanderError } from 'commander';
import { TipsyError } from '../errors.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerCharacterCommands } from './commands/characters.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerRestoreCommand } from './commands/restore.js';
import { registerSiteCommands } from './commands/sites.js';
import { registerWebhookCommands } from './commands/webhooks.js';
import { registerStudioCommands } from './commands/studio.js';
import { withDb } from './with-db.js';

/** Exit codes: 0 done, 1 the operation failed (not found, invalid data…), 2 the command line was wrong. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const program = new Command('tipsy')
  .description('Operate a Tipsy Chat database (TIPSY_DB, default data/tipsy.db; or TIPSY_DATABASE_URL): sites, keys, characters, backups.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerSiteCommands(program, withDb);
registerKeyCommands(program, withDb);
registerCharacterCommands(program, withDb);
registerWebhookCommands(program, withDb);
registerStudioCommands(program, withDb);
registerBackupCommand(program);
registerRestoreCommand(program);

try {
  await program.parseAsync();
  process.exitCode = EXIT.ok;
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof TipsyError) {
    process.stderr.write(`tipsy: ${error.message} (${error.code})\n`);
    process.exitCode = EXIT.failed;
  } else {
    process.stderr.write(`tipsy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.failed;
  }
}
