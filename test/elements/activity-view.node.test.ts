import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  acquireSharedPool,
  deriveInline,
  parseFilter,
  parseSortBy,
  releaseSharedPool,
  sharedPoolCount,
  viewSpec,
} from '../../src/elements/activity-feed/activity-view.js';
import type { WorkerPool } from '../../src/services/worker-pool.js';

const item = (seq: number, userName: string, action: string, ts = seq * 1000) => ({ seq, ts, id: `a-${seq}`, userName, action, target: `doc ${seq}` });

describe('activity feed view specs', () => {
  test('sort-by reads fields with an optional minus for descending, separated by commas', () => {
    assert.deepEqual(parseSortBy('-ts'), { ok: true, value: [{ field: 'ts', direction: 'desc' }] });
    assert.deepEqual(parseSortBy(' userName , -seq '), {
      ok: true,
      value: [
        { field: 'userName', direction: 'asc' },
        { field: 'seq', direction: 'desc' },
      ],
    });
    assert.deepEqual(parseSortBy(''), { ok: true, value: null });
    assert.deepEqual(parseSortBy(null), { ok: true, value: null });
  });

  test('sort-by refuses unknown fields and empty keys with a message naming them', () => {
    const unknown = parseSortBy('-score');
    assert.equal(unknown.ok, false);
    assert.match((unknown as { message: string }).message, /unknown field "score"/);
    assert.equal(parseSortBy('ts,').ok, false);
    assert.equal(parseSortBy('-').ok, false);
  });

  test('filter maps each operator to a pool clause, with alternatives, numbers and dates', () => {
    assert.deepEqual(parseFilter('action=commented on; userName~Ada'), {
      ok: true,
      value: [
        { field: 'action', op: '=', value: 'commented on' },
        { field: 'userName', op: 'contains', value: 'Ada' },
      ],
    });
    assert.deepEqual(parseFilter('action=edited|merged;action!=a|b;userName^=Gr;seq>=10;seq<20;'), {
      ok: true,
      value: [
        { field: 'action', op: 'in', value: ['edited', 'merged'] },
        { field: 'action', op: 'not-in', value: ['a', 'b'] },
        { field: 'userName', op: 'starts-with', value: 'Gr' },
        { field: 'seq', op: '>=', value: 10 },
        { field: 'seq', op: '<', value: 20 },
      ],
    });
    assert.deepEqual(parseFilter('ts>2026-01-01T00:00:00Z'), { ok: true, value: [{ field: 'ts', op: '>', value: Date.UTC(2026, 0, 1) }] });
    assert.deepEqual(parseFilter(' ; '), { ok: true, value: null });
  });

  test('filter refuses what it cannot read and names the part', () => {
    for (const [text, pattern] of [
      ['score>5', /unknown field "score"/],
      ['action', /not field, operator/],
      ['action=', /no value/],
      ['seq>ten', /"ten" is not a valid seq/],
      ['seq~1', /reads text/],
      ['action=a|', /"" is not a valid action/],
    ] as const) {
      const result = parseFilter(text);
      assert.equal(result.ok, false, text);
      assert.match((result as { message: string }).message, pattern, text);
    }
  });

  test('the view filters and sorts stably, combines filter-user and filter-action, then runs the predicate', () => {
    const items = [item(6, 'Bo', 'edited'), item(5, 'Ada', 'merged'), item(4, 'Ada', 'edited'), item(3, 'Cy', 'edited'), item(2, 'Bo', 'merged'), item(1, 'Ada', 'edited')];
    const seqs = (list: readonly { seq: number }[]) => list.map((each) => each.seq);
    const sortByName = parseSortBy('userName');
    const edited = parseFilter('action=edited');
    assert.ok(sortByName.ok && edited.ok);
    assert.deepEqual(seqs(deriveInline(items, viewSpec(null, sortByName.value, null, null, null))), [5, 4, 1, 6, 2, 3]);
    assert.deepEqual(seqs(deriveInline(items, viewSpec(edited.value, null, 'Ada', null, null))), [4, 1]);
    assert.deepEqual(seqs(deriveInline(items, viewSpec(null, null, null, 'merged', (each) => each.seq > 2))), [5]);
    // Newest first by seq is the list's own order: no sort runs.
    assert.equal(viewSpec(null, [{ field: 'seq', direction: 'desc' }], null, null, null).sort, null);
  });

  test('shared pools are made on first need, shared per key and terminated when the last user lets go', () => {
    let made = 0;
    let terminated = 0;
    const create = () => {
      made += 1;
      return { terminate: () => (terminated += 1) } as unknown as WorkerPool;
    };
    const key = {};
    const [a, b] = [{}, {}];
    assert.equal(sharedPoolCount(), 0);
    const first = acquireSharedPool(key, create, a);
    assert.equal(acquireSharedPool(key, create, b), first);
    assert.equal(acquireSharedPool(key, create, a), first);
    assert.equal(made, 1);
    releaseSharedPool(key, a);
    assert.equal(terminated, 0);
    releaseSharedPool(key, b);
    releaseSharedPool(key, b);
    assert.equal(terminated, 1);
    assert.equal(sharedPoolCount(), 0);
  });

  test('a pool whose module arrives after its last user left is terminated on arrival', async () => {
    let terminated = 0;
    let deliver!: (pool: WorkerPool) => void;
    const arriving = new Promise<WorkerPool>((resolve) => (deliver = resolve));
    const key = {};
    const user = {};
    const ready = acquireSharedPool(key, () => arriving, user);
    releaseSharedPool(key, user);
    assert.equal(sharedPoolCount(), 0);
    deliver({ terminate: () => (terminated += 1) } as unknown as WorkerPool);
    await ready;
    assert.equal(terminated, 1);
  });
});
