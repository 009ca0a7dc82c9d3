import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const root = path.resolve(import.meta.dirname, '..');

interface Declaration {
  readonly customElement?: boolean;
  readonly tagName?: string;
  readonly description?: string;
  readonly attributes?: readonly unknown[];
  readonly events?: readonly { readonly name?: string }[];
}

function elements(manifest: { modules: { declarations?: Declaration[] }[] }): Declaration[] {
  return manifest.modules.flatMap((module) => module.declarations ?? []).filter((declaration) => declaration.customElement);
}

/** The analyzer lists modules in file-system order, which differs between machines: compare by path. */
function byPath(manifest: { modules: { path: string }[] }): unknown {
  return { ...manifest, modules: [...manifest.modules].sort((a, b) => a.path.localeCompare(b.path)) };
}

test('custom-elements.json is fresh: regenerating it from the JSDoc changes nothing', () => {
  // The analyzer resolves --outdir against the working directory, so keep it inside the (ignored) .tmp/.
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const outdir = mkdtempSync(path.join(root, '.tmp', 'cem-'));
  try {
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'), 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', path.relative(root, outdir)],
      { cwd: root, stdio: 'pipe' },
    );
    const fresh = readFileSync(path.join(outdir, 'custom-elements.json'), 'utf8');
    const committed = readFileSync(path.join(root, 'custom-elements.json'), 'utf8');
    assert.deepEqual(byPath(JSON.parse(committed)), byPath(JSON.parse(fresh)), 'custom-elements.json is stale: run `npm run analyze` and commit it');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test('the manifest describes every tag with a description and named events', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
  const tags = elements(manifest).map((element) => element.tagName).sort();
  assert.deepEqual(tags, ['activity-feed', 'collaborative-editor', 'connection-badge', 'notification-feed', 'realtime-provider']);
  for (const element of elements(manifest)) {
    assert.ok(element.description && element.description.length > 40, `${element.tagName} has a description`);
    assert.ok((element.attributes ?? []).length > 0, `${element.tagName} documents its attributes`);
    for (const event of element.events ?? []) assert.ok(event.name, `${element.tagName} has an event without a name`);
  }
});
