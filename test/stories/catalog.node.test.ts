import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const root = path.resolve(import.meta.dirname, '../..');

test('every stories module is checked by the story axe test, and every element has one', () => {
  const modules = readdirSync(path.join(root, 'stories')).filter((name) => name.endsWith('.stories.ts'));
  const harness = readFileSync(path.join(root, 'test/stories/stories.test.ts'), 'utf8');
  for (const name of modules) {
    assert.ok(harness.includes(`'../../stories/${name.replace(/\.ts$/, '.js')}'`), `${name} is not imported by test/stories/stories.test.ts`);
  }
  const tags = readdirSync(path.join(root, 'src/define')).map((name) => name.replace(/\.ts$/, ''));
  for (const tag of tags) assert.ok(modules.includes(`${tag}.stories.ts`), `no stories/${tag}.stories.ts`);
});

test('Storybook builds offline: telemetry is off in the config and in both scripts', () => {
  const main = readFileSync(path.join(root, '.storybook/main.ts'), 'utf8');
  assert.match(main, /disableTelemetry:\s*true/);
  const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
  for (const name of ['storybook', 'build-storybook']) assert.match(scripts[name] ?? '', /STORYBOOK_DISABLE_TELEMETRY=1 storybook /);
});
