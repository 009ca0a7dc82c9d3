import { defineConfig } from 'vite';

// `npm run build` (after tsc): the CDN file, one ES module with Lit and the kit inside that registers
// every tag; the editor with Yjs is a second file it loads when a <collaborative-editor> appears.
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
  },
});
