import { defineConfig } from 'vite';

// Storybook's Vite config. Decorators are legacy (tsconfig `experimentalDecorators`), which Vite 8
// lowers for the browser as it does for the CDN build; es2022 keeps class fields as Lit expects.
export default defineConfig({
  build: { target: 'es2022' },
});
