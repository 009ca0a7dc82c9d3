// `npm run analyze` writes custom-elements.json from the elements' JSDoc, and from it JSX types for
// the tags (types/jsx.d.ts) and VS Code custom data (types/vscode.*.json) for editors.
import { customElementJsxPlugin } from 'custom-element-jsx-integration';
import { customElementVsCodePlugin } from 'custom-element-vs-code-integration';

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
  plugins: [
    publicOnly(),
    customElementJsxPlugin({
      outdir: 'types',
      fileName: 'jsx.d.ts',
      // Types of each element class come from the built package.
      componentTypePath: (_name, tag) => `../dist/elements/${tag}/${tag}.js`,
      hideLogs: true,
    }),
    customElementVsCodePlugin({
      outdir: 'types',
      htmlFileName: 'vscode.html-custom-data.json',
      cssFileName: 'vscode.css-custom-data.json',
      hideLogs: true,
    }),
  ],
};
