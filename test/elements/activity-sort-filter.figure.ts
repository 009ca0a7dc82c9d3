// Figure run on demand (not part of `npm test`):
//   npx web-test-runner test/elements/activity-sort-filter.figure.ts --static-logging
// Main-thread cost of a `sort-by` + `filter` change on an <activity-feed> holding 100,000 items:
// the view computed inline (the same functions the feed runs under the threshold) versus the
// feed's pool path (attribute change to rendered rows).
import { fixture, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import { deriveInline, parseFilter, parseSortBy, viewSpec } from '../../src/elements/activity-feed/activity-view.js';
import { WorkerPool } from '../../src/services/worker-pool.js';
import { FakeApi, FakeConnection, activityItem, defineFakeProvider } from '../support/fakes.js';

const workerSource = new URL('../../src/workers/data-worker.ts', import.meta.url);
class FigureFeed extends ActivityFeed {
  static override createWorkerPool(): WorkerPool {
    return new WorkerPool({ createWorker: () => new Worker(workerSource, { type: 'module' }) });
  }
}
customElements.define('activity-feed-figure', FigureFeed);

async function taskSeconds(): Promise<number> {
  const { metrics } = (await executeServerCommand('cdp', { method: 'Performance.getMetrics', params: {} })) as { metrics: { name: string; value: number }[] };
  return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN;
}

async function measure(work: () => Promise<unknown> | unknown) {
  await executeServerCommand('cdp', { method: 'HeapProfiler.collectGarbage', params: {} });
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  });
  observer.observe({ type: 'longtask' });
  const before = await taskSeconds();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const after = await taskSeconds();
  observer.disconnect();
  const round = (value: number) => Math.round(value * 10) / 10;
  return { wallMs: round(wallMs), mainThreadMs: round((after - before) * 1000), longestTaskMs: round(longest) };
}

describe('figure: sort-by and filter on 100,000 kept items', () => {
  it('inline versus through the pool', async function () {
    this.timeout(600_000);
    await executeServerCommand('cdp', { method: 'Performance.enable', params: { timeDomain: 'threadTicks' } });
    const names = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Bo', 'Lin Wu'];
    const actions = ['edited', 'commented on', 'merged'];
    const count = 100_000;
    const items = Array.from({ length: count }, (_, i) => {
      const seq = count - i;
      return activityItem(seq, { userName: names[(seq * 7) % 5]!, action: actions[seq % 3]! }, 1_750_000_000_000 + ((seq * 7919) % 100_003) * 1000);
    });
    const api = new FakeApi();
    api.autoActivities = { items, next: null };
    const provider = unsafeStatic(defineFakeProvider());
    const host = await fixture(staticHtml`<${provider} .connection=${new FakeConnection('open')} .api=${api}><activity-feed-figure max="100000" style="--rt-activity-max-block-size: 30rem"></activity-feed-figure></${provider}>`);
    const feed = host.firstElementChild as FigureFeed;
    await waitUntil(() => feed.items.length === count);
    await feed.updateComplete;
    const specs = [
      ['action!=merged', 'userName,-ts'],
      ['userName~a', '-ts'],
      ['action=commented on', 'target'],
    ] as const;
    // Each spec twice: the first run of all also starts the worker.
    for (let run = 0; run < 6; run++) {
      const [filter, sortBy] = specs[run % 3]!;
      const spec = viewSpec((parseFilter(filter) as { ok: true; value: never }).value, (parseSortBy(sortBy) as { ok: true; value: never }).value, null, null, null);
      const inline = await measure(() => deriveInline(feed.items, spec));
      const pooled = await measure(async () => {
        feed.setAttribute('filter', filter);
        feed.setAttribute('sort-by', sortBy);
        await feed.updateComplete;
      });
      console.log(JSON.stringify({ filter, sortBy, kept: feed.filteredItems.length, inline, poolIncludingRender: pooled }));
    }
  });
});
