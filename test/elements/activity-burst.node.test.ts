import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import sinon from 'sinon';
import type { FrameScheduler } from '../../src/controllers/frame-batcher.js';
import { BURST_INTERVAL_MS, BurstScheduler } from '../../src/controllers/burst-scheduler.js';

/** Frames driven by the test: `frame()` runs what was requested. */
class ManualFrames implements FrameScheduler {
  readonly waiting = new Map<number, () => void>();
  #next = 0;
  request(callback: () => void): unknown {
    this.#next += 1;
    this.waiting.set(this.#next, callback);
    return this.#next;
  }
  cancel(handle: unknown): void {
    this.waiting.delete(handle as number);
  }
  frame(): void {
    const callbacks = [...this.waiting.values()];
    this.waiting.clear();
    for (const callback of callbacks) callback();
  }
}

describe('BurstScheduler', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => clock.restore());

  test('a quiet stream flushes on the next frame', () => {
    const frames = new ManualFrames();
    const scheduler = new BurstScheduler(frames);
    let flushes = 0;
    scheduler.request(() => (flushes += 1));
    assert.equal(frames.waiting.size, 1);
    frames.frame();
    assert.equal(flushes, 1);
    clock.tick(1000);
    scheduler.flushed(3);
    scheduler.request(() => (flushes += 1));
    assert.equal(frames.waiting.size, 1);
  });

  test('after a burst the next flush waits, then takes the next frame; cancel clears the wait', () => {
    const frames = new ManualFrames();
    const scheduler = new BurstScheduler(frames);
    scheduler.flushed(1);
    clock.tick(16);
    // 200 items in 16 ms: far above the burst rate.
    scheduler.flushed(200);
    let flushed = false;
    const handle = scheduler.request(() => (flushed = true));
    assert.equal(frames.waiting.size, 0);
    clock.tick(BURST_INTERVAL_MS - 1);
    assert.equal(frames.waiting.size, 0);
    clock.tick(1);
    assert.equal(frames.waiting.size, 1);
    frames.frame();
    assert.equal(flushed, true);
    scheduler.cancel(handle);
    const second = scheduler.request(() => assert.fail('cancelled'));
    scheduler.cancel(second);
    assert.equal(clock.countTimers(), 0);
    assert.equal(frames.waiting.size, 0);
  });

  test('a single flush after a long quiet spell is not a burst', () => {
    const frames = new ManualFrames();
    const scheduler = new BurstScheduler(frames);
    scheduler.flushed(1);
    clock.tick(60_000);
    // 500 items gathered over a minute: about 8 a second.
    scheduler.flushed(500);
    scheduler.request(() => {});
    assert.equal(frames.waiting.size, 1);
  });
});
