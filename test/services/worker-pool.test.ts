// WorkerPool in Chromium with a real module worker (the TypeScript entry, compiled by the test
// server), a real blob start and the main-thread fallback.
import { expect } from '@open-wc/testing';
import { WorkerPool, WorkerPoolError } from '../../src/services/worker-pool.js';

/** The test server compiles .ts on request, so the worker starts from its source. */
const workerSource = new URL('../../src/workers/data-worker.ts', import.meta.url);
const startWorker = () => new Worker(workerSource, { type: 'module' });

function rows(count: number): { id: number; score: number; user: string }[] {
  return Array.from({ length: count }, (_, id) => ({ id, score: (id * 7919) % 100_003, user: `u${id % 5}` }));
}

describe('WorkerPool in the browser', () => {
  const pools: WorkerPool[] = [];
  afterEach(() => {
    for (const pool of pools.splice(0)) pool.terminate();
  });
  const pool = (options: ConstructorParameters<typeof WorkerPool>[0] = {}): WorkerPool => {
    const created = new WorkerPool({ createWorker: startWorker, ...options });
    pools.push(created);
    return created;
  };

  it('sorts, filters and aggregates rows in a real worker', async () => {
    const workers = pool();
    const data = rows(50_000);
    const [sorted, kept, grouped] = await Promise.all([
      workers.sort(data, [{ field: 'user' }, { field: 'score', direction: 'desc' }]),
      workers.filter(data, { any: [{ field: 'score', op: '<', value: 100 }, { field: 'user', op: 'in', value: ['u4'] }] }),
      workers.aggregate(data, { op: 'avg', field: 'score', groupBy: 'user' }),
    ]);
    expect(workers.mode).to.equal('worker');
    expect(sorted.map((row) => row.id)).to.deep.equal(
      [...data].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : b.score - a.score || a.id - b.id)).map((row) => row.id),
    );
    expect(kept).to.deep.equal(data.filter((row) => row.score < 100 || row.user === 'u4'));
    expect(grouped.groups?.length).to.equal(5);
    expect(grouped.value).to.be.closeTo(data.reduce((sum, row) => sum + row.score, 0) / data.length, 1e-6);
  });

  it('C16: terminate before a sort and an aggregate over 200k rows answer rejects both at once; the next request gets a fresh worker', async function () {
    this.timeout(60_000);
    const workers = pool();
    const data = rows(200_000);
    const sorting = workers.sort(data, { field: 'score' });
    const aggregating = workers.aggregate(data, { op: 'sum', field: 'score' });
    const codes: string[] = [];
    const both = Promise.allSettled([sorting, aggregating]).then((results) =>
      results.forEach((result) => codes.push(result.status === 'rejected' ? (result.reason as WorkerPoolError).code : 'answered')),
    );
    workers.terminate();
    await both;
    expect(codes).to.deep.equal(['terminated', 'terminated']);
    expect(workers.pending).to.equal(0);
    const next = await workers.aggregate(data, { op: 'max', field: 'score' });
    expect(next.value).to.equal(data.reduce((max, row) => Math.max(max, row.score), Number.NEGATIVE_INFINITY));
    expect(workers.workersStarted).to.equal(2);
  });

  it('C17: a function as filter or a class instance in the payload is a clear rejection, not a DataCloneError', async () => {
    const workers = pool();
    class Point {
      constructor(readonly x: number) {}
    }
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    window.addEventListener('error', onError);
    try {
      for (const attempt of [
        () => workers.filter(rows(10), ((row: { score: number }) => row.score > 5) as never),
        () => workers.sort([{ at: new Point(1) }], { field: 'at' }),
        () => workers.filter([new Point(1)] as never[], { field: 'x', op: '>', value: 0 }),
      ]) {
        let caught: unknown;
        try {
          await attempt();
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(WorkerPoolError);
        expect((caught as WorkerPoolError).code).to.equal('invalid');
        expect((caught as WorkerPoolError).message).to.match(/plain|not a Point instance/);
      }
      expect(workers.pending).to.equal(0);
      const ok = await workers.filter(rows(10), { field: 'score', op: '>', value: 5 });
      expect(ok.length).to.be.greaterThan(0);
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(errors).to.deep.equal([]);
  });

  it('C18: min and max over 200,000 and 10,000,000 numbers (transferred) are right; empty input gives the documented values', async function () {
    this.timeout(120_000);
    const workers = pool();
    for (const size of [200_000, 10_000_000]) {
      const make = () => {
        const values = new Float64Array(size);
        for (let i = 0; i < size; i++) values[i] = (i % 1000) - 500;
        values[size - 1] = 123_456;
        values[1] = -654_321;
        return values;
      };
      const forMin = make();
      const min = await workers.aggregate(forMin, { op: 'min' }, { transfer: true });
      expect(forMin.length, 'the buffer moved to the worker').to.equal(0);
      const max = await workers.aggregate(make(), { op: 'max' });
      expect(min).to.deep.equal({ value: -654_321, count: size });
      expect(max).to.deep.equal({ value: 123_456, count: size });
    }
    const empty = new Float64Array(0);
    expect(await workers.aggregate(empty, { op: 'min' })).to.deep.equal({ value: null, count: 0 });
    expect(await workers.aggregate(empty, { op: 'max' })).to.deep.equal({ value: null, count: 0 });
    expect(await workers.aggregate(empty, { op: 'avg' })).to.deep.equal({ value: null, count: 0 });
    expect(await workers.aggregate(empty, { op: 'sum' })).to.deep.equal({ value: 0, count: 0 });
    expect(await workers.aggregate([], { op: 'count' })).to.deep.equal({ value: 0, count: 0 });
    expect(await workers.sort([], { field: 'score' })).to.deep.equal([]);
  });

  it('sorts 10,000,000 numbers in the worker', async function () {
    this.timeout(120_000);
    const workers = pool();
    const values = new Float64Array(10_000_000);
    for (let i = 0; i < values.length; i++) values[i] = (i * 2654435761) % 10_000_019;
    const sorted = await workers.sort(values, { direction: 'desc' }, { transfer: true });
    expect(sorted.length).to.equal(10_000_000);
    let ordered = true;
    for (let i = 1; i < sorted.length && ordered; i++) ordered = sorted[i - 1]! >= sorted[i]!;
    expect(ordered).to.equal(true);
  });

  it('a per-request timeout rejects and the worker busy with it is replaced', async function () {
    this.timeout(60_000);
    const workers = pool();
    // A first answer proves the worker is up, so the next requests are running in it, not queued.
    await workers.aggregate([1], { op: 'count' });
    const data = new Float64Array(5_000_000).map((_, i) => (i * 7919) % 5_000_011);
    let code = '';
    try {
      await workers.sort(data, {}, { timeoutMs: 1 });
    } catch (error) {
      code = (error as WorkerPoolError).code;
    }
    expect(code).to.equal('timeout');
    await workers.aggregate([1], { op: 'count' });
    expect(workers.workersStarted).to.equal(2);
    const controller = new AbortController();
    const cancelled = workers.sort(data, {}, { signal: controller.signal }).catch((error: WorkerPoolError) => error.code);
    controller.abort();
    expect(await cancelled).to.equal('aborted');
    expect(await workers.aggregate([1, 2, 3], { op: 'sum' })).to.deep.equal({ value: 6, count: 3 });
    expect(workers.workersStarted).to.equal(3);
  });

  it('starts from a blob: module that imports the worker (the CDN start)', async () => {
    const workers = pool({ createWorker: undefined, workerUrl: workerSource, start: 'blob' });
    const sorted = await workers.sort([3, 1, 2].map((n) => ({ n })), { field: 'n' });
    expect(sorted.map((row) => row.n)).to.deep.equal([1, 2, 3]);
    expect(workers.mode).to.equal('worker');
  });

  it('a worker script that fails to load (here the unbuilt default .js URL) falls back to the main thread', async () => {
    const workers = pool({ createWorker: undefined, start: 'url' });
    const sorted = await workers.sort([3, 1, 2].map((n) => ({ n })), { field: 'n' });
    expect(sorted.map((row) => row.n)).to.deep.equal([1, 2, 3]);
    expect(workers.mode).to.equal('inline');
  });

  it('where a content security policy forbids workers, 200,000 rows sort on the main thread in chunks that let other tasks run', async function () {
    this.timeout(120_000);
    const workers = pool({
      createWorker: () => {
        throw new DOMException("Refused to create a worker: worker-src 'none'", 'SecurityError');
      },
      chunkSize: 20_000,
    });
    const data = rows(200_000);
    const gaps: number[] = [];
    let last = performance.now();
    let running = true;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      if (running) channel.port2.postMessage(null);
    };
    channel.port2.postMessage(null);
    const sorted = await workers.sort(data, { field: 'score' });
    running = false;
    channel.port1.close();
    expect(workers.mode).to.equal('inline');
    expect(sorted.length).to.equal(200_000);
    for (let i = 1; i < sorted.length; i++) if (sorted[i - 1]!.score > sorted[i]!.score) throw new Error(`out of order at ${i}`);
    // Reading the column and reordering are single steps; sorting yields every 20,000 items.
    expect(gaps.length).to.be.greaterThan(20);
  });

  it('under a real content security policy that forbids workers (and blob: starts), the pool falls back to the main thread', async () => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<meta http-equiv="Content-Security-Policy" content="worker-src 'none'">`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    try {
      const other = frame.contentWindow as Window & typeof globalThis;
      for (const start of ['url', 'blob'] as const) {
        const workers = pool({
          createWorker: undefined,
          Worker: other.Worker,
          workerUrl: workerSource,
          start,
          blobUrl: (code) => {
            const url = other.URL.createObjectURL(new other.Blob([code], { type: 'text/javascript' }));
            return { url, revoke: () => other.URL.revokeObjectURL(url) };
          },
        });
        const sorted = await workers.sort([{ n: 2 }, { n: 1 }], { field: 'n' });
        expect(sorted).to.deep.equal([{ n: 1 }, { n: 2 }]);
        expect(workers.mode, start).to.equal('inline');
      }
    } finally {
      frame.remove();
    }
  });
});

