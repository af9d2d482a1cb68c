import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './server/tools/chromium.ts';
import { tipsyServerPlugin } from './test/browser/server-plugin.ts';

/**
 * Browser tests run in Debian's Chromium against the real server, which the
 * plugin starts for the run. Pages are served from localhost and the chat
 * server listens on 127.0.0.1: every test is a cross-origin embed.
 */
export default {
  files: ['widget/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'production'] },
  // One page at a time: test files share localStorage (same origin), and some tests reload from it.
  concurrency: 1,
  testFramework: { config: { timeout: 15000 } },
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
    tipsyServerPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
};
