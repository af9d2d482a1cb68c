import { InvalidArgumentError, type Command } from 'commander';
import { STUDIO_LINK_MINUTES, StudioSessions } from '../../auth/studio-sessions.js';
import { loadConfig } from '../../config.js';
import { print, type Output } from '../output.js';
import type { WithDb } from '../with-db.js';

function parseMinutes(value: string): number {
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new InvalidArgumentError('A whole number of minutes, 1 to 60.');
  return minutes;
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // said below
  }
  throw new InvalidArgumentError('An http(s) URL, e.g. https://chat.example.com');
}

export function registerStudioCommands(program: Command, withDb: WithDb): void {
  const studio = program.command('studio').description('sign in to the studio, or sign everyone out');

  studio
    .command('link <siteId>')
    .description('print a one-time sign-in link to the studio for the site (valid a few minutes, once)')
    .option('--minutes <n>', `how long the link is valid (1–60)`, parseMinutes, STUDIO_LINK_MINUTES)
    .option('--url <origin>', 'the chat server as browsers reach it (default: TIPSY_PUBLIC_URL, else http://localhost:PORT)', parseUrl)
    .option('--json', 'print JSON')
    .action((siteId: string, opts: { minutes: number; url?: string } & Output) =>
      withDb(async (db) => {
        const { token, expiresAt } = await new StudioSessions(db).createLink(siteId, opts.minutes);
        // The token rides in the fragment: browsers never send it to a server, so no access log holds it.
        const config = loadConfig();
        const url = `${opts.url ?? config.publicOrigin ?? `http://localhost:${config.port}`}/studio/#link=${token}`;
        print(opts, { url, expiresAt }, () => `Open within ${opts.minutes} minutes (works once):\n${url}`);
      }),
    );

  studio
    .command('sign-out-all <siteId>')
    .description('end every studio session of the site')
    .option('--json', 'print JSON')
    .action((siteId: string, opts: Output) =>
      withDb(async (db) => {
        const ended = await new StudioSessions(db).revokeAll(siteId);
        print(opts, { ended }, () => `Ended ${ended} studio session${ended === 1 ? '' : 's'}.`);
      }),
    );
}
