// `npm run bench [-- --json] [-- --only <part>]`: prints figures and ratios against a baseline
// measured in the same run. Exits 0 whenever it ran, whatever the figures.
import { performance } from 'node:perf_hooks';
import { parseFrame } from '../src/protocol/index.js';

interface Figures {
  [name: string]: number | string | boolean | Figures;
}

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

const parts: Record<string, () => Figures | Promise<Figures>> = { protocol };

const results: Figures = {};
for (const [name, run] of Object.entries(parts)) {
  if (only && only !== name) continue;
  results[name] = await run();
}

if (!json) {
  for (const [name, figures] of Object.entries(results)) {
    console.log(`\n${name}`);
    for (const [key, value] of Object.entries(figures as Figures)) {
      console.log(`  ${key.padEnd(20)} ${typeof value === 'object' ? JSON.stringify(value) : value}`);
    }
  }
} else {
  console.log(JSON.stringify(results));
}
