/** Shape of an exponential backoff policy. */
export interface BackoffPolicy {
  /** Ceiling of the first wait, in ms. */
  readonly baseMs: number;
  /** Largest ceiling, in ms; jitter is applied below it, so waits never exceed it. */
  readonly maxMs: number;
  /** Growth of the ceiling per failed attempt. */
  readonly factor: number;
}

/**
 * The kit's defaults: 3 s, doubling, capped at 30 s. The first window is 3 s wide on purpose: when
 * a server drops every client at once, their first retries spread over three seconds (no second
 * holds most of them, case C06) instead of arriving as one storm. A lone client still averages
 * 1.5 s, and coming back online or becoming visible skips the wait.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 3_000, maxMs: 30_000, factor: 2 });

/** Fills a partial policy with the defaults and clamps nonsense (negative or non-finite numbers). */
export function resolveBackoff(policy: Partial<BackoffPolicy> = {}): BackoffPolicy {
  const pick = (value: number | undefined, fallback: number, min: number) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
  const baseMs = pick(policy.baseMs, DEFAULT_BACKOFF.baseMs, 0);
  return {
    baseMs,
    maxMs: Math.max(baseMs, pick(policy.maxMs, DEFAULT_BACKOFF.maxMs, 0)),
    factor: pick(policy.factor, DEFAULT_BACKOFF.factor, 1),
  };
}

/**
 * Wait before retry number `attempt` (0 for the first retry): `random() * min(maxMs, baseMs * factor^attempt)`.
 * Full jitter is applied after the cap, so clients that all reached the cap still spread over the
 * whole window instead of arriving together. Pure: the random source is a parameter.
 */
export function computeBackoff(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // factor^exponent overflows to Infinity for large attempts; the cap absorbs it.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * policy.factor ** exponent);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * ceiling);
}
