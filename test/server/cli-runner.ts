/** The `tipsy` CLI as the tests run it: a process of its own, over a database named by its environment. */
import { execFile } from 'node:child_process';

const CLI = new URL('../../server/cli/tipsy.mjs', import.meta.url).pathname;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tipsy …args` with `env` over the test's own environment (a variable set to
 * undefined is removed); resolves with the exit code and output, never rejects.
 */
export function runTipsy(
  env: Record<string, string | undefined>,
  args: readonly string[],
  { encoding = 'utf8', timeoutMs = 60_000 }: { encoding?: BufferEncoding; timeoutMs?: number } = {},
): Promise<CliRun> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete merged[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: merged, encoding, timeout: timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
