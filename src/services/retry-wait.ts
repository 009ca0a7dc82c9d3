import { type ConnectivityEnvironment, browserEnvironment } from './connectivity.js';
import type { ConnectionEvents } from './connection-events.js';
import type { Clock, Unsubscribe } from './types.js';
import { Waiter } from './waiter.js';

/** Options of {@link RetryWait}. */
export interface RetryWaitOptions {
  readonly clock: Clock;
  /** Where the waits show (`reconnecting` with `nextRetryAt`, `offline`). */
  readonly events: ConnectionEvents;
  /** The longest wait for the network to come back; the browser's flag can be wrong. */
  readonly offlineWaitMs: number;
  /** The page's surroundings; default {@link browserEnvironment}, chosen on first use. */
  readonly environment?: ConnectivityEnvironment | undefined;
}

/**
 * The pause before a connection attempt, and the page signals that cut it short: the backoff wait
 * and the `offline` wait run on the injected clock; `online`, the tab becoming visible and
 * {@link skip} (the page's retry) end them early.
 */
export class RetryWait {
  readonly #options: RetryWaitOptions;
  readonly #waiter: Waiter;
  #environment: ConnectivityEnvironment | null = null;
  #environmentOff: Unsubscribe[] = [];

  constructor(options: RetryWaitOptions) {
    this.#options = options;
    this.#waiter = new Waiter(options.clock);
  }

  /** The environment in use: the injected one, else the browser's, read on first use. */
  get environment(): ConnectivityEnvironment {
    this.#environment ??= this.#options.environment ?? browserEnvironment();
    return this.#environment;
  }

  /** True while a wait runs. */
  get waiting(): boolean {
    return this.#waiter.waiting;
  }

  /** Ends the current wait now; a no-op when nothing waits. */
  skip(): void {
    this.#waiter.skip();
  }

  /**
   * Waits before attempt number `attempt`: `delay()` (asked only when `attempt > 0`) shown as
   * `reconnecting` with `nextRetryAt`, then, when the environment reports no network, up to
   * `offlineWaitMs` shown as `offline`. False when `live()` turned false meanwhile.
   */
  async before(attempt: number, delay: () => number, live: () => boolean): Promise<boolean> {
    const { clock, events } = this.#options;
    if (attempt > 0) {
      const ms = delay();
      events.setStatus({ state: 'reconnecting', attempt, nextRetryAt: clock.now() + ms });
      await this.#waiter.wait(ms);
      if (!live()) return false;
    }
    if (!this.environment.online()) {
      events.setStatus({ state: 'offline', nextRetryAt: null, reason: 'offline' });
      await this.#waiter.wait(this.#options.offlineWaitMs);
      if (!live()) return false;
    }
    return true;
  }

  /**
   * Listens to the environment until {@link unwatch}. `probe` checks a live line now (a ping)
   * and says whether there was one (default: never); without one, `online` and the tab showing
   * again end the wait, and losing the network while (re)connecting shows `offline`.
   */
  watch(probe: () => boolean = () => false): void {
    this.unwatch();
    const env = this.environment;
    const events = this.#options.events;
    this.#environmentOff.push(
      env.onOnline(() => {
        // Back online: try now rather than finishing the backoff.
        if (this.#waiter.waiting) this.#waiter.skip();
        else probe();
      }),
      env.onOffline(() => {
        if (probe()) return;
        const state = events.status.state;
        if (state === 'reconnecting' || state === 'connecting') events.setStatus({ state: 'offline', reason: 'offline' });
      }),
      env.onVisibility(() => {
        // Timers were relaxed while hidden: check the line, or stop waiting.
        if (!env.visible() || probe()) return;
        if (this.#waiter.waiting && events.status.state !== 'offline') this.#waiter.skip();
      }),
    );
  }

  /** Removes the environment listeners. */
  unwatch(): void {
    for (const off of this.#environmentOff.splice(0)) off();
  }
}
