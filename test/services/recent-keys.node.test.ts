import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RecentKeys } from '../../src/services/recent-keys.js';

describe('RecentKeys', () => {
  test('keeps the newest keys up to its capacity, the oldest leaving first', () => {
    const recent = new RecentKeys<string, number>(3);
    for (const [index, key] of ['a', 'b', 'c', 'd'].entries()) recent.set(key, index);
    assert.deepEqual([...recent.keys()], ['b', 'c', 'd']);
    assert.equal(recent.get('b'), 1);
    assert.equal(recent.has('a'), false);
  });

  test('refresh makes a known key the newest; without it the key keeps its place', () => {
    const refreshed = new RecentKeys<string, number>(2);
    assert.equal(refreshed.set('a', 1), true);
    refreshed.set('b', 2);
    assert.equal(refreshed.set('a', 3, true), false);
    refreshed.set('c', 4);
    assert.deepEqual([...refreshed.keys()].sort(), ['a', 'c']);
    assert.equal(refreshed.get('a'), 3);

    const kept = new RecentKeys<string>(2);
    kept.add('a');
    kept.add('b');
    assert.equal(kept.add('a'), false);
    assert.equal(kept.add('c'), true);
    assert.deepEqual([...kept].sort(), ['b', 'c']);
  });

  test('a key deleted and added again is not pushed out by its stale place in the queue', () => {
    const recent = new RecentKeys<string>(2);
    recent.add('a');
    recent.add('b');
    recent.delete('a');
    recent.add('a'); // now the newest, after b
    recent.add('c'); // b leaves, not a
    assert.deepEqual([...recent].sort(), ['a', 'c']);
  });

  test('stays exact over many operations with repeats, deletes and compactions', () => {
    const capacity = 50;
    const recent = new RecentKeys<number, number>(capacity);
    const model = new Map<number, number>(); // insertion order = recency, the reference
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 20_000; step++) {
      const key = Math.floor(random() * 120);
      const roll = random();
      if (roll < 0.1) {
        recent.delete(key);
        model.delete(key);
      } else {
        const refresh = roll < 0.5;
        recent.set(key, step, refresh);
        if (model.has(key) && !refresh) model.set(key, step);
        else {
          model.delete(key);
          model.set(key, step);
        }
        while (model.size > capacity) model.delete(model.keys().next().value!);
      }
      assert.equal(recent.size, model.size, `size at step ${step}`);
    }
    assert.deepEqual([...recent.keys()].sort((a, b) => a - b), [...model.keys()].sort((a, b) => a - b));
    for (const [key, value] of model) assert.equal(recent.get(key), value);
  });

  test('refuses a capacity below 1', () => {
    assert.throws(() => new RecentKeys(0), /capacity must be at least 1/);
  });
});
