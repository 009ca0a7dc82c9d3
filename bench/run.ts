// `npm run bench [-- --json] [-- --only <part>]`: prints figures and ratios against a baseline
// measured in the same run. Exits 0 whenever it ran, whatever the figures.
import { performance } from 'node:perf_hooks';
import { parseFrame } from '../src/protocol/index.js';
import { feeds } from './feeds.js';
import { editor } from './editor.js';
import { type Figures, printTable } from './figures.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;

/** Runs `work` repeatedly for about `ms` and returns operations per second. */
function opsPerSecond(work: () => void, ms = 400): number {
  for (let i = 0; i < 1000; i++) work(); // warm up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 500; i++) work();
    count += 500;
    elapsed = performance.now() - start;
  }
  return Math.round((count / elapsed) * 1000);
}

/** Validation cost: the kit's `parseFrame` against bare `JSON.parse` of the same frames. */
function protocol(): Figures {
  const frames = Array.from({ length: 64 }, (_, i) =>
    JSON.stringify({
      type: i % 2 ? 'notification.new' : 'activity.new',
      seq: i + 1,
      prev: i,
      ts: 1_700_000_000_000 + i,
      payload:
        i % 2
          ? { id: `n${i}`, level: 'info', title: `Title ${i}`, message: 'Something happened', link: '/items/1' }
          : { id: `a${i}`, userName: 'Ada', action: 'commented on', target: 'Q3 plan' },
    }),
  );
  let i = 0;
  const kit = opsPerSecond(() => {
    parseFrame(frames[i++ & 63]);
  });
  const baseline = opsPerSecond(() => {
    JSON.parse(frames[i++ & 63]!);
  });
  return { framesPerSecond: kit, baseline: { framesPerSecond: baseline }, ratioToBaseline: Number((kit / baseline).toFixed(3)) };
}

// Each part may live in its own file (bench/<part>.ts) and is registered here.
const parts: Record<string, () => Figures | Promise<Figures>> = { protocol, feeds, editor };

if (only && !(only in parts)) {
  console.error(`unknown part "${only}"; parts: ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}

const results: Figures = {};
try {
  for (const [name, run] of Object.entries(parts)) {
    if (only && only !== name) continue;
    // `sections` are hoisted beside the part (e.g. `feedsByElement` next to `feeds`).
    const { sections, ...figures } = await run();
    results[name] = figures;
    if (sections && typeof sections === 'object') Object.assign(results, sections);
  }
} catch (error) {
  // Could not run (no Chromium, a port, a build): the only case that exits non-zero.
  console.error(`bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}

if (!json) {
  for (const [name, figures] of Object.entries(results)) printTable(name, figures as Figures);
} else {
  console.log(JSON.stringify(results));
}
