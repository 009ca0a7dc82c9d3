import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { type MessageType, type PayloadOf, parseCursor } from '../protocol/index.js';
import { type BackoffPolicy, computeBackoff, resolveBackoff } from './backoff.js';
import { ConnectionBase, type ConnectionOptions } from './connection-base.js';
import { ConnectionEvents } from './connection-events.js';
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
import { untilAborted } from './async-util.js';

/** Options of {@link EventStream}. Only `url` is required. */
export interface EventStreamOptions extends ConnectionOptions {
  /** The SSE endpoint, e.g. `/api/events`; relative URLs resolve against `baseUrl`. */
  readonly url: string;
  /** A stream silent for this long (no event, no `: ping` comment) is reopened; default 45 000 ms. */
  readonly idleTimeoutMs?: number;
  /** Quiet time after which `status.stale` is true; default 30 000 ms. */
  readonly staleMs?: number;
  /**
   * Time allowed for the token getter and the response headers together (as the socket's option);
   * default 10 000 ms. Running out is a failed request (`timeout`) and the usual backoff applies.
   */
  readonly connectTimeoutMs?: number;
}


/** How one request ended: go round again (maybe after a wait) or stop. */
type Outcome = 'again' | 'stop';

/**
 * Server-Sent Events read over `fetch` with `eventsource-parser`, so it can send headers
 * (`Authorization`, `Last-Event-ID` on every request), see status codes and pick its own waits.
 *
 * States as everywhere: `idle` → `connecting` → `open`; a non-200 answer, a network error or the
 * end of the stream → `reconnecting` with jittered backoff (plus the server's `retry:`); `401`
 * refreshes the token once (a second 401 right after a refresh, or a `403`, → `failed`); `204`
 * means stop (`closed`, reason `no-content`). Events are deduplicated by `seq`; a `prev` ahead of
 * the last `seq` reopens the stream from the cursor at once. `transport` is `sse`.
 * Receive-only: {@link send} refuses.
 */
export class EventStream extends ConnectionBase {
  readonly #options: EventStreamOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #backoff: BackoffPolicy;
  readonly #events: ConnectionEvents;
  readonly #wait: RetryWait;
  readonly #stale: StaleTimer;
  readonly #tracker = new SequenceTracker();
  readonly #tokens = new TokenRefresh();

  #generation = 0;
  #attempt = 0;
  #opened = false;
  #serverRetryMs: number | null = null;
  #abort: AbortController | null = null;
  /** Why the current request is being aborted by us: `gap` reopens at once, others back off. */
  #abortReason: string | null = null;
  #lastInbound = 0;
  #idleTimer: TimerHandle | null = null;

  constructor(options: EventStreamOptions) {
    const events = new ConnectionEvents({ transport: 'sse', name: 'event-stream', unit: 'an event', logger: options.logger ?? silentLogger });
    super(events);
    this.#events = events;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger ?? silentLogger;
    this.#backoff = resolveBackoff(options.backoff);
    this.#wait = new RetryWait({ clock: this.#clock, events: this.#events, offlineWaitMs: this.#backoff.maxMs, environment: options.environment });
    this.#stale = new StaleTimer({
      clock: this.#clock,
      events: this.#events,
      staleMs: () => this.#options.staleMs ?? 30_000,
      lastInbound: () => this.#lastInbound,
    });
    const start = parseCursor(options.cursor);
    if (start) this.#tracker.reset(start.epoch, start.seq);
  }


  /** Resume point `<epoch>:<seq>` sent as `Last-Event-ID`, or null before the first event. */
  get cursor(): string | null {
    return this.#tracker.cursor;
  }

  /** The server log's epoch this has reached (the cursor's first part), or null. */
  get epoch(): string | null {
    return this.#tracker.epoch;
  }






  /** SSE is receive-only: always `refused`, with a `transport` error saying so. */
  send<T extends MessageType>(type: T, _payload?: PayloadOf<T>, _options?: SendOptions): SendResult {
    this.#events.error({ kind: 'transport', message: `cannot send ${type}: the event stream is receive-only` });
    return 'refused';
  }

  /** Opens the stream; a no-op while connecting or connected. */
  connect(): void {
    const state = this.#events.status.state;
    if (state !== 'idle' && state !== 'closed' && state !== 'failed') return;
    const generation = ++this.#generation;
    this.#attempt = 0;
    this.#opened = false;
    this.#tokens.clear();
    this.#events.setStatus({ state: 'connecting', attempt: 0, nextRetryAt: null, reason: null, code: null, stale: false });
    this.#wait.watch();
    void this.#run(generation);
  }

  /** Stops the stream (until {@link connect} or {@link retry}). */
  close(): void {
    if (this.#events.status.state === 'closed') return;
    this.#retire();
    this.#events.setStatus({ state: 'closed', nextRetryAt: null, reason: 'page', stale: false });
  }

  /** Starts over after `failed`, `closed` or `idle`; skips the wait while reconnecting or offline. */
  retry(): void {
    const state = this.#events.status.state;
    if (state === 'failed' || state === 'closed' || state === 'idle') this.connect();
    else if (this.#wait.waiting) this.#wait.skip();
  }

  async #run(generation: number): Promise<void> {
    const live = () => generation === this.#generation;
    while (live()) {
      const maxRetries = this.#options.maxRetries ?? Number.POSITIVE_INFINITY;
      if (this.#attempt > maxRetries) {
        this.#fail('max-retries', this.#events.status.code);
        return;
      }
      const delay = () => (this.#serverRetryMs ?? 0) + computeBackoff(this.#attempt - 1, this.#backoff, this.#random);
      if (!(await this.#wait.before(this.#attempt, delay, live))) return;
      this.#events.setStatus({ state: this.#opened || this.#attempt > 0 ? 'reconnecting' : 'connecting', nextRetryAt: null });
      let outcome: Outcome;
      try {
        outcome = await this.#request(generation);
      } catch (error) {
        if (!live()) return;
        // Anything unexpected counts as a failed attempt rather than killing the loop.
        this.#failedAttempt(error instanceof Error ? error.message : 'error', null);
        outcome = 'again';
      }
      if (outcome === 'stop' || !live()) return;
    }
  }

  /** One request: headers, status handling, then reading until the stream ends or is aborted. */
  async #request(generation: number): Promise<Outcome> {
    const live = () => generation === this.#generation;
    const base = this.#options.baseUrl ?? pageUrl();
    let url: URL;
    try {
      url = resolveUrl(this.#options.url, base, 'http');
    } catch {
      this.#fail('invalid-url', null);
      return 'stop';
    }
    // Only CORS-listed headers (the server allows Authorization, X-RT-User, Last-Event-ID); caching
    // is turned off through the fetch option instead of a Cache-Control request header.
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    const cursor = this.#tracker.cursor;
    if (cursor) headers['Last-Event-ID'] = cursor;
    if (this.#options.user) headers['X-RT-User'] = this.#options.user.id;
    // One controller for the whole request: the deadline and close() abort it, and so do a gap
    // or an idle stream later on. A getter or server that never answers must not hold the
    // request forever: at the deadline it fails like any other and the usual backoff applies.
    const controller = new AbortController();
    this.#abort = controller;
    this.#abortReason = null;
    let timedOut = false;
    const deadline = this.#clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#options.connectTimeoutMs ?? 10_000);
    let response: Response;
    try {
      const refresh = this.#tokens.take();
      const getToken = this.#options.getToken;
      if (getToken) {
        let token: string | null | undefined;
        try {
          token = await untilAborted(Promise.resolve(getToken({ refresh })), controller.signal);
        } catch (error) {
          if (!live()) return 'stop';
          if (timedOut) {
            this.#failedAttempt('timeout', null);
            return 'again';
          }
          this.#events.error({ kind: 'auth', message: tokenErrorMessage(error) });
          this.#failedAttempt('token-error', null);
          return 'again';
        }
        if (!live()) return 'stop';
        if (token) headers['Authorization'] = `Bearer ${token}`;
      }
      const fetchImpl = this.#options.fetch ?? globalThis.fetch;
      try {
        response = await untilAborted(fetchImpl(url.href, { headers, signal: controller.signal, cache: 'no-store' }), controller.signal);
      } catch (error) {
        if (!live()) return 'stop';
        this.#failedAttempt(timedOut ? 'timeout' : error instanceof Error ? error.message : 'network error', null);
        return 'again';
      }
    } finally {
      this.#clock.clearTimeout(deadline);
      if (this.#abort === controller && controller.signal.aborted) this.#abort = null;
    }
    if (!live()) {
      void response.body?.cancel().catch(() => {});
      return 'stop';
    }

    if (response.status === 204) {
      // The server's way of saying "stop": do not come back.
      this.#retire();
      this.#events.setStatus({ state: 'closed', nextRetryAt: null, reason: 'no-content', code: 204, stale: false });
      return 'stop';
    }
    if (response.status === 401) {
      void response.body?.cancel().catch(() => {});
      if (this.#tokens.refused()) {
        this.#fail('unauthorized', 401);
        return 'stop';
      }
      this.#events.error({ kind: 'auth', message: TOKEN_REFUSED_MESSAGE });
      this.#failedAttempt('unauthorized', 401);
      return 'again';
    }
    if (response.status === 403) {
      void response.body?.cancel().catch(() => {});
      this.#fail('forbidden', 403);
      return 'stop';
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !response.body || !type.toLowerCase().includes('text/event-stream')) {
      void response.body?.cancel().catch(() => {});
      this.#failedAttempt(response.ok ? 'not an event stream' : `HTTP ${response.status}`, response.status);
      return 'again';
    }

    this.#opened = true;
    this.#attempt = 0;
    this.#tokens.accepted();
    this.#lastInbound = this.#clock.now();
    this.#events.setStatus({ state: 'open', attempt: 0, nextRetryAt: null, reason: null, code: null, stale: false });
    this.#scheduleIdleCheck();
    this.#stale.schedule();

    const parser = createParser({
      onEvent: (event) => this.#onEvent(event),
      onRetry: (ms) => {
        this.#serverRetryMs = ms;
      },
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let reason = 'stream-ended';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (!live()) return 'stop';
        if (done) break;
        this.#noteInbound();
        parser.feed(decoder.decode(value, { stream: true }));
        if (this.#abortReason) break;
      }
    } catch (error) {
      if (!live()) return 'stop';
      reason = error instanceof Error ? error.message : 'read error';
    } finally {
      this.#stopTimers();
      this.#abort = null;
      if (!controller.signal.aborted) controller.abort();
    }
    if (!live()) return 'stop';
    const ours = this.#abortReason;
    this.#abortReason = null;
    if (ours === 'gap') {
      // Not a failure: reopen from the cursor now so the server replays what we missed.
      this.#events.setStatus({ state: 'reconnecting', attempt: 0, nextRetryAt: null, reason: 'gap', code: null, stale: false });
      return 'again';
    }
    this.#attempt = 1;
    this.#events.setStatus({ state: 'reconnecting', attempt: 1, nextRetryAt: null, reason: ours ?? reason, code: null, stale: false });
    return 'again';
  }

  #onEvent(event: EventSourceMessage): void {
    if (this.#abortReason) return;
    const frame = this.#events.parse(event.data, this.#options.appTypes);
    if (!frame) return;
    if (frame.type === 'sys.reset') {
      this.#tracker.reset(frame.payload.epoch, frame.payload.seq);
      this.#events.reset(frame);
      return;
    }
    if (frame.type === 'sys.hello') {
      // Another epoch than ours: the server's log was replaced and it sends no reset for that
      // (another epoch is a fresh start there), so reset here, before anything of the new log.
      if (this.#tracker.start(frame.payload.epoch, frame.payload.seq)) {
        this.#events.epochChanged(frame.payload.epoch, frame.payload.seq, this.#clock.now());
      }
      return;
    }
    if (frame.type === 'sys.error') {
      this.#events.error({ kind: 'server-error', code: frame.payload.code, message: frame.payload.message });
    }
    const id = parseCursor(event.id);
    if (id && frame.seq !== undefined && id.epoch !== this.#tracker.epoch) {
      // Another epoch (a fresh server or our first event): start there, never a false gap.
      this.#tracker.reset(id.epoch, frame.prev ?? frame.seq - 1);
    }
    const verdict = this.#tracker.accept(frame.seq, frame.prev);
    if (verdict === 'duplicate') return;
    if (verdict === 'gap') {
      this.#logger.debug('event-stream: gap, reopening from', this.#tracker.cursor);
      this.#abortNow('gap');
      return;
    }
    this.#events.deliver(frame);
  }

  #abortNow(reason: string): void {
    this.#abortReason = reason;
    this.#abort?.abort();
  }

  #failedAttempt(reason: string, code: number | null): void {
    this.#attempt += 1;
    this.#events.setStatus({ state: 'reconnecting', attempt: this.#attempt, reason, code, stale: false });
  }

  // ---- liveness -------------------------------------------------------------------------------

  #noteInbound(): void {
    this.#lastInbound = this.#clock.now();
    this.#stale.inbound();
  }

  #scheduleIdleCheck(deadline?: number): void {
    this.#clearIdle();
    const idleMs = this.#options.idleTimeoutMs ?? 45_000;
    const due = deadline ?? this.#lastInbound + idleMs;
    this.#idleTimer = this.#clock.setTimeout(() => {
      this.#idleTimer = null;
      const now = this.#clock.now();
      if (this.#lastInbound + idleMs > now) {
        this.#scheduleIdleCheck();
        return;
      }
      // A timer far past its time (hidden tab, sleep) proves nothing about the stream: give it a
      // short grace window to show a byte instead of cutting a healthy stream.
      if (now - due > Math.max(1_000, idleMs / 2)) {
        this.#scheduleIdleCheck(now + Math.min(idleMs, 5_000));
        return;
      }
      this.#abortNow('idle-timeout');
    }, Math.max(0, due - this.#clock.now()));
  }

  #clearIdle(): void {
    if (this.#idleTimer !== null) this.#clock.clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }

  #stopTimers(): void {
    this.#clearIdle();
    this.#stale.stop();
  }

  // ---- teardown -------------------------------------------------------------------------------

  #retire(): void {
    this.#generation += 1;
    this.#stopTimers();
    this.#wait.unwatch();
    this.#abortReason = 'closed';
    const controller = this.#abort;
    this.#abort = null;
    controller?.abort();
    this.#wait.skip();
  }

  #fail(reason: string, code: number | null): void {
    this.#retire();
    this.#events.setStatus({ state: 'failed', nextRetryAt: null, reason, code, stale: false });
  }
}
