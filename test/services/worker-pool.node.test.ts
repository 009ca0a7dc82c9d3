// WorkerPool and the data operations in Node: the pure functions, the request lifecycle against a
// scripted in-process worker under fake timers, and the chunked main-thread fallback.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { WorkerPool, WorkerPoolError, type WorkerLike, type WorkerPoolOptions } from '../../src/services/worker-pool.js';
import { runTask, runTaskNow, extractColumn, type DataTask, type DataResult } from '../../src/workers/data-ops.js';
import type { WorkerReply, WorkerRequest } from '../../src/workers/protocol.js';

/** A worker that answers with the real data code when the test says so (or by itself, on a timer). */
class ScriptedWorker extends EventTarget implements WorkerLike {
  static made: ScriptedWorker[] = [];
  readonly requests: WorkerRequest[] = [];
  terminated = false;

  constructor(
    readonly url: string | URL,
    readonly options: { type?: string } = {},
    readonly behaviour: { auto?: boolean; ready?: boolean } = { auto: true, ready: true },
  ) {
    super();
    ScriptedWorker.made.push(this);
    if (behaviour.ready !== false) setTimeout(() => this.#send({ ready: true }), 0);
  }

  postMessage(message: unknown): void {
    if (this.terminated) return;
    // Structured clone, as the real thing does (transfer lists are not modelled).
    const request = structuredClone(message) as WorkerRequest;
    this.requests.push(request);
    if (this.behaviour.auto) setTimeout(() => this.answer(request.id), 0);
  }

  /** Answers a request, even after termination (to prove a late reply is ignored). */
  answer(id: number): void {
    const request = this.requests.find((entry) => entry.id === id);
    if (!request) throw new Error(`no request ${id}`);
    let reply: WorkerReply;
    try {
      reply = { id, ok: true, result: runTaskNow(request.task) };
    } catch (error) {
      reply = { id, ok: false, error: { name: (error as Error).name, message: (error as Error).message } };
    }
    this.#send(reply);
  }

  fail(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }

  #send(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }

  terminate(): void {
    this.terminated = true;
  }
}

const manual = { auto: false, ready: true };

function rows(count: number): { id: number; score: number; user: string }[] {
  return Array.from({ length: count }, (_, id) => ({ id, score: (id * 7919) % 1000, user: `u${id % 3}` }));
}

describe('data operations', () => {
  test('sorting numbers puts NaN last in both directions', () => {
    const asc = runTaskNow({ kind: 'sort-values', values: Float64Array.of(3, Number.NaN, -1, 2), direction: 'asc' });
    assert.deepEqual([...(asc as Float64Array)], [-1, 2, 3, Number.NaN]);
    const desc = runTaskNow({ kind: 'sort-values', values: Float64Array.of(3, Number.NaN, -1, 2), direction: 'desc' });
    assert.deepEqual([...(desc as Float64Array)], [3, 2, -1, Number.NaN]);
  });

  test('sorting rows by several keys is stable and puts missing values last', () => {
    const items = [{ a: 1, b: 'x' }, { a: null, b: 'a' }, { a: 1, b: 'a' }, { a: 0, b: 'z' }, { a: 1, b: 'a' }];
    const columns = [extractColumn(items, 'a'), extractColumn(items, 'b')];
    const order = runTaskNow({ kind: 'sort', columns, directions: ['desc', 'asc'], length: items.length }) as Uint32Array;
    assert.deepEqual([...order], [2, 4, 0, 3, 1]);
  });

  test('every filter operator, and all/any, select what they say', () => {
    const items = [{ n: 1, s: 'apple' }, { n: 5, s: 'banana' }, { n: 10, s: 'cherry' }, { n: null, s: 'apricot' }];
    const columns = [extractColumn(items, 'n'), extractColumn(items, 's')];
    const run = (filter: Extract<DataTask, { kind: 'filter' }>['filter']) =>
      [...(runTaskNow({ kind: 'filter', columns, filter, length: items.length, pickValues: false }) as Uint32Array)];
    assert.deepEqual(run({ col: 0, op: '>', value: 1 }), [1, 2]);
    assert.deepEqual(run({ col: 0, op: '>=', value: 5 }), [1, 2]);
    assert.deepEqual(run({ col: 0, op: '<', value: 5 }), [0]);
    assert.deepEqual(run({ col: 0, op: '<=', value: 5 }), [0, 1]);
    assert.deepEqual(run({ col: 0, op: '=', value: null }), [3]);
    assert.deepEqual(run({ col: 0, op: '!=', value: 5 }), [0, 2, 3]);
    assert.deepEqual(run({ col: 0, op: 'in', value: [1, 10] }), [0, 2]);
    assert.deepEqual(run({ col: 0, op: 'not-in', value: [1, 10] }), [1, 3]);
    assert.deepEqual(run({ col: 1, op: 'contains', value: 'an' }), [1]);
    assert.deepEqual(run({ col: 1, op: 'starts-with', value: 'ap' }), [0, 3]);
    assert.deepEqual(run({ col: 1, op: '>', value: 5 }), [], 'a string is never greater than a number');
    assert.deepEqual(run({ any: [{ col: 0, op: '=', value: 1 }, { col: 1, op: '=', value: 'cherry' }] }), [0, 2]);
    assert.deepEqual(run({ all: [{ col: 0, op: '>', value: 0 }, { col: 1, op: 'contains', value: 'e' }] }), [0, 2]);
  });

  test('aggregates with groupBy count, sum, average and bound each group', () => {
    const items = [{ g: 'a', v: 1 }, { g: 'b', v: 10 }, { g: 'a', v: 3 }, { g: 'b', v: null }];
    const values = extractColumn(items, 'v');
    const groups = extractColumn(items, 'g');
    const run = (op: 'count' | 'sum' | 'avg' | 'min' | 'max') => runTaskNow({ kind: 'aggregate', op, values, groups, length: items.length });
    assert.deepEqual(run('sum'), { value: 14, count: 3, groups: [{ key: 'a', value: 4, count: 2 }, { key: 'b', value: 10, count: 1 }] });
    assert.deepEqual(run('avg'), { value: 14 / 3, count: 3, groups: [{ key: 'a', value: 2, count: 2 }, { key: 'b', value: 10, count: 1 }] });
    assert.deepEqual(run('min'), { value: 1, count: 3, groups: [{ key: 'a', value: 1, count: 2 }, { key: 'b', value: 10, count: 1 }] });
    assert.deepEqual(run('max'), { value: 10, count: 3, groups: [{ key: 'a', value: 3, count: 2 }, { key: 'b', value: 10, count: 1 }] });
    assert.deepEqual(runTaskNow({ kind: 'aggregate', op: 'count', values: null, groups, length: 4 }), {
      value: 4,
      count: 4,
      groups: [{ key: 'a', value: 2, count: 2 }, { key: 'b', value: 2, count: 2 }],
    });
  });

  test('C18: min and max over 200,000 and 10,000,000 numbers are right, without spreading arguments', () => {
    for (const size of [200_000, 10_000_000]) {
      const values = new Float64Array(size);
      for (let i = 0; i < size; i++) values[i] = ((i * 2654435761) % 1_000_003) - 500_000;
      values[size - 3] = -9_999_999;
      values[7] = 9_999_999;
      assert.deepEqual(runTaskNow({ kind: 'aggregate', op: 'min', values, groups: null, length: size }), { value: -9_999_999, count: size });
      assert.deepEqual(runTaskNow({ kind: 'aggregate', op: 'max', values, groups: null, length: size }), { value: 9_999_999, count: size });
    }
  });

  test('C18: over empty input, count and sum are 0 and avg, min and max are null', () => {
    const empty = new Float64Array(0);
    for (const [op, value] of [['count', 0], ['sum', 0], ['avg', null], ['min', null], ['max', null]] as const) {
      assert.deepEqual(runTaskNow({ kind: 'aggregate', op, values: empty, groups: null, length: 0 }), { value, count: 0 });
    }
    assert.equal((runTaskNow({ kind: 'sort-values', values: empty, direction: 'asc' }) as Float64Array).length, 0);
    assert.equal((runTaskNow({ kind: 'sort', columns: [empty], directions: ['asc'], length: 0 }) as Uint32Array).length, 0);
  });

  test('in chunks the operations give the same answers as in one go', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const items = Array.from({ length: 5_003 }, () => ({ n: random() < 0.05 ? null : Math.floor(random() * 100), s: random() < 0.5 ? 'x' : 'y' }));
    const columns = [extractColumn(items, 'n'), extractColumn(items, 's')];
    const tasks: (() => DataTask)[] = [
      () => ({ kind: 'sort', columns, directions: ['asc', 'desc'], length: items.length }),
      () => ({ kind: 'sort-values', values: Float64Array.from(items, (item) => item.n ?? Number.NaN), direction: 'desc' }),
      () => ({ kind: 'filter', columns, filter: { col: 0, op: '>', value: 50 }, length: items.length, pickValues: false }),
      () => ({ kind: 'aggregate', op: 'avg', values: columns[0]!, groups: columns[1]!, length: items.length }),
    ];
    for (const make of tasks) {
      const whole = runTaskNow(make());
      const steps = runTask(make(), 97);
      let yields = 0;
      let step = steps.next();
      while (!step.done) {
        yields += 1;
        step = steps.next();
      }
      assert.ok(yields > 10, `${make().kind} yielded ${yields} times`);
      const same = (value: DataResult) => (ArrayBuffer.isView(value) ? [...(value as Float64Array)] : value);
      assert.deepEqual(same(step.value), same(whole));
    }
  });
});

describe('WorkerPool', () => {
  let clock: sinon.SinonFakeTimers;
  const pools: WorkerPool[] = [];

  beforeEach(() => {
    ScriptedWorker.made = [];
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  afterEach(() => {
    for (const pool of pools.splice(0)) pool.terminate();
    clock.restore();
  });

  function pool(options: WorkerPoolOptions & { behaviour?: { auto?: boolean; ready?: boolean } } = {}): WorkerPool {
    const { behaviour, ...rest } = options;
    const created = new WorkerPool({
      createWorker: () => new ScriptedWorker('test', {}, behaviour),
      clock: { now: () => Date.now(), setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as number) },
      yieldToMain: () => new Promise((resolve) => setTimeout(resolve, 0)),
      ...rest,
    });
    pools.push(created);
    return created;
  }

  test('sorts, filters and aggregates rows through the worker', async () => {
    const workers = pool();
    const data = rows(1_000);
    const sorted = workers.sort(data, [{ field: 'score', direction: 'desc' }, { field: 'id' }]);
    const kept = workers.filter(data, { all: [{ field: 'user', op: '=', value: 'u1' }, { field: 'score', op: '<', value: 100 }] });
    const total = workers.aggregate(data, { op: 'sum', field: 'score', groupBy: 'user' });
    await clock.runAllAsync();
    const expected = [...data].sort((a, b) => b.score - a.score || a.id - b.id);
    assert.deepEqual(await sorted, expected);
    assert.deepEqual(await kept, data.filter((row) => row.user === 'u1' && row.score < 100));
    const sums = await total;
    assert.equal(sums.value, data.reduce((sum, row) => sum + row.score, 0));
    assert.deepEqual(sums.groups?.map((group) => group.key), ['u0', 'u1', 'u2']);
    assert.equal(ScriptedWorker.made.length, 1);
    assert.deepEqual(ScriptedWorker.made[0]!.requests.map((request) => request.id), [1, 2, 3]);
  });

  test('rows never cross to the worker: only the columns a spec reads', async () => {
    const workers = pool();
    const data = rows(10).map((row) => ({ ...row, secret: 'kept on the page' }));
    const sorted = workers.sort(data, { field: 'score' });
    await clock.runAllAsync();
    await sorted;
    assert.equal(JSON.stringify(ScriptedWorker.made[0]!.requests).includes('secret'), false);
  });

  test('C16: terminate rejects every pending request at once, clears their timers, ignores late replies and starts fresh', async () => {
    const workers = pool({ behaviour: manual, timeoutMs: 5_000 });
    const data = rows(200_000);
    const sorting = workers.sort(data, { field: 'score' });
    const aggregating = workers.aggregate(data, { op: 'avg', field: 'score' });
    await clock.tickAsync(1);
    const first = ScriptedWorker.made[0]!;
    assert.equal(first.requests.length, 1, 'the worker holds one request, the other is queued');
    assert.equal(workers.pending, 2);
    const timersBefore = clock.countTimers();
    assert.equal(timersBefore, 2);
    const outcomes: string[] = [];
    sorting.catch((error: WorkerPoolError) => outcomes.push(`sort ${error.code}`));
    aggregating.catch((error: WorkerPoolError) => outcomes.push(`aggregate ${error.code}`));
    workers.terminate();
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(outcomes.sort(), ['aggregate terminated', 'sort terminated']);
    assert.equal(clock.countTimers(), 0);
    assert.equal(first.terminated, true);
    assert.equal(workers.pending, 0);
    first.answer(first.requests[0]!.id);
    const next = workers.aggregate(data, { op: 'max', field: 'score' });
    await clock.tickAsync(1);
    assert.equal(ScriptedWorker.made.length, 2, 'the next request gets a fresh worker');
    ScriptedWorker.made[1]!.answer(ScriptedWorker.made[1]!.requests[0]!.id);
    assert.deepEqual(await next, { value: 999, count: 200_000 });
  });

  test('a request times out, its worker is replaced and the queue goes on', async () => {
    const workers = pool({ behaviour: manual, timeoutMs: 1_000 });
    const slow = workers.aggregate([1, 2, 3], { op: 'sum' }).catch((error: WorkerPoolError) => error.code);
    const queued = workers.aggregate([4, 5], { op: 'sum' }, { timeoutMs: 10_000 });
    await clock.tickAsync(999);
    assert.equal(ScriptedWorker.made.length, 1);
    await clock.tickAsync(1);
    assert.equal(await slow, 'timeout');
    assert.equal(ScriptedWorker.made[0]!.terminated, true);
    await clock.tickAsync(1);
    const fresh = ScriptedWorker.made[1]!;
    fresh.answer(fresh.requests[0]!.id);
    assert.deepEqual(await queued, { value: 9, count: 2 });
  });

  test('an AbortSignal cancels a running request (new worker) and a queued one (worker untouched)', async () => {
    const workers = pool({ behaviour: manual });
    const running = new AbortController();
    const waiting = new AbortController();
    const first = workers.sort([3, 1, 2], {}, { signal: running.signal }).catch((error: WorkerPoolError) => error.code);
    const second = workers.sort([9, 8], {}, { signal: waiting.signal }).catch((error: WorkerPoolError) => error.code);
    await clock.tickAsync(1);
    waiting.abort();
    assert.equal(await second, 'aborted');
    assert.equal(ScriptedWorker.made[0]!.terminated, false);
    running.abort();
    assert.equal(await first, 'aborted');
    assert.equal(ScriptedWorker.made[0]!.terminated, true);
    const already = new AbortController();
    already.abort();
    await assert.rejects(workers.sort([1], {}, { signal: already.signal }), { code: 'aborted' });
    assert.equal(clock.countTimers(), 0);
  });

  test('C17: a function as filter, a class instance in the data or the spec gets a clear rejection and leaves nothing pending', async () => {
    const workers = pool();
    class Score {
      constructor(readonly value: number) {}
    }
    const cases: [Promise<unknown>, RegExp][] = [
      [workers.filter(rows(3), ((row: { score: number }) => row.score > 5) as never), /plain data.*not a function/],
      [workers.filter([new Score(1)] as never[], { field: 'value', op: '>', value: 5 }), /items\[0\] must be a plain object, not a Score instance/],
      [workers.sort([{ score: new Score(1) }], { field: 'score' }), /items\[0\]\.score must be .*not a Score instance/],
      [workers.filter(rows(3), { field: 'score', op: '>', value: new Score(5) as never }), /filter\.value must be .*not a Score instance/],
      [workers.filter(rows(3), { field: 'score', op: 'like' as never, value: 5 }), /filter\.op must be one of/],
      [workers.aggregate(rows(3), { op: 'median' as never, field: 'score' }), /aggregate\.op must be one of/],
      [workers.aggregate([{ v: 'x' }], { op: 'sum', field: 'v' }), /items\[0\]\.v is not a number/],
      [workers.sort(Float64Array.of(1), { field: 'x' }), /typed array is sorted by value/],
    ];
    for (const [promise, message] of cases) await assert.rejects(promise, (error: WorkerPoolError) => error.code === 'invalid' && message.test(error.message));
    assert.equal(workers.pending, 0);
    assert.equal(ScriptedWorker.made.length, 0, 'nothing was sent anywhere');
  });

  test('typed arrays are copied unless transferred; the result is the same type', async () => {
    const workers = pool();
    const values = Float32Array.of(3, 1, 2);
    const sorted = workers.sort(values);
    await clock.runAllAsync();
    const result = await sorted;
    assert.ok(result instanceof Float32Array);
    assert.deepEqual([...result], [1, 2, 3]);
    assert.deepEqual([...values], [3, 1, 2]);
    const kept = workers.filter(Int32Array.of(5, -1, 7), { op: '>', value: 0 });
    await clock.runAllAsync();
    assert.deepEqual([...(await kept)], [5, 7]);
  });

  test('where no worker can be constructed (CSP), the work runs on the main thread in chunks', async () => {
    const warnings: string[] = [];
    let yields = 0;
    const workers = pool({
      createWorker: () => {
        throw new DOMException('blocked by CSP', 'SecurityError');
      },
      chunkSize: 1_000,
      yieldToMain: () => {
        yields += 1;
        return new Promise((resolve) => setTimeout(resolve, 0));
      },
      logger: { debug: () => {}, warn: (message) => warnings.push(message) },
    });
    const data = rows(20_000);
    const sorted = workers.sort(data, { field: 'score' });
    const total = workers.aggregate(data, { op: 'count' });
    await clock.runAllAsync();
    assert.deepEqual((await sorted).map((row) => row.id), [...data].sort((a, b) => a.score - b.score || a.id - b.id).map((row) => row.id));
    assert.deepEqual(await total, { value: 20_000, count: 20_000 });
    assert.equal(workers.mode, 'inline');
    assert.ok(yields >= 20, `yielded ${yields} times`);
    assert.equal(warnings.length, 1);
  });

  test('a worker whose script fails to load falls back to the main thread for the request it was holding', async () => {
    const workers = pool({ behaviour: { auto: false, ready: false } });
    const sum = workers.aggregate([1, 2, 3], { op: 'sum' });
    await clock.tickAsync(1);
    assert.equal(ScriptedWorker.made[0]!.requests.length, 0, 'nothing is sent before the worker says it is ready');
    ScriptedWorker.made[0]!.fail('404');
    await clock.runAllAsync();
    assert.deepEqual(await sum, { value: 6, count: 3 });
    assert.equal(workers.mode, 'inline');
    assert.equal(ScriptedWorker.made[0]!.terminated, true);
  });

  test('a worker that crashes mid-request rejects that request; the next gets a fresh worker', async () => {
    const workers = pool({ behaviour: manual });
    const failing = workers.aggregate([1], { op: 'sum' }).catch((error: WorkerPoolError) => error.code);
    await clock.tickAsync(1);
    ScriptedWorker.made[0]!.fail('out of memory');
    assert.equal(await failing, 'worker');
    const next = workers.aggregate([2], { op: 'sum' });
    await clock.tickAsync(1);
    ScriptedWorker.made[1]!.answer(ScriptedWorker.made[1]!.requests[0]!.id);
    assert.deepEqual(await next, { value: 2, count: 1 });
    assert.equal(workers.mode, 'worker');
  });

  test('with several workers, requests run side by side', async () => {
    const workers = pool({ behaviour: manual, size: 2 });
    const first = workers.aggregate([1], { op: 'sum' });
    const second = workers.aggregate([2], { op: 'sum' });
    await clock.tickAsync(1);
    await clock.tickAsync(1);
    assert.equal(ScriptedWorker.made.length, 2);
    for (const worker of ScriptedWorker.made) worker.answer(worker.requests[0]!.id);
    assert.deepEqual(await Promise.all([first, second]), [{ value: 1, count: 1 }, { value: 2, count: 1 }]);
  });

  test('from another origin the worker starts from a blob that imports it; the blob URL is revoked once it runs', async () => {
    const started: (string | URL)[] = [];
    const revoked: string[] = [];
    const codes: string[] = [];
    const FakeWorker = class extends ScriptedWorker {
      constructor(url: string | URL, options?: { type?: string }) {
        super(url, options);
        started.push(url);
      }
    };
    const workers = pool({
      createWorker: undefined,
      Worker: FakeWorker,
      workerUrl: 'https://cdn.example/kit/workers/data-worker.js',
      origin: 'https://app.example',
      blobUrl: (code) => {
        codes.push(code);
        return { url: 'blob:https://app.example/1', revoke: () => revoked.push('blob:https://app.example/1') };
      },
    });
    const sum = workers.aggregate([1, 2], { op: 'sum' });
    await clock.runAllAsync();
    assert.deepEqual(await sum, { value: 3, count: 2 });
    assert.deepEqual(started, ['blob:https://app.example/1']);
    assert.deepEqual(codes, ['import "https://cdn.example/kit/workers/data-worker.js";\n']);
    assert.deepEqual(revoked, ['blob:https://app.example/1']);
    assert.equal((ScriptedWorker.made[0]!.options as { type?: string }).type, 'module');

    const sameOrigin = pool({ createWorker: undefined, Worker: FakeWorker, workerUrl: 'https://app.example/w.js', origin: 'https://app.example' });
    const other = sameOrigin.aggregate([1], { op: 'count' });
    await clock.runAllAsync();
    await other;
    assert.equal(String(started[1]), 'https://app.example/w.js');
  });

  test('with no Worker at all the pool says so and still answers', async () => {
    const workers = pool({ createWorker: undefined, Worker: null });
    assert.equal(workers.mode, 'inline');
    const sorted = workers.sort(Float64Array.of(2, 1));
    await clock.runAllAsync();
    assert.deepEqual([...(await sorted)], [1, 2]);
  });
});
