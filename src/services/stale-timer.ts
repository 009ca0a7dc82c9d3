import type { ConnectionEvents } from './connection-events.js';
import type { Clock, TimerHandle } from './types.js';

/** Options of {@link StaleTimer}. */
export interface StaleTimerOptions {
  readonly clock: Clock;
  /** Where `stale` shows. */
  readonly events: ConnectionEvents;
  /** Quiet time after which the line counts as stale; asked at every (re)arming. */
  readonly staleMs: () => number;
  /** When anything last arrived, on the clock. */
  readonly lastInbound: () => number;
  /** Whether there is a line to watch; default always. */
  readonly active?: () => boolean;
}

/**
 * Sets `status.stale` after a quiet spell and clears it when something arrives. One timer,
 * re-armed by timestamp instead of reset per frame, so bursts stay cheap.
 */
export class StaleTimer {
  readonly #options: StaleTimerOptions;
  #timer: TimerHandle | null = null;

  constructor(options: StaleTimerOptions) {
    this.#options = options;
  }

  /** Arms the check for `lastInbound + staleMs`; a no-op without an active line. */
  schedule(): void {
    this.stop();
    const { clock, events, lastInbound, active = () => true } = this.#options;
    if (!active()) return;
    const staleMs = this.#options.staleMs();
    const due = lastInbound() + staleMs - clock.now();
    this.#timer = clock.setTimeout(() => {
      this.#timer = null;
      if (!active()) return;
      if (clock.now() - lastInbound() >= staleMs) events.setStatus({ stale: true });
      else this.schedule();
    }, Math.max(0, due));
  }

  /** Something arrived: a stale line is fresh again and the check re-arms. */
  inbound(): void {
    if (!this.#options.events.status.stale) return;
    this.#options.events.setStatus({ stale: false });
    this.schedule();
  }

  /** Disarms the check. */
  stop(): void {
    if (this.#timer !== null) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
