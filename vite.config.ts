import { defineConfig } from 'vite';

/**
 * Builds the widget into dist/: `tipsy-chat.js`, a classic script for a
 * `<script src>` tag on any site, and `tipsy-chat.mjs`, an ES module.
 */
export default defineConfig({
  build: {
    target: 'es2021',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: 'widget/index.ts',
      name: 'TipsyChat',
      formats: ['iife', 'es'],
      fileName: (format) => (format === 'es' ? 'tipsy-chat.mjs' : 'tipsy-chat.js'),
    },
    rolldownOptions: {
      output: { minify: true },
      onLog(level, log, handler) {
        // The classic script finds its origin through document.currentScript first,
        // so import.meta being empty there is expected (widget/transport/server-url.ts).
        if (log.code === 'EMPTY_IMPORT_META') return;
        handler(level, log);
      },
    },
  },
});
