import { defineConfig } from 'vite';

/**
 * The studio (studio/): a bundle of its own in dist-studio/ (the widget's build empties dist/),
 * served by the chat server at /studio. Host pages never load it; the widget's budgets never count it.
 */
export default defineConfig({
  build: {
    outDir: 'dist-studio',
    emptyOutDir: true,
    sourcemap: true,
    lib: { entry: 'studio/tipsy-studio.ts', formats: ['es'], fileName: () => 'tipsy-studio.mjs' },
    rolldownOptions: { output: { minify: true } },
  },
});
