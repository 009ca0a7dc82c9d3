import { provideResizeObserver } from '@lit-labs/virtualizer/polyfillLoaders/ResizeObserver.js';
import { animationFrameScheduler } from '../../controllers/frame-batcher.js';

/**
 * A `ResizeObserver` that hands its entries over on the next animation frame instead of inside
 * the browser's resize-observation step.
 *
 * The virtualizer measures rows in its resize callback and may render new rows right away; rows
 * added there are siblings of the ones just measured, so the browser cannot deliver their
 * observations in the same step and reports "ResizeObserver loop completed with undelivered
 * notifications" on `window` (harmless, but error trackers and test runners count it). Measuring
 * one frame later adds the rows in a normal frame, observed and delivered as usual.
 */
export class FrameResizeObserver implements ResizeObserver {
  readonly #inner: ResizeObserver;
  #pending: ResizeObserverEntry[] = [];
  // The kit's frame scheduler: a timer stands in where a hidden tab has no frames, so rows are
  // still measured there.
  #frame: unknown = null;

  constructor(callback: ResizeObserverCallback) {
    this.#inner = new ResizeObserver((entries) => {
      for (const entry of entries) this.#pending.push(entry);
      this.#frame ??= animationFrameScheduler.request(() => {
        this.#frame = null;
        const pending = this.#pending;
        this.#pending = [];
        // Entries of elements that left meanwhile are still passed: the virtualizer measures
        // its current rows, not the entries' targets.
        callback(pending, this);
      });
    });
  }

  observe(target: Element, options?: ResizeObserverOptions): void {
    this.#inner.observe(target, options);
  }

  unobserve(target: Element): void {
    this.#inner.unobserve(target);
  }

  disconnect(): void {
    this.#inner.disconnect();
    if (this.#frame !== null) animationFrameScheduler.cancel(this.#frame);
    this.#frame = null;
    this.#pending = [];
  }
}

let provided = false;

/**
 * Gives the virtualizer {@link FrameResizeObserver}. Its constructor is module state of the
 * virtualizer, so this applies to every virtualizer of the page; called on first connect, never
 * at import.
 */
export function useFrameResizeObserver(): void {
  if (provided) return;
  provided = true;
  provideResizeObserver(FrameResizeObserver);
}
