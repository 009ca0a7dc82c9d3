import type { Clock, TimerHandle } from './types.js';

/**
 * A wait on the injected clock that can be cut short (`skip`) when the page asks to retry now,
 * the network comes back or the service closes. Only one wait runs at a time.
 */
export class Waiter {
  #timer: TimerHandle | null = null;
  #resolve: (() => void) | null = null;

  constructor(private readonly clock: Clock) {}

  get waiting(): boolean {
    return this.#resolve !== null;
  }

  wait(ms: number): Promise<void> {
    this.skip();
    return new Promise<void>((resolve) => {
      this.#resolve = resolve;
      this.#timer = this.clock.setTimeout(() => this.skip(), Math.max(0, ms));
    });
  }

  /** Ends the current wait now; a no-op when nothing waits. */
  skip(): void {
    if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve?.();
  }
}
