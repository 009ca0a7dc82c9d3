import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type Clock, type TimerHandle, systemClock } from '../../services/types.js';

/**
 * Counts whole seconds down to a moment (the next retry) and re-renders its host each time the
 * shown number changes. One timeout, re-armed for the next whole-second boundary rather than an
 * interval, so the count never drifts and nothing runs once it reaches 0, while no target is set
 * or while the host is out of the document.
 *
 * Internal to `<connection-badge>`; may change without notice.
 */
export class RetryCountdown implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #clock: Clock;
  #target: number | null = null;
  #timer: TimerHandle | null = null;
  #connected = false;

  constructor(host: ReactiveControllerHost, clock: Clock = systemClock) {
    this.#host = host;
    this.#clock = clock;
    host.addController(this);
  }

  /** The moment counted down to (ms since the epoch, on the clock), or null for no countdown. */
  get target(): number | null {
    return this.#target;
  }

  set target(at: number | null) {
    if (at === this.#target) return;
    this.#target = at;
    this.#arm();
  }

  /** Whole seconds left, rounded up; 0 once the moment passed; null without a target. */
  get seconds(): number | null {
    if (this.#target === null) return null;
    return Math.max(0, Math.ceil((this.#target - this.#clock.now()) / 1000));
  }

  /** Whether the timer is armed; for tests and leak checks. */
  get running(): boolean {
    return this.#timer !== null;
  }

  hostConnected(): void {
    this.#connected = true;
    // The target may have moved on while the host was away: let the host set it again.
    this.#host.requestUpdate();
    this.#arm();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop();
  }

  #arm(): void {
    this.#stop();
    if (!this.#connected || this.#target === null) return;
    const left = this.#target - this.#clock.now();
    if (left <= 0) return;
    // Wake exactly when the rounded-up count drops by one: 4 500 ms left shows 5 until 4 000.
    const delay = left - (Math.ceil(left / 1000) - 1) * 1000;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#host.requestUpdate();
      this.#arm();
    }, delay);
  }

  #stop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
