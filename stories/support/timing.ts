// Latency of the simulated server, and a count of what it has in flight, so tests can wait for a
// story to settle instead of sleeping.

let scale = 1;

/** Multiplies every simulated latency (not retry countdowns); the story tests make it small. */
export function setLatencyScale(value: number): void {
  scale = value;
}

/** A simulated latency after scaling. */
export function latency(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms * scale) : ms;
}

/** Counts operations in flight (a connection attempt, a REST answer, a document sync). */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];

  get busy(): boolean {
    return this.#count > 0;
  }

  /** Starts one operation; the returned function ends it (calling it twice is harmless). */
  begin(): () => void {
    this.#count += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#count -= 1;
      if (this.#count === 0) for (const resolve of this.#waiters.splice(0)) resolve();
    };
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}
