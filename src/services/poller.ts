import { type MessageType, type PayloadOf, isRecord, parseCursor } from '../protocol/index.js';
import { type BackoffPolicy, computeBackoff, resolveBackoff } from './backoff.js';
import { ConnectionBase, type ConnectionOptions } from './connection-base.js';
import { ConnectionEvents } from './connection-events.js';
import { HttpOutbox } from './http-outbox.js';
import { RetryWait } from './retry-wait.js';
import { SequenceTracker } from './sequence-tracker.js';
import { StaleTimer } from './stale-timer.js';
import { TOKEN_REFUSED_MESSAGE, TokenRefresh, tokenErrorMessage } from './token-refresh.js';
import {
  type Clock,
  type Logger,
  type SendOptions,
  type SendResult,
  type TimerHandle,
  silentLogger,
  systemClock,
} from './types.js';
import { pageUrl, resolveUrl } from './urls.js';
import { Waiter } from './waiter.js';

/** Options of {@link Poller}. Everything is optional. */
export interface PollerOptions extends ConnectionOptions {
  /** REST base including `/api`; polls `<api>/poll`, sends to `<api>/messages`. Default `/api`. */
  readonly api?: string;
  /** Pause between polls while nothing more is waiting; default 2 000 ms. */
  readonly intervalMs?: number;
  /** Events asked for per poll (`limit`); a full page polls again at once. Default 500. */
  readonly pageSize?: number;
  /** A poll without an answer for this long is aborted and counts as failed; default 10 000 ms. */
  readonly requestTimeoutMs?: number;
  /** Quiet time (no successful poll) after which `status.stale` is true; default max(30 000, 3 intervals). */
  readonly staleMs?: number;
  /** Largest number of messages waiting to be posted; default 100, the oldest dropped and reported. */
  readonly queueLimit?: number;
}

/** How one poll ended. */
type PollOutcome = 'idle' | 'more' | 'again' | 'stop';

/**
 * The last rung of the fallback chain: `GET <api>/poll?after=<cursor>` on an interval (on the
 * injected clock), sending through `POST <api>/messages`.
 *
 * States as everywhere: `idle` → `connecting` → `open` once a poll is answered; a failed poll →
 * `reconnecting` with jittered backoff (`attempt`, `nextRetryAt`, `reason`, `code`); `offline`
 * while the environment reports no network; `closed` after {@link close}; `failed` after
 * `maxRetries`, a 403, or a second 401 right after a token refresh. `transport` is `polling`.
 * Events are deduplicated by `seq`; the cursor moves to the answer's `cursor`, which passes events
 * meant for others, so filtered events never look like a gap. A full page polls again at once.
 * Sends follow the socket's queue policy (see {@link HttpOutbox}) and go out while the poller is open.
 */
export class Poller extends ConnectionBase {
  readonly #options: PollerOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #backoff: BackoffPolicy;
  readonly #events: ConnectionEvents;
  readonly #wait: RetryWait;
  readonly #interval: Waiter;
  readonly #stale: StaleTimer;
  readonly #tracker = new SequenceTracker();
  readonly #tokens = new TokenRefresh();
  readonly #outbox: HttpOutbox;

  #generation = 0;
  #attempt = 0;
  #opened = false;
  #abort: AbortController | null = null;
  #lastInbound = 0;

  constructor(options: PollerOptions = {}) {
    const events = new ConnectionEvents({ transport: 'polling', name: 'poller', unit: 'an event', logger: options.logger ?? silentLogger });
    super(events);
    this.#events = events;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger ?? silentLogger;
    this.#backoff = resolveBackoff(options.backoff);
    this.#wait = new RetryWait({ clock: this.#clock, events: this.#events, offlineWaitMs: this.#backoff.maxMs, environment: options.environment });
    this.#interval = new Waiter(this.#clock);
    this.#stale = new StaleTimer({
      clock: this.#clock,
      events: this.#events,
      staleMs: () => this.#options.staleMs ?? Math.max(30_000, 3 * this.#intervalMs()),
      lastInbound: () => this.#lastInbound,
      active: () => this.#events.status.state === 'open',
    });
    this.#outbox = new HttpOutbox({
      api: options.api ?? '/api',
      baseUrl: options.baseUrl,
      getToken: options.getToken,
      user: options.user,
      appTypes: options.appTypes,
      queueLimit: options.queueLimit,
      backoff: options.backoff,
      canPost: () => this.#events.status.state === 'open',
      report: (error) => this.#events.error(error),
      fetch: options.fetch,
      clock: this.#clock,
      random: this.#random,
      logger: this.#logger,
    });
    const start = parseCursor(options.cursor);
    if (start) this.#tracker.reset(start.epoch, start.seq);
  }


  /** Resume point `<epoch>:<seq>` sent as `after`, or null before the first answer. */
  get cursor(): string | null {
    return this.#tracker.cursor;
  }

  /** The server log's epoch this has reached (the cursor's first part), or null. */
  get epoch(): string | null {
    return this.#tracker.epoch;
  }

  /** Number of messages waiting to be posted. */
  get queued(): number {
    return this.#outbox.queued;
  }






  /** Posts to `<api>/messages` (with a `mid`); queued, in order, while the poller is not open. */
  send<T extends MessageType>(type: T, payload: PayloadOf<T>, options: SendOptions = {}): SendResult {
    return this.#outbox.send(type, payload, options);
  }

  /** Starts polling; a no-op while connecting or connected. */
  connect(): void {
    const state = this.#events.status.state;
    if (state !== 'idle' && state !== 'closed' && state !== 'failed') return;
    const generation = ++this.#generation;
    this.#attempt = 0;
    this.#opened = false;
    this.#tokens.clear();
    this.#events.setStatus({ state: 'connecting', attempt: 0, nextRetryAt: null, reason: null, code: null, stale: false });
    // Online again or visible again: poll now rather than at the end of the pause.
    this.#wait.watch(() => {
      if (!this.#interval.waiting) return false;
      this.#interval.skip();
      return true;
    });
    void this.#run(generation);
  }

  /** Stops polling (until {@link connect} or {@link retry}). Waiting messages are kept. */
  close(): void {
    if (this.#events.status.state === 'closed') return;
    this.#retire();
    this.#events.setStatus({ state: 'closed', nextRetryAt: null, reason: 'page', stale: false });
  }

  /** Starts over after `failed`, `closed` or `idle`; otherwise polls now. */
  retry(): void {
    const state = this.#events.status.state;
    if (state === 'failed' || state === 'closed' || state === 'idle') this.connect();
    else if (this.#wait.waiting) this.#wait.skip();
    else this.#interval.skip();
  }

  #intervalMs(): number {
    const ms = this.#options.intervalMs ?? 2_000;
    return Number.isFinite(ms) && ms >= 0 ? ms : 2_000;
  }

  async #run(generation: number): Promise<void> {
    const live = () => generation === this.#generation;
    while (live()) {
      const maxRetries = this.#options.maxRetries ?? Number.POSITIVE_INFINITY;
      if (this.#attempt > maxRetries) {
        this.#fail('max-retries', this.#events.status.code);
        return;
      }
      if (!(await this.#wait.before(this.#attempt, () => computeBackoff(this.#attempt - 1, this.#backoff, this.#random), live))) return;
      if (this.#events.status.state !== 'open') {
        this.#events.setStatus({ state: this.#opened || this.#attempt > 0 ? 'reconnecting' : 'connecting', nextRetryAt: null });
      }
      let outcome: PollOutcome;
      try {
        outcome = await this.#poll(generation);
      } catch (error) {
        if (!live()) return;
        this.#failedAttempt(error instanceof Error ? error.message : 'error', null);
        outcome = 'again';
      }
      if (outcome === 'stop' || !live()) return;
      if (outcome === 'idle') {
        await this.#interval.wait(this.#intervalMs());
      }
    }
  }

  async #poll(generation: number): Promise<PollOutcome> {
    const live = () => generation === this.#generation;
    const base = this.#options.baseUrl ?? pageUrl();
    let url: URL;
    try {
      url = resolveUrl(`${(this.#options.api ?? '/api').replace(/\/+$/, '')}/poll`, base, 'http');
    } catch {
      this.#fail('invalid-url', null);
      return 'stop';
    }
    const pageSize = Math.max(1, Math.floor(this.#options.pageSize ?? 500));
    const asked = this.#tracker.cursor;
    if (asked) url.searchParams.set('after', asked);
    url.searchParams.set('limit', String(pageSize));
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.#options.user) headers['X-RT-User'] = this.#options.user.id;
    if (this.#options.getToken) {
      let token: string | null | undefined;
      try {
        token = await this.#options.getToken({ refresh: this.#tokens.take() });
      } catch (error) {
        if (!live()) return 'stop';
        this.#events.error({ kind: 'auth', message: tokenErrorMessage(error) });
        this.#failedAttempt('token-error', null);
        return 'again';
      }
      if (!live()) return 'stop';
      if (token) headers['Authorization'] = `Bearer ${token}`;
    }

    const controller = new AbortController();
    this.#abort = controller;
    let timedOut = false;
    const timer: TimerHandle = this.#clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#options.requestTimeoutMs ?? 10_000);
    let response: Response;
    let text: string;
    try {
      response = await (this.#options.fetch ?? globalThis.fetch)(url.href, { headers, signal: controller.signal, cache: 'no-store' });
      text = await response.text();
    } catch (error) {
      if (!live()) return 'stop';
      this.#failedAttempt(timedOut ? 'timeout' : error instanceof Error ? error.message : 'network error', null);
      return 'again';
    } finally {
      this.#clock.clearTimeout(timer);
      if (this.#abort === controller) this.#abort = null;
    }
    if (!live()) return 'stop';

    if (response.status === 204) {
      this.#retire();
      this.#events.setStatus({ state: 'closed', nextRetryAt: null, reason: 'no-content', code: 204, stale: false });
      return 'stop';
    }
    if (response.status === 401) {
      if (this.#tokens.refused()) {
        this.#fail('unauthorized', 401);
        return 'stop';
      }
      this.#events.error({ kind: 'auth', message: TOKEN_REFUSED_MESSAGE });
      this.#failedAttempt('unauthorized', 401);
      return 'again';
    }
    if (response.status === 403) {
      this.#fail('forbidden', 403);
      return 'stop';
    }
    if (!response.ok) {
      this.#failedAttempt(`HTTP ${response.status}`, response.status);
      return 'again';
    }
    const answer = readAnswer(text);
    if (!answer) {
      this.#events.error({ kind: 'invalid-frame', source: 'polling', field: 'cursor', message: 'the poll answer needs { cursor, events[] }' });
      this.#failedAttempt('invalid answer', response.status);
      return 'again';
    }

    this.#opened = true;
    this.#attempt = 0;
    this.#tokens.accepted();
    this.#lastInbound = this.#clock.now();
    const wasOpen = this.#events.status.state === 'open';
    this.#events.setStatus({ state: 'open', attempt: 0, nextRetryAt: null, reason: null, code: null });
    this.#stale.inbound();
    if (!wasOpen) {
      this.#stale.schedule();
      this.#outbox.kick();
    }

    const before = this.#tracker.epoch === answer.epoch ? this.#tracker.lastSeq : null;
    // Another epoch than ours: the server's log was replaced and it sends no reset for that
    // (another epoch is a fresh start there), so reset here, before anything of the new log,
    // unless the answer carries a reset of its own.
    const replaced = this.#tracker.epoch !== null && this.#tracker.epoch !== answer.epoch;
    if (replaced && !answer.events.some((raw) => isRecord(raw) && raw['type'] === 'sys.reset')) {
      this.#events.epochChanged(answer.epoch, answer.seq, this.#clock.now());
      if (!live()) return 'stop';
    }
    let gap = false;
    for (const raw of answer.events) {
      if (!live()) return 'stop';
      // The shared parser takes frame text, as the other transports receive it.
      const frame = this.#events.parse(JSON.stringify(raw), this.#options.appTypes);
      if (!frame) continue;
      if (frame.type === 'sys.reset') {
        this.#tracker.reset(frame.payload.epoch, frame.payload.seq);
        this.#events.reset(frame);
        continue;
      }
      if (frame.type === 'sys.hello') {
        this.#tracker.start(frame.payload.epoch, frame.payload.seq);
        continue;
      }
      if (frame.type === 'sys.error') this.#events.error({ kind: 'server-error', code: frame.payload.code, message: frame.payload.message });
      if (frame.seq !== undefined && this.#tracker.epoch !== answer.epoch) {
        // Another epoch (a fresh server, or our first answer): start there, never a false gap.
        this.#tracker.reset(answer.epoch, frame.prev ?? frame.seq - 1);
      }
      const verdict = this.#tracker.accept(frame.seq, frame.prev);
      if (verdict === 'duplicate') continue;
      if (verdict === 'gap') {
        // Keep the cursor before the gap and ask again at once: the server replays from there.
        this.#logger.debug('poller: gap, polling again from', this.#tracker.cursor);
        gap = true;
        break;
      }
      this.#events.deliver(frame);
    }
    if (!live()) return 'stop';
    if (gap) return 'more';
    // The answer's cursor passes events meant for others; adopt it.
    if (this.#tracker.epoch !== answer.epoch || this.#tracker.lastSeq === null) this.#tracker.reset(answer.epoch, answer.seq);
    else if (answer.seq > this.#tracker.lastSeq) this.#tracker.lastSeq = answer.seq;
    return before !== null && answer.seq - before >= pageSize ? 'more' : 'idle';
  }

  #failedAttempt(reason: string, code: number | null): void {
    this.#attempt += 1;
    this.#stale.stop();
    this.#events.setStatus({ state: 'reconnecting', attempt: this.#attempt, reason, code, stale: false });
  }

  #retire(): void {
    this.#generation += 1;
    this.#stale.stop();
    this.#wait.unwatch();
    const controller = this.#abort;
    this.#abort = null;
    controller?.abort();
    this.#wait.skip();
    this.#interval.skip();
  }

  #fail(reason: string, code: number | null): void {
    this.#retire();
    this.#events.setStatus({ state: 'failed', nextRetryAt: null, reason, code, stale: false });
  }
}

/** Reads `{ cursor: "<epoch>:<seq>", events: [...] }`; null when the answer has another shape. */
function readAnswer(text: string): { epoch: string; seq: number; events: unknown[] } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(body) || !Array.isArray(body['events'])) return null;
  const cursor = parseCursor(typeof body['cursor'] === 'string' ? body['cursor'] : null);
  if (!cursor) return null;
  return { epoch: cursor.epoch, seq: cursor.seq, events: body['events'] as unknown[] };
}
