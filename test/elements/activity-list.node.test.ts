import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActivityList } from '../../src/elements/activity-feed/activity-list.js';

const item = (seq: number) => ({ seq });
const seqs = (list: ActivityList<{ seq: number }>) => list.items.map((each) => each.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => item(from + i));

describe('ActivityList', () => {
  test('C12: live events that race the first page merge with it by seq, each once, newest first', () => {
    const list = new ActivityList(100);
    list.merge([item(101), item(102), item(103)]);
    list.mergePage({ items: [item(102), item(100), item(99)], next: 98 }, false);
    assert.deepEqual(seqs(list), [103, 102, 101, 100, 99]);
    assert.equal(list.next, 98);
  });

  test('C12: older pages and live events interleaved leave no duplicates and no gaps', () => {
    const list = new ActivityList(100);
    list.mergePage({ items: [item(50), item(49), item(48)], next: 48 }, false);
    list.merge([item(51), item(52)]);
    list.mergePage({ items: [item(47), item(46), item(45)], next: 45 }, true);
    list.merge([item(52), item(53), item(51)]);
    list.mergePage({ items: [item(44), item(43)], next: null }, true);
    assert.deepEqual(seqs(list), [53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43]);
    assert.equal(list.next, null);
  });

  test('merges out-of-order and overlapping batches without losing order', () => {
    const list = new ActivityList(100);
    list.merge([item(5), item(1), item(9)]);
    list.merge([item(7), item(3), item(8), item(2)]);
    list.merge([item(6), item(4), item(10)]);
    assert.deepEqual(seqs(list), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.equal(list.merge([item(4), item(4)]), 0);
  });

  test('keeps the newest items up to its cap and moves the older-page cursor to the oldest kept', () => {
    const list = new ActivityList(3);
    list.mergePage({ items: [item(10), item(9)], next: null }, false);
    assert.equal(list.next, null);
    list.merge([item(11), item(12)]);
    assert.deepEqual(seqs(list), [12, 11, 10]);
    // 9 was pushed out: it now lies below what is kept, so the next page starts there.
    assert.equal(list.next, 10);
    assert.equal(list.has(9), false);
    // A trimmed item may come back (a replay) and is trimmed again, not duplicated.
    list.merge([item(9)]);
    assert.deepEqual(seqs(list), [12, 11, 10]);
  });

  test('an older page asked for by the user raises the bound instead of being trimmed away', () => {
    const list = new ActivityList(3);
    list.mergePage({ items: [item(10), item(9), item(8)], next: 8 }, false);
    list.mergePage({ items: [item(7), item(6)], next: 6 }, true);
    assert.deepEqual(seqs(list), [10, 9, 8, 7, 6]);
    assert.equal(list.limit, 5);
    list.merge([item(11)]);
    assert.deepEqual(seqs(list), [11, 10, 9, 8, 7]);
    assert.equal(list.next, 7);
    list.setCap(2);
    assert.deepEqual(seqs(list), [11, 10]);
  });

  test('a first page that only repeats kept items keeps the cursor at the oldest kept item', () => {
    const list = new ActivityList(5);
    list.merge(range(1, 10));
    assert.deepEqual(seqs(list), [10, 9, 8, 7, 6]);
    list.mergePage({ items: [item(10), item(9)], next: 9 }, false);
    assert.equal(list.next, 6);
  });

  test('merges 100,000 ascending live events in frame-sized batches without sorting the whole list', () => {
    const list = new ActivityList(100_000);
    const start = performance.now();
    for (let seq = 1; seq <= 100_000; seq += 200) list.merge(range(seq, seq + 199));
    const ms = performance.now() - start;
    assert.equal(list.size, 100_000);
    assert.equal(list.items[0]!.seq, 100_000);
    assert.equal(list.items.at(-1)!.seq, 1);
    // 500 flushes each copying the list: generous bound, a sort per flush would be far slower.
    assert.ok(ms < 5_000, `${ms} ms`);
  });

  test('clear forgets items, cursor and a raised bound', () => {
    const list = new ActivityList(2);
    list.mergePage({ items: [item(3), item(2)], next: 2 }, false);
    list.mergePage({ items: [item(1)], next: null }, true);
    list.clear();
    assert.equal(list.size, 0);
    assert.equal(list.next, null);
    assert.equal(list.limit, 2);
    list.merge([item(3)]);
    assert.deepEqual(seqs(list), [3]);
  });
});
