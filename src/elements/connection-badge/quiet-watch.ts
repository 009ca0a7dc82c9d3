import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type Clock, type TimerHandle, systemClock } from '../../services/types.js';

/**
 * Tells whether an open line has delivered nothing for a quiet time chosen by the page (the
 * badge's `stale-after`). One timeout, re-armed from the time of the last delivery when it fires
 * instead of being reset per event, so bursts cost nothing; it runs only while watching, with a
 * quiet time set and the host in the document.
 *
 * Internal to `<connection-badge>`; may change without notice.
 */
export class QuietWatch implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #clock: Clock;
  #quietMs = 0;
  #active = false;
  #since = 0;
  #quiet = false;
  #timer: TimerHandle | null = null;
  #connected = false;

  constructor(host: ReactiveControllerHost, clock: Clock = systemClock) {
    this.#host = host;
    this.#clock = clock;
    host.addController(this);
  }

  /** True when the watched line has been quiet for the quiet time. */
  get quiet(): boolean {
    return this.#quiet;
  }

  /** Whether the timer is armed; for tests and leak checks. */
  get running(): boolean {
    return this.#timer !== null;
  }

  /**
   * Watches while `active` (the line is open) with `quietMs` (0, negative or NaN: off). Becoming
   * active starts the quiet spell from now. Idempotent, so a host may call it on every update.
   */
  watch(active: boolean, quietMs: number | null | undefined): void {
    const ms = typeof quietMs === 'number' && quietMs > 0 ? quietMs : 0;
    const on = active && ms > 0;
    if (on === this.#active && ms === this.#quietMs) return;
    if (on && !this.#active) this.#since = this.#clock.now();
    this.#active = on;
    this.#quietMs = ms;
    this.#quiet = false;
    this.#arm();
  }

  /** Something was delivered: the quiet spell starts again. */
  inbound(): void {
    this.#since = this.#clock.now();
    if (!this.#quiet) return;
    this.#quiet = false;
    this.#host.requestUpdate();
    this.#arm();
  }

  /** A new line (the provider swapped its connection): its quiet spell starts now. */
  restart(): void {
    this.#since = this.#clock.now();
    if (this.#quiet) this.#host.requestUpdate();
    this.#quiet = false;
    this.#arm();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#since = this.#clock.now();
    this.#quiet = false;
    this.#arm();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop();
  }

  #arm(): void {
    this.#stop();
    if (!this.#connected || !this.#active || this.#quiet) return;
    const due = this.#since + this.#quietMs - this.#clock.now();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      if (this.#clock.now() - this.#since >= this.#quietMs) {
        this.#quiet = true;
        this.#host.requestUpdate();
      } else {
        this.#arm();
      }
    }, Math.max(0, due));
  }

  #stop(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
