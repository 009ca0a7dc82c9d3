import { defineConfig } from 'vite';

// `npm run build` (after tsc): the CDN file, one ES module with Lit and the kit inside that registers
// every tag; the editor with Yjs and the activity feed with its virtualizer are further files it
// loads when a <collaborative-editor> or an <activity-feed> appears. `npm run size` measures them.
// Decorators are legacy (tsconfig `experimentalDecorators`), which Vite 8 lowers for the browser.
export default defineConfig({
  // Chunks (the editor, the worker) are found relative to the entry, wherever a CDN serves it.
  base: './',
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist/cdn',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: 'src/cdn.ts',
      formats: ['es'],
      fileName: () => 'realtime-elements.js',
    },
    rolldownOptions: {
      output: {
        // Library mode keeps whitespace in ES output (minify without codegen) so that a bundler
        // reading it can still tree-shake; the CDN files go straight to browsers, so minify fully.
        minify: true,
      },
    },
  },
});
