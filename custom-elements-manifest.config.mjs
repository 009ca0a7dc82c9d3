// `npm run analyze` writes custom-elements.json from the elements' JSDoc.
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  litelement: true,
  // package.json already names custom-elements.json; the freshness test writes elsewhere and must not rewrite it.
  packagejson: false,
};
