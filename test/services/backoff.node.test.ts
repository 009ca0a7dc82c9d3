import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BACKOFF, computeBackoff, resolveBackoff } from '../../src/services/backoff.js';

const policy = { baseMs: 500, maxMs: 30_000, factor: 2 };

test('the ceiling grows exponentially from baseMs and stops at maxMs', () => {
  const ceilings = [0, 1, 2, 5, 6, 7, 50, 5_000].map((attempt) => computeBackoff(attempt, policy, () => 1));
  assert.deepEqual(ceilings, [500, 1_000, 2_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
});

test('full jitter is applied after the cap: a capped wait spans the whole window', () => {
  assert.equal(computeBackoff(20, policy, () => 0), 0);
  assert.equal(computeBackoff(20, policy, () => 0.5), 15_000);
  assert.equal(computeBackoff(20, policy, () => 0.999_999), 29_999);
});

test('is pure: the same attempt and random value give the same wait, and bad random values are clamped', () => {
  assert.equal(computeBackoff(3, policy, () => 0.25), computeBackoff(3, policy, () => 0.25));
  assert.equal(computeBackoff(3, policy, () => Number.NaN), 0);
  assert.equal(computeBackoff(3, policy, () => 7), 4_000);
  assert.equal(computeBackoff(-2, policy, () => 1), 500);
});

test('resolveBackoff fills the defaults 3000 / 30000 / 2 and ignores nonsense', () => {
  assert.deepEqual(resolveBackoff(), DEFAULT_BACKOFF);
  assert.deepEqual(resolveBackoff({ baseMs: 100 }), { baseMs: 100, maxMs: 30_000, factor: 2 });
  assert.deepEqual(resolveBackoff({ baseMs: -1, maxMs: Number.NaN, factor: 0.5 }), DEFAULT_BACKOFF);
  assert.deepEqual(resolveBackoff({ baseMs: 50_000 }), { baseMs: 50_000, maxMs: 50_000, factor: 2 });
});
