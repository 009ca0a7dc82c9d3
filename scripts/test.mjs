#!/usr/bin/env node
// `npm test`: typecheck, Node tests (protocol, server, services), then browser tests in Chromium.
// Prints one closing line `N passed, N failed` over all runners.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromePath } from './chrome-path.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

function ensureChromium() {
  if (chromePath()) return true;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log('No Chromium found: installing Debian\'s chromium with apt-get…');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit' });
    if (chromePath()) return true;
  }
  console.error('No Chromium found: install it (apt-get install -y chromium) or set CHROME_PATH to a Chromium or Chrome binary.');
  return false;
}

function findTests(dir, suffix, out = []) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, suffix, out);
    else if (name.endsWith(suffix)) out.push(full);
  }
  return out.sort();
}

/** Runs a command, echoing its output, and returns its exit code and output. */
function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
let passed = 0;
let failed = 0;
const only = process.argv[2]; // optional: 'node' or 'browser'

// The stories and .storybook have their own tsconfig (Vite takes decorator settings from it).
const typecheck = await run('npx', ['tsc', '-p', 'tsconfig.test.json']);
const storiesTypecheck = await run('npx', ['tsc', '-p', 'stories/tsconfig.json']);
if (typecheck.code !== 0 || storiesTypecheck.code !== 0) {
  console.log('\ntypecheck failed');
  failed += 1;
}

if (only !== 'browser') {
  const files = findTests('test', '.node.test.ts');
  const node = await run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', '--test-force-exit', '--test-reporter=spec', ...files]);
  const pass = Number(/ℹ pass (\d+)/.exec(node.output)?.[1] ?? 0);
  const fail = Number(/ℹ fail (\d+)/.exec(node.output)?.[1] ?? 0);
  passed += pass;
  failed += fail + (node.code !== 0 && fail === 0 ? 1 : 0);
}

if (only !== 'node') {
  if (!ensureChromium()) process.exit(1);
  // The CDN files, for test/distribution/ (it loads them as a page would).
  const cdn = await run('npx', ['vite', 'build', '--logLevel', 'error']);
  if (cdn.code !== 0) {
    console.log('\nthe CDN build failed');
    failed += 1;
  }
  const browser = await run(process.execPath, ['node_modules/@web/test-runner/dist/bin.js', '--static-logging'], {
    CHROME_PATH: chromePath(),
  });
  // The progress bar repeats its totals; the last one is final.
  const totals = [...browser.output.matchAll(/(\d+) passed(?:, (\d+) failed)?/g)].at(-1);
  const pass = Number(totals?.[1] ?? 0);
  const fail = Number(totals?.[2] ?? 0);
  passed += pass;
  failed += fail + (browser.code !== 0 && fail === 0 ? 1 : 0);
}

console.log(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
