import { RecentKeys } from '../src/services/recent-keys.js';

/** Per-connection rate: a token bucket that refills continuously. */
export interface RateLimit {
  /** Messages allowed in a burst. */
  readonly burst: number;
  /** Sustained messages per second. */
  readonly perSecond: number;
}

/** Generous for people typing, tight enough to stop a runaway loop. */
export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 200, perSecond: 100 };

/** A token bucket per connection; `take()` answers whether one more message is allowed. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit.burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Remembers recent client message ids so a message resent after a reconnect is delivered once.
 * Bounded by count and age; the oldest ids go first.
 */
export class MidCache {
  private readonly seen: RecentKeys<string, number>;

  constructor(
    capacity = 10_000,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.seen = new RecentKeys(capacity);
  }

  /** True when `mid` was seen recently; otherwise records it and returns false. */
  repeat(mid: string): boolean {
    const now = this.now();
    const at = this.seen.get(mid);
    if (at !== undefined && now - at <= this.ttlMs) return true;
    this.seen.set(mid, now, true);
    return false;
  }
}
