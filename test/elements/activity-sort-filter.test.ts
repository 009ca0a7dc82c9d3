// `filter` and `sort-by` on <activity-feed>: inline for small lists, in the worker pool for large
// ones. The test server compiles .ts on request but does not serve the worker under its built
// .js URL, so the pooled feed (a subclass) starts its workers from the TypeScript source through
// the `createWorkerPool` seam, and counts them to prove none is left behind.
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { ActivitySpecErrorEvent } from '../../src/events/activity-spec-error-event.js';
import { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import { deriveInline, parseFilter, parseSortBy, sharedPoolCount, viewSpec } from '../../src/elements/activity-feed/activity-view.js';
import type { ActivityItem } from '../../src/protocol/index.js';
import { WorkerPool } from '../../src/services/worker-pool.js';
import { activityEnvelope, activityItem } from '../support/fakes.js';
import { mountFeed, part, shownSeqs } from './activity-support.js';

const workerSource = new URL('../../src/workers/data-worker.ts', import.meta.url);
const pools: WorkerPool[] = [];
const liveWorkers = new Set<Worker>();

class PooledFeed extends ActivityFeed {
  static override createWorkerPool(): WorkerPool {
    const pool = new WorkerPool({
      createWorker: () => {
        const worker = new Worker(workerSource, { type: 'module' });
        liveWorkers.add(worker);
        const terminate = worker.terminate.bind(worker);
        worker.terminate = () => {
          liveWorkers.delete(worker);
          terminate();
        };
        return worker;
      },
    });
    pools.push(pool);
    return pool;
  }

  /** What every render showed: the view and whether an empty state was on screen. */
  readonly renders: { seqs: number[]; empty: boolean }[] = [];

  protected override updated(): void {
    super.updated();
    this.renders.push({ seqs: this.filteredItems.map((item) => item.seq), empty: part(this, 'empty') !== null });
  }
}
customElements.define('activity-feed-pooled', PooledFeed);

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Bo', 'Lin Wu'];
const ACTIONS = ['edited', 'commented on', 'merged'];
const BASE = Date.UTC(2026, 5, 1);

/** Items newest first; names and actions cycle with different periods so sorts have ties to keep. */
function page(count: number): ActivityItem[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = count - i;
    return activityItem(seq, { userName: NAMES[(seq * 7) % NAMES.length]!, action: ACTIONS[seq % ACTIONS.length]! }, BASE + ((seq * 7919) % 100_003) * 1000);
  });
}

/** The parsed value of a spec the test knows is valid. */
function valid<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

const seqs = (items: readonly ActivityItem[]) => items.map((item) => item.seq);

/** The same view written plainly, to check the feed against. */
function expected(items: readonly ActivityItem[], keep: (item: ActivityItem) => boolean, compare?: (a: ActivityItem, b: ActivityItem) => number) {
  const kept = items.filter(keep);
  return seqs(compare ? [...kept].sort(compare) : kept);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function mountLarge(attributes: string, count = 5000) {
  const mounted = await mountFeed({ max: 10_000, tag: 'activity-feed-pooled', attributes });
  const feed = mounted.feed as PooledFeed;
  mounted.api.activityCalls[0]!.reply.resolve({ items: page(count), next: null });
  // The first page goes through a task: wait for it to be merged, then for the pool's view.
  await waitUntil(() => feed.items.length === count);
  await feed.updateComplete;
  return { ...mounted, feed };
}

describe('<activity-feed> filter and sort-by', () => {
  afterEach(() => {
    // Fixtures are removed after each test; a pool left by one would spoil the next one's counts.
    for (const pool of pools.splice(0)) pool.terminate();
  });

  it('sorts and filters a small list inline, with no pool started', async () => {
    const { api, feed } = await mountFeed({ tag: 'activity-feed-pooled', attributes: 'sort-by="userName,-ts" filter="action=edited|merged"' });
    const items = page(30);
    api.activityCalls[0]!.reply.resolve({ items, next: null });
    await waitUntil(() => shownSeqs(feed).length > 0);
    const want = expected(
      items,
      (item) => item.action !== 'commented on',
      (a, b) => byText(a.userName, b.userName) || b.ts - a.ts,
    );
    expect(seqs(feed.filteredItems)).to.deep.equal(want);
    expect(shownSeqs(feed).slice(0, 5)).to.deep.equal(want.slice(0, 5));
    expect(pools).to.have.length(0);
    expect(sharedPoolCount()).to.equal(0);

    feed.setAttribute('sort-by', '-ts');
    feed.setAttribute('filter', 'userName~Lin;seq>10');
    feed.setAttribute('filter-action', 'merged');
    await feed.updateComplete;
    expect(seqs(feed.filteredItems)).to.deep.equal(
      expected(
        items,
        (item) => item.userName.includes('Lin') && item.seq > 10 && item.action === 'merged',
        (a, b) => b.ts - a.ts,
      ),
    );
    expect(feed.filteredItems.length).to.be.greaterThan(0);
    // `-ts` keeps time order, so day headings stay; a sort by action drops them.
    expect(part(feed, 'day')).to.not.equal(null);
    feed.setAttribute('sort-by', 'action');
    await feed.updateComplete;
    expect(part(feed, 'day'), 'no day headings out of time order').to.equal(null);
  });

  it('filters and sorts 5,000 items through the worker pool, with the same result as inline', async function () {
    this.timeout(60_000);
    const filter = 'action=edited|commented on;userName~a';
    const sortBy = 'userName,-ts';
    const { feed } = await mountLarge(`filter="${filter}" sort-by="${sortBy}"`);
    expect(pools).to.have.length(1);
    expect(pools[0]!.mode).to.equal('worker');
    // While the pool worked on the first page, the list never said that nothing matches.
    expect(feed.renders.some((render) => render.empty)).to.equal(false);
    expect(pools[0]!.workersStarted).to.equal(1);
    expect(feed.items).to.have.length(5000);
    const want = expected(
      feed.items,
      (item) => item.action !== 'merged' && item.userName.includes('a'),
      (a, b) => byText(a.userName, b.userName) || b.ts - a.ts,
    );
    expect(want.length).to.be.within(1000, 4000);
    expect(seqs(feed.filteredItems)).to.deep.equal(want);
    const inline = deriveInline(feed.items, viewSpec(valid(parseFilter(filter)), valid(parseSortBy(sortBy)), null, null, null));
    expect(seqs(inline)).to.deep.equal(seqs(feed.filteredItems));
    expect(shownSeqs(feed)[0]).to.equal(want[0]);

    // filter-user and filter-action travel to the pool too; the predicate runs on what comes back.
    feed.setAttribute('filter-user', 'Bo');
    feed.removeAttribute('filter');
    feed.predicate = (item) => item.seq % 2 === 0;
    await feed.updateComplete;
    expect(seqs(feed.filteredItems)).to.deep.equal(
      expected(
        feed.items,
        (item) => item.userName === 'Bo' && item.seq % 2 === 0,
        (a, b) => byText(a.userName, b.userName) || b.ts - a.ts,
      ),
    );
    expect(pools).to.have.length(1);
  });

  it('keeps showing the previous view while the pool works, never an empty state', async function () {
    this.timeout(60_000);
    const { feed } = await mountLarge('sort-by="ts"');
    const first = seqs(feed.filteredItems);
    expect(first[0]).to.not.equal(5000);
    feed.renders.length = 0;
    feed.setAttribute('sort-by', '-userName');
    feed.setAttribute('filter', 'action=merged');
    await feed.updateComplete;
    const second = expected(
      feed.items,
      (item) => item.action === 'merged',
      (a, b) => byText(b.userName, a.userName),
    );
    expect(seqs(feed.filteredItems)).to.deep.equal(second);
    // The attribute change rendered the old view; the pool's answer rendered the new one.
    expect(feed.renders.length).to.be.greaterThan(1);
    for (const render of feed.renders) {
      expect(render.empty).to.equal(false);
      expect([first, second]).to.deep.include(render.seqs);
    }
  });

  it('reports an invalid filter or sort-by once, ignores it and keeps the rest working', async () => {
    const { api, connection, feed } = await mountFeed({ tag: 'activity-feed-pooled', attributes: 'filter-action="edited"' });
    const items = page(12);
    api.activityCalls[0]!.reply.resolve({ items, next: null });
    await waitUntil(() => feed.items.length === items.length);
    await feed.updateComplete;
    const events: ActivitySpecErrorEvent[] = [];
    feed.addEventListener('activity-spec-error', (event) => events.push(event));

    const reported = oneEvent<ActivitySpecErrorEvent>(feed, 'activity-spec-error');
    feed.setAttribute('filter', 'score>5');
    const event = await reported;
    expect(event.attribute).to.equal('filter');
    expect(event.value).to.equal('score>5');
    expect(event.message).to.match(/unknown field "score"/);
    await feed.updateComplete;
    // Ignored as a whole: filter-action still applies, the list is in its own order.
    expect(seqs(feed.filteredItems)).to.deep.equal(expected(items, (item) => item.action === 'edited'));

    // More renders with the same invalid value report nothing more.
    connection.emit(activityEnvelope(13, { action: 'edited' }));
    await feed.updateComplete;
    expect(seqs(feed.filteredItems)[0]).to.equal(13);
    expect(events).to.have.length(1);

    feed.setAttribute('sort-by', 'userName,');
    await feed.updateComplete;
    expect(events.map((each) => each.attribute)).to.deep.equal(['filter', 'sort-by']);
    expect(seqs(feed.filteredItems)).to.deep.equal(expected(feed.items, (item) => item.action === 'edited'));

    feed.setAttribute('filter', 'seq<=6');
    feed.setAttribute('sort-by', 'seq');
    await feed.updateComplete;
    expect(seqs(feed.filteredItems)).to.deep.equal(expected(items, (item) => item.action === 'edited' && item.seq <= 6).reverse());
    expect(events).to.have.length(2);
  });

  it('ends a burst that arrives while a pool request is in flight with the right view', async function () {
    this.timeout(60_000);
    const { connection, feed } = await mountLarge('sort-by="-userName" filter="action!=merged"');
    const pool = pools[0]!;
    feed.setAttribute('filter', 'action=commented on|merged');
    // Let the attribute's update start its request.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(pool.pending).to.be.greaterThan(0);
    for (let seq = 5001; seq <= 5300; seq += 1) {
      connection.emit(activityEnvelope(seq, { userName: NAMES[seq % NAMES.length]!, action: ACTIONS[seq % ACTIONS.length]! }, BASE + seq));
    }
    await feed.updateComplete;
    expect(feed.items).to.have.length(5300);
    expect(seqs(feed.filteredItems)).to.deep.equal(
      expected(
        feed.items,
        (item) => item.action !== 'edited',
        (a, b) => byText(b.userName, a.userName),
      ),
    );
    expect(pool.pending).to.equal(0);
  });

  it('shares one pool between feeds and leaves no pool or worker after they are removed', async function () {
    this.timeout(60_000);
    const one = await mountLarge('sort-by="userName"');
    const two = await mountLarge('filter="userName^=Gr"', 3000);
    expect(pools).to.have.length(1);
    expect(sharedPoolCount()).to.equal(1);
    expect(liveWorkers.size).to.equal(1);
    expect(two.feed.filteredItems.every((item) => item.userName.startsWith('Gr'))).to.equal(true);

    // Removed while a request runs: it is cancelled, the pool stays for the other feed.
    one.feed.setAttribute('sort-by', '-userName');
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(pools[0]!.pending).to.be.greaterThan(0);
    one.provider.remove();
    expect(sharedPoolCount()).to.equal(1);
    two.provider.remove();
    expect(sharedPoolCount()).to.equal(0);
    expect(liveWorkers.size).to.equal(0);
    expect(pools[0]!.pending).to.equal(0);

    // Put back, the feed starts a fresh pool when it needs one and shows the right view.
    document.body.append(one.provider);
    await one.feed.updateComplete;
    expect(pools).to.have.length(2);
    expect(seqs(one.feed.filteredItems)).to.deep.equal(expected(one.feed.items, () => true, (a, b) => byText(b.userName, a.userName)));
    one.provider.remove();
    expect(sharedPoolCount()).to.equal(0);
    expect(liveWorkers.size).to.equal(0);
  });
});
