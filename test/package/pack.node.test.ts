import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// The package as users get it: built into a staging copy (never the working tree's dist/, which
// other tests may be reading), packed with `npm pack`, installed from the tarball into a fresh
// project, imported in Node and bundled into a page with Vite.

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

let work: string;
let project: string;
let tarball: string;

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(command, args, { cwd, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
  return stdout;
}

describe('the npm package', { timeout: 300_000 }, () => {
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'rt-pack-'));
    const stage = path.join(work, 'stage');
    await mkdir(stage);
    for (const file of ['package.json', 'README.md', 'custom-elements.json', 'types']) await cp(path.join(root, file), path.join(stage, file), { recursive: true });
    await sh(bin('tsc'), ['-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(stage, 'dist')], root);
    await sh(bin('vite'), ['build', '--outDir', path.join(stage, 'dist/cdn'), '--logLevel', 'error'], root);
    const packed = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', work], stage)) as { filename: string }[];
    tarball = path.join(work, packed[0]!.filename);
    project = path.join(work, 'project');
    await mkdir(project);
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Dependencies come from the npm cache that `npm ci` filled; react is the optional peer of ./react.
    const react = JSON.parse(await readFile(path.join(root, 'node_modules/react/package.json'), 'utf8')) as { version: string };
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, `react@${react.version}`], project);
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('the tarball holds the built modules, their types, the manifest and the editor types, and no sources or maps', async () => {
    const listing = await sh('tar', ['-tzf', tarball], work);
    const files = listing.split('\n').filter(Boolean);
    for (const wanted of [
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/define/notification-feed.js',
      'package/dist/define/notification-feed.d.ts',
      'package/dist/react/index.js',
      'package/dist/cdn/realtime-elements.js',
      'package/custom-elements.json',
      'package/types/jsx.d.ts',
      'package/types/vscode.html-custom-data.json',
    ]) {
      assert.ok(files.includes(wanted), `missing ${wanted}`);
    }
    assert.deepEqual(files.filter((file) => file.endsWith('.map') || file.startsWith('package/src/') || file.includes('/test/')), []);
  });

  test('every entry point imports in Node without touching browser globals', async () => {
    const entries = [
      'realtime-elements',
      'realtime-elements/define/realtime-provider.js',
      'realtime-elements/define/connection-badge.js',
      'realtime-elements/define/notification-feed.js',
      'realtime-elements/define/activity-feed.js',
      'realtime-elements/define/collaborative-editor',
      'realtime-elements/services',
      'realtime-elements/protocol',
      'realtime-elements/react',
    ];
    const script = `
      for (const entry of ${JSON.stringify(entries)}) await import(entry);
      const touched = ['window', 'document', 'localStorage', 'navigator'].filter((name) => name in globalThis && name !== 'navigator');
      const kit = await import('realtime-elements');
      console.log(JSON.stringify({ touched, exports: Object.keys(kit).length, react: Object.keys(await import('realtime-elements/react')).sort() }));
    `;
    const out = JSON.parse(await sh(process.execPath, ['--input-type=module', '-e', script], project)) as { touched: string[]; exports: number; react: string[] };
    assert.deepEqual(out.touched, []);
    assert.ok(out.exports > 50, `only ${out.exports} exports`);
    assert.deepEqual(out.react, ['ActivityFeed', 'CollaborativeEditor', 'ConnectionBadge', 'NotificationFeed', 'RealtimeProvider']);
    const manifest = JSON.parse(await readFile(path.join(project, 'node_modules/realtime-elements/custom-elements.json'), 'utf8')) as { modules: unknown[] };
    assert.ok(manifest.modules.length > 0);
  });

  test('its types check in a TypeScript project that uses the tags and events', async () => {
    await writeFile(
      path.join(project, 'use.ts'),
      `import { NotificationFeed, type NotificationUnreadChangeEvent } from 'realtime-elements';
import 'realtime-elements/define/notification-feed.js';
const feed: NotificationFeed = document.createElement('notification-feed');
feed.variant = 'inbox';
feed.addEventListener('notification-unread-change', (event: NotificationUnreadChangeEvent) => console.info(event.count));
export const count: number = feed.unreadCount;
`,
    );
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2023', 'DOM'] }, files: ['use.ts'] }),
    );
    await sh(bin('tsc'), ['-p', path.join(project, 'tsconfig.json')], project);
  });

  test('a page that uses only the notification feed bundles with Vite, without the editor\'s Yjs', async () => {
    const page = path.join(project, 'page');
    await mkdir(page);
    await writeFile(path.join(page, 'index.html'), '<!doctype html><notification-feed></notification-feed><script type="module" src="./main.js"></script>');
    await writeFile(path.join(page, 'main.js'), "import 'realtime-elements/define/realtime-provider.js';\nimport 'realtime-elements/define/notification-feed.js';\n");
    await sh(bin('vite'), ['build', page, '--outDir', path.join(page, 'out'), '--logLevel', 'error'], project);
    const assets = path.join(page, 'out', 'assets');
    const code = (await Promise.all((await readdir(assets)).filter((file) => file.endsWith('.js')).map((file) => readFile(path.join(assets, file), 'utf8')))).join('\n');
    assert.ok(code.includes('notification-feed'), 'the feed is not in the bundle');
    assert.ok(!code.includes('Yjs was already imported'), 'Yjs was bundled into a page without an editor');
  });
});
