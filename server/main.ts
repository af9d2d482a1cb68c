import { buildServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await buildServer(config);
  const url = await server.listen();
  const publicUrl = url.replace('127.0.0.1', 'localhost');
  console.log(`\n  Tipsy Chat is running at ${publicUrl}`);
  if (server.demoSiteKey) console.log(`  Demo site key: ${server.demoSiteKey}  (open ${publicUrl}/ to chat)\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    // Bounded: whatever happens, the process is gone a little after the replies' grace period.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 5000).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
