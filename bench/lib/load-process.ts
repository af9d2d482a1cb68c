/** Runs a load generator in its own process and parses the JSON line it prints. */
import { execFile } from 'node:child_process';

export function runLoadProcess<T>(script: string, args: (string | number)[], timeoutMs = 10 * 60_000): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', script, ...args.map(String)], { maxBuffer: 1 << 20, timeout: timeoutMs }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as T),
    ),
  );
}
