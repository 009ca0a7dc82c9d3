import { type FrameScheduler, animationFrameScheduler } from './frame-batcher.js';

/** Items per second above which a stream counts as a burst. */
export const BURST_RATE = 100;

/** Least time between two flushes while a burst lasts, in ms (4 renders a second). */
export const BURST_INTERVAL_MS = 250;

interface BurstHandle {
  timer: ReturnType<typeof setTimeout> | null;
  frame: unknown;
}

/**
 * Animation frames for a feed's batcher, spaced out while a burst lasts.
 *
 * Every frame of a burst would replace every visible row (the newest items change each frame),
 * which costs a layout and a paint of the whole list per frame for text nobody can read at that
 * pace. After a flush that came at more than {@link BURST_RATE} items a second, the next one
 * waits {@link BURST_INTERVAL_MS}; items keep arriving and are merged then, in one render. A
 * quieter stream renders on the next frame.
 * Timers and clock are read at call time, so fake timers installed later apply.
 */
export class BurstScheduler implements FrameScheduler {
  readonly #frames: FrameScheduler;
  #notBefore = 0;
  #lastFlush = 0;

  constructor(frames: FrameScheduler = animationFrameScheduler) {
    this.#frames = frames;
  }

  /** Tells the scheduler how many items the flush that just ran carried. */
  flushed(count: number): void {
    const now = Date.now();
    // At least a frame's worth of time, so one busy frame after a quiet spell is not a burst.
    const seconds = Math.max(now - this.#lastFlush, 16) / 1000;
    this.#lastFlush = now;
    this.#notBefore = count / seconds > BURST_RATE && count > 1 ? now + BURST_INTERVAL_MS : 0;
  }

  request(callback: () => void): unknown {
    const wait = this.#notBefore - Date.now();
    const handle: BurstHandle = { timer: null, frame: null };
    if (wait <= 0) {
      handle.frame = this.#frames.request(callback);
    } else {
      handle.timer = globalThis.setTimeout(() => {
        handle.timer = null;
        handle.frame = this.#frames.request(callback);
      }, wait);
    }
    return handle;
  }

  cancel(handle: unknown): void {
    const { timer, frame } = handle as BurstHandle;
    if (timer !== null) globalThis.clearTimeout(timer);
    if (frame !== null) this.#frames.cancel(frame);
  }
}
