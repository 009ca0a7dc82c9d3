import { defineConfig } from 'vite';

// `npm run build`: the CDN file, one ES module with Lit and the kit inside that registers every tag.
// Decorators are legacy (tsconfig `experimentalDecorators`), which Vite 8 lowers for the browser.
export default defineConfig({
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
