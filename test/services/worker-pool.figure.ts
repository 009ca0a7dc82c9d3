// Figure for the closing note, run on demand (not part of `npm test`):
//   npx web-test-runner test/services/worker-pool.figure.ts --static-logging
// Main-thread time of sorting 1,000,000 items inline versus through the pool, in Chromium.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { WorkerPool } from '../../src/services/worker-pool.js';

const workerSource = new URL('../../src/workers/data-worker.ts', import.meta.url);

interface Metrics {
  metrics: { name: string; value: number }[];
}

async function cdp<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  return (await executeServerCommand('cdp', { method, params })) as T;
}

async function taskSeconds(): Promise<number> {
  const { metrics } = await cdp<Metrics>('Performance.getMetrics');
  return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN;
}

/**
 * Main-thread time of `work`: the page's `TaskDuration` (DevTools `Performance.getMetrics`, main
 * thread only) before and after, less the cost of an empty measurement; garbage collected first.
 * The longest task is watched with a `longtask` PerformanceObserver.
 */
async function measure<T>(work: () => Promise<T> | T): Promise<{ wallMs: number; mainThreadMs: number; longestTaskMs: number; result: T }> {
  await cdp('HeapProfiler.collectGarbage');
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const empty0 = await taskSeconds();
  const empty1 = await taskSeconds();
  const before = await taskSeconds();
  const start = performance.now();
  const result = await work();
  const wallMs = performance.now() - start;
  const after = await taskSeconds();
  observer.disconnect();
  return { wallMs, mainThreadMs: (after - before - (empty1 - empty0)) * 1000, longestTaskMs: longest, result };
}

const round = (value: number) => Math.round(value * 10) / 10;

describe('figure: sorting 1,000,000 items, main-thread time', () => {
  it('rows by a numeric field, and a Float64Array of numbers', async function () {
    this.timeout(600_000);
    const rows = Array.from({ length: 1_000_000 }, (_, id) => ({ id, score: (id * 2654435761) % 1_000_003, name: `n${id}` }));
    const numbers = Float64Array.from(rows, (row) => row.score);
    const pool = new WorkerPool({ createWorker: () => new Worker(workerSource, { type: 'module' }) });
    const fallback = new WorkerPool({ Worker: null });
    await pool.aggregate([1], { op: 'count' }); // worker started and warm
    await cdp('Performance.enable', { timeDomain: 'threadTicks' });
    const figures: Record<string, unknown> = {};
    for (let run = 0; run < 3; run++) {
      const inlineRows = await measure(() => [...rows].sort((a, b) => a.score - b.score || a.id - b.id));
      const pooledRows = await measure(() => pool.sort(rows, { field: 'score' }));
      const chunkedRows = await measure(() => fallback.sort(rows, { field: 'score' }));
      const inlineNumbers = await measure(() => numbers.slice().sort());
      const pooledNumbers = await measure(() => pool.sort(numbers));
      expect(pooledRows.result.map((row) => row.id)).to.deep.equal(inlineRows.result.map((row) => row.id));
      expect(chunkedRows.result.length).to.equal(1_000_000);
      expect(pooledNumbers.result).to.deep.equal(inlineNumbers.result);
      const pick = (m: { wallMs: number; mainThreadMs: number; longestTaskMs: number }) => ({ wallMs: round(m.wallMs), mainThreadMs: round(m.mainThreadMs), longestTaskMs: round(m.longestTaskMs) });
      figures[`run${run + 1}`] = {
        rowsInline: pick(inlineRows),
        rowsPool: pick(pooledRows),
        rowsMainThreadChunked: pick(chunkedRows),
        numbersInline: pick(inlineNumbers),
        numbersPool: pick(pooledNumbers),
      };
      console.log(JSON.stringify(figures[`run${run + 1}`]));
    }
    pool.terminate();
  });
});
