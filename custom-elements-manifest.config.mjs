// `npm run analyze` writes custom-elements.json from the elements' JSDoc.

/** Keeps the manifest to the public surface: no `#private` or `private` members. */
function publicOnly() {
  return {
    name: 'realtime-elements-public-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.members) continue;
          declaration.members = declaration.members.filter(
            (member) => !member.name.startsWith('#') && member.privacy !== 'private',
          );
        }
      }
    },
  };
}

export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  litelement: true,
  // package.json already names custom-elements.json; the freshness test writes elsewhere and must not rewrite it.
  packagejson: false,
  plugins: [publicOnly()],
};
