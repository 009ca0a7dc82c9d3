import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Schedules one callback per frame; injectable so tests drive frames by hand. */
export interface FrameScheduler {
  request(callback: () => void): unknown;
  cancel(handle: unknown): void;
}

/**
 * Browsers stop animation frames in hidden tabs; after this long a timer flushes instead, so
 * state (and events such as `notification-show`) never waits for the tab to be shown.
 */
export const FRAME_FALLBACK_MS = 250;

interface FrameHandle {
  frame: number;
  timer: ReturnType<typeof globalThis.setTimeout>;
}

/**
 * `requestAnimationFrame` with a timer fallback for hidden tabs, whichever comes first; both read
 * at call time so fake timers installed later apply.
 */
export const animationFrameScheduler: FrameScheduler = {
  request: (callback) => {
    const handle: FrameHandle = {
      frame: globalThis.requestAnimationFrame(() => {
        globalThis.clearTimeout(handle.timer);
        callback();
      }),
      timer: globalThis.setTimeout(() => {
        globalThis.cancelAnimationFrame(handle.frame);
        callback();
      }, FRAME_FALLBACK_MS),
    };
    return handle;
  },
  cancel: (handle) => {
    const { frame, timer } = handle as FrameHandle;
    globalThis.cancelAnimationFrame(frame);
    globalThis.clearTimeout(timer);
  },
};

export interface FrameBatcherOptions {
  readonly scheduler?: FrameScheduler;
  /**
   * Most items kept between flushes; older ones are dropped first. Frames stop in hidden tabs,
   * so without a bound a burst would pile up until the tab is shown again. A function is read on
   * every add, so a list can pass its own (changing) cap: nothing it would keep is ever dropped here.
   */
  readonly max?: number | (() => number);
}

/**
 * Collects items (live events) and hands them to `flush` at most once per animation frame, then
 * asks the host to render: a burst of 1,000 events costs one render, not 1,000.
 */
export class FrameBatcher<T> implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #flush: (items: T[]) => void;
  readonly #scheduler: FrameScheduler;
  readonly #max: () => number;
  #items: T[] = [];
  #handle: unknown = null;
  #waiters: (() => void)[] = [];
  #connected = false;
  #dropped = 0;
  #touched = false;

  constructor(host: ReactiveControllerHost, flush: (items: T[]) => void, options: FrameBatcherOptions = {}) {
    this.#host = host;
    this.#flush = flush;
    this.#scheduler = options.scheduler ?? animationFrameScheduler;
    const max = options.max ?? Infinity;
    this.#max = typeof max === 'function' ? max : () => max;
    host.addController(this);
  }

  /** Items waiting for the next frame. */
  get pending(): number {
    return this.#items.length;
  }

  /** Items dropped because more than `max` arrived between two frames. */
  get dropped(): number {
    return this.#dropped;
  }

  add(item: T): void {
    this.#items.push(item);
    // Trim in steps (at twice the bound) so a long burst costs amortised O(1) per item.
    const max = this.#max();
    if (this.#items.length >= 2 * max + 1) this.#trim(max);
    this.#schedule();
  }

  #trim(max: number): void {
    const excess = this.#items.length - max;
    if (excess <= 0) return;
    this.#items.splice(0, excess);
    this.#dropped += excess;
  }

  /**
   * Resolves once everything added so far has been flushed (at once when nothing waits or the
   * host is not connected). Elements chain it into `updateComplete`.
   */
  get settled(): Promise<void> {
    if (this.#items.length === 0 || !this.#connected) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Flushes now (for example before replacing the list), cancelling the scheduled frame. */
  flushNow(): void {
    this.#cancel();
    this.#trim(this.#max());
    const touched = this.#touched;
    this.#touched = false;
    if (this.#items.length > 0) {
      const items = this.#items;
      this.#items = [];
      this.#flush(items);
      this.#host.requestUpdate();
    } else if (touched) {
      this.#host.requestUpdate();
    }
    this.#release();
  }

  /**
   * Asks for a render in the next frame, with whatever else the frame flushes: timers (an
   * announcement, a ticking clock) then never add a second render to a frame.
   */
  requestFrame(): void {
    this.#touched = true;
    if (!this.#connected) {
      this.#host.requestUpdate();
      return;
    }
    this.#schedule();
  }

  /** Drops what is waiting. */
  clear(): void {
    this.#cancel();
    this.#items = [];
    this.#release();
  }

  #release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#schedule();
  }

  hostDisconnected(): void {
    this.#connected = false;
    // Items stay queued and are flushed on the first frame after a reconnect; nobody waits meanwhile.
    this.#cancel();
    this.#release();
  }

  #schedule(): void {
    if (!this.#connected || this.#handle !== null || (this.#items.length === 0 && !this.#touched)) return;
    this.#handle = this.#scheduler.request(() => {
      this.#handle = null;
      this.flushNow();
    });
  }

  #cancel(): void {
    if (this.#handle === null) return;
    this.#scheduler.cancel(this.#handle);
    this.#handle = null;
  }
}
