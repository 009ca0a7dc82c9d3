import ReconnectingWebSocket from 'partysocket/ws';
import type { CloseEvent as PartyCloseEvent, ErrorEvent as PartyErrorEvent } from 'partysocket/ws';
import {
  type AnyEnvelope,
  BATCH_PARAM,
  type HelloPayload,
  parseCursor,
  type MessageType,
  type PayloadOf,
  CloseCode,
  envelope,
  isAppType,
  isRecord,
} from '../protocol/index.js';
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
  type Unsubscribe,
  silentLogger,
  systemClock,
} from './types.js';
import { pageUrl, resolveUrl } from './urls.js';
import { untilAborted, utf8Bytes } from './async-util.js';

/** Options of {@link RealtimeSocket}. Only `url` is required. */
export interface RealtimeSocketOptions extends ConnectionOptions {
  /** `ws(s)://` absolute, or `http(s)://`, or relative (`/ws`) resolved against `baseUrl`. */
  readonly url: string;
  /** REST base for tickets, default `/api`. */
  readonly api?: string;
  /** Quiet time before a ping; default from `sys.hello`, else 25 000 ms. */
  readonly heartbeatMs?: number;
  /** How long a ping may go unanswered before reconnecting; default 10 000 ms. */
  readonly pongTimeoutMs?: number;
  /** Quiet time after which `status.stale` is true; default heartbeat + pong timeout. */
  readonly staleMs?: number;
  /**
   * Time allowed for the token getter and the ticket request together, and again for the socket to
   * open and `sys.hello` to arrive; default 10 000 ms. Running out is a failed attempt (`timeout`).
   */
  readonly connectTimeoutMs?: number;
  /** Largest number of queued messages; default 100. When full the oldest is dropped and reported. */
  readonly queueLimit?: number;
  readonly WebSocket?: typeof WebSocket;
}

interface QueuedMessage {
  readonly type: string;
  readonly json: string;
  readonly bytes: number;
}

/** Thrown inside an attempt when it should not be retried. */
class FatalAttempt extends Error {
  constructor(readonly reason: string, readonly code: number | null = null) {
    super(reason);
  }
}

/** A URL never connected to: handed to partysocket only after it was closed, which it checks first. */
const DEAD_URL = 'ws://127.0.0.1:9/closed';
/** Close code the client uses when it gives up on a silent line. */
const LIVENESS_CLOSE = 4000;
/** A rate-limited attempt waits at least this long (capped by `maxMs`). */
const RATE_LIMIT_FLOOR_MS = 5_000;
/** Extra growth steps for a rate-limited attempt. */
const RATE_LIMIT_STEPS = 3;



/**
 * The kit's WebSocket connection on partysocket's `ReconnectingWebSocket`.
 *
 * partysocket opens and replaces sockets; this class owns everything around it: the outbound
 * queue (so the resume frame goes first, see TOOLCHAIN.md), jittered backoff (the async URL
 * provider waits on the injected clock, so `retry()` and `online` can cut it short), tickets,
 * close-code policy, heartbeat, stale detection, dedupe by `seq` and gap recovery.
 *
 * States: `idle` → `connecting` → `open` (only after `sys.hello`); a drop → `reconnecting`
 * (with `attempt`, `nextRetryAt`, `reason`, `code`); `offline` while the environment reports no
 * network; `closed` after {@link close}; `failed` after `maxRetries`, close code 4003 or a second
 * expiry right after a token refresh. {@link retry} starts over.
 *
 * Queue policy: messages sent while not open are kept (up to `queueLimit`, newest kept, each
 * dropped one reported as `queue-overflow`) and flushed in order right after the resume frame.
 * Volatile `app.*` types and `sys.*` frames are never queued.
 */
export class RealtimeSocket extends ConnectionBase {
  readonly #options: RealtimeSocketOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #backoff: BackoffPolicy;
  readonly #events: ConnectionEvents;
  readonly #wait: RetryWait;
  readonly #stale: StaleTimer;
  readonly #tracker = new SequenceTracker();
  readonly #tokens = new TokenRefresh();
  readonly #queue: QueuedMessage[] = [];

  #rws: ReconnectingWebSocket | null = null;
  #detach: Unsubscribe | null = null;
  /** Bumped whenever the current partysocket is retired, so stale URL providers stand down. */
  #generation = 0;
  #hello: HelloPayload | null = null;
  /** Hello received and resume sent on the current socket. */
  #ready = false;
  #attempt = 0;
  #inFlight = false;
  #rateLimited = false;
  #localDrop: string | null = null;
  /** When we last asked for a replay after a gap; null when the sequence is continuous. */
  #resyncSince: number | null = null;
  #lastSent: { type: string; bytes: number } | null = null;
  #midCounter = 0;
  /** Aborts the token and ticket step of the attempt under way (at its deadline or on retire). */
  #preparing: AbortController | null = null;

  #lastInbound = 0;
  #pingSentAt: number | null = null;
  #quietTimer: TimerHandle | null = null;
  #deadlineTimer: TimerHandle | null = null;
  #helloTimer: TimerHandle | null = null;

  constructor(options: RealtimeSocketOptions) {
    const events = new ConnectionEvents({ transport: 'websocket', name: 'realtime-socket', unit: 'a frame', logger: options.logger ?? silentLogger });
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
      staleMs: () => this.#staleMs(),
      lastInbound: () => this.#lastInbound,
      active: () => this.#ready,
    });
    const start = parseCursor(options.cursor);
    if (start) this.#tracker.reset(start.epoch, start.seq);
  }


  /** Resume point `<epoch>:<seq>`, or null before the first `sys.hello`. */
  get cursor(): string | null {
    return this.#tracker.cursor;
  }

  /** The server log's epoch this has reached (the cursor's first part), or null. */
  get epoch(): string | null {
    return this.#tracker.epoch;
  }

  /** The last `sys.hello` payload (limits, heartbeat, the user the server sees), or null. */
  get serverInfo(): HelloPayload | null {
    return this.#hello;
  }

  /** Number of messages waiting for the connection. */
  get queued(): number {
    return this.#queue.length;
  }






  /** Opens the connection; a no-op while connecting or connected. */
  connect(): void {
    const state = this.#events.status.state;
    if (state !== 'idle' && state !== 'closed' && state !== 'failed') return;
    const generation = ++this.#generation;
    this.#attempt = 0;
    this.#tokens.clear();
    this.#rateLimited = false;
    this.#events.setStatus({ state: 'connecting', attempt: 0, nextRetryAt: null, reason: null, code: null, stale: false });
    this.#wait.watch(() => {
      if (!this.#ready) return false;
      this.#ping();
      return true;
    });

    const rws = new ReconnectingWebSocket(() => this.#nextUrl(generation), undefined, {
      WebSocket: this.#options.WebSocket ?? globalThis.WebSocket,
      // The kit keeps the queue so the resume frame can go first.
      maxEnqueuedMessages: 0,
      startClosed: true,
      // Waits are jittered by the kit inside the URL provider.
      minReconnectionDelay: 0,
      maxReconnectionDelay: 0,
      connectionTimeout: this.#connectTimeoutMs(),
      debug: false,
    });
    const onOpen = () => this.#onOpen();
    const onMessage = (event: MessageEvent) => this.#onMessage(event.data);
    // In browsers partysocket re-dispatches its own synthetic close events through
    // `new constructor(type, event)`, which garbles code and reason: normalize here.
    const onClose = (event: PartyCloseEvent) =>
      this.#onClose(typeof event.code === 'number' ? event.code : 1006, typeof event.reason === 'string' ? event.reason : '');
    const onError = (event: PartyErrorEvent) => this.#onSocketError(event);
    rws.addEventListener('open', onOpen);
    rws.addEventListener('message', onMessage);
    rws.addEventListener('close', onClose);
    rws.addEventListener('error', onError);
    this.#detach = () => {
      rws.removeEventListener('open', onOpen);
      rws.removeEventListener('message', onMessage);
      rws.removeEventListener('close', onClose as EventListener);
      rws.removeEventListener('error', onError as EventListener);
    };
    this.#rws = rws;
    rws.reconnect();
  }

  /** Closes the connection for good (until {@link connect} or {@link retry}). Queued messages are kept. */
  close(): void {
    if (this.#events.status.state === 'closed') return;
    this.#retire();
    this.#events.setStatus({ state: 'closed', nextRetryAt: null, reason: 'page', stale: false });
  }

  /** Starts over after `failed`, `closed` or `idle`; skips the wait while reconnecting or offline. */
  retry(): void {
    const state = this.#events.status.state;
    if (state === 'failed' || state === 'closed' || state === 'idle') {
      this.connect();
    } else if (this.#wait.waiting) {
      this.#wait.skip();
    }
  }

  /**
   * Sends now when open; otherwise queues (bounded) unless the type is volatile or `sys.*`.
   * Frames over the server's `maxFrameBytes` are refused before they leave.
   */
  send<T extends MessageType>(type: T, payload: PayloadOf<T>, options: SendOptions = {}): SendResult {
    const system = type.startsWith('sys.');
    const mid = options.mid ?? (system ? undefined : this.#newMid());
    const json = JSON.stringify(envelope(type, payload, { ts: this.#clock.now(), ...(mid === undefined ? {} : { mid }) }));
    const bytes = utf8Bytes(json);
    const limit = this.#hello?.maxFrameBytes;
    if (limit !== undefined && bytes > limit) {
      this.#events.error({ kind: 'too-big', bytes, limit, type });
      return 'refused';
    }
    if (this.#ready && this.#rawSend(json, type, bytes)) return 'sent';
    const volatile = isAppType(type) && this.#options.appTypes?.get(type)?.volatile === true;
    if (volatile || system) return 'dropped';
    const queueLimit = this.#options.queueLimit ?? 100;
    if (queueLimit <= 0) {
      this.#events.error({ kind: 'queue-overflow', dropped: 1, type });
      return 'dropped';
    }
    this.#queue.push({ type, json, bytes });
    while (this.#queue.length > queueLimit) {
      const dropped = this.#queue.shift()!;
      this.#events.error({ kind: 'queue-overflow', dropped: 1, type: dropped.type });
    }
    return 'queued';
  }

  // ---- attempts -------------------------------------------------------------------------------

  /** partysocket's URL provider: waits the jittered backoff, trades a token for a ticket, returns the URL. */
  async #nextUrl(generation: number): Promise<string> {
    for (;;) {
      if (generation !== this.#generation) return DEAD_URL;
      const maxRetries = this.#options.maxRetries ?? Number.POSITIVE_INFINITY;
      if (this.#attempt > maxRetries) {
        this.#fail('max-retries', this.#events.status.code);
        return DEAD_URL;
      }
      if (!(await this.#wait.before(this.#attempt, () => this.#retryDelay(), () => generation === this.#generation))) return DEAD_URL;
      this.#events.setStatus({ state: this.#attempt === 0 ? 'connecting' : 'reconnecting', nextRetryAt: null });
      // A token getter or ticket request that never answers must not hold the attempt forever:
      // at the deadline it fails like any other attempt and the usual backoff applies.
      const controller = new AbortController();
      this.#preparing = controller;
      let timedOut = false;
      const timer = this.#clock.setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#connectTimeoutMs());
      try {
        const url = await untilAborted(this.#buildUrl(controller.signal), controller.signal);
        if (generation !== this.#generation) return DEAD_URL;
        this.#inFlight = true;
        return url;
      } catch (caught) {
        const error = timedOut && !(caught instanceof FatalAttempt) ? new Error('timeout') : caught;
        if (generation !== this.#generation) return DEAD_URL;
        if (error instanceof FatalAttempt) {
          this.#fail(error.reason, error.code);
          return DEAD_URL;
        }
        const message = error instanceof Error ? error.message : String(error);
        this.#logger.debug('realtime-socket: attempt failed before connecting', message);
        this.#attempt += 1;
        this.#events.setStatus({ state: 'reconnecting', attempt: this.#attempt, reason: message, code: null });
      } finally {
        this.#clock.clearTimeout(timer);
        if (this.#preparing === controller) this.#preparing = null;
      }
    }
  }

  #connectTimeoutMs(): number {
    return this.#options.connectTimeoutMs ?? 10_000;
  }

  #retryDelay(): number {
    const step = this.#attempt - 1;
    if (!this.#rateLimited) return computeBackoff(step, this.#backoff, this.#random);
    const floor = Math.min(RATE_LIMIT_FLOOR_MS, this.#backoff.maxMs);
    return Math.max(floor, computeBackoff(step + RATE_LIMIT_STEPS, this.#backoff, this.#random));
  }

  async #buildUrl(signal: AbortSignal): Promise<string> {
    const base = this.#options.baseUrl ?? pageUrl();
    let url: URL;
    try {
      url = resolveUrl(this.#options.url, base, 'ws');
    } catch {
      throw new FatalAttempt('invalid-url');
    }
    // Lets our server pack events published together into one frame (a JSON array of envelopes);
    // other servers ignore the parameter and send one envelope per frame, which is read the same.
    url.searchParams.set(BATCH_PARAM, '1');
    const getToken = this.#options.getToken;
    if (!getToken) return url.href;
    const refresh = this.#tokens.take();
    let token: string | null | undefined;
    try {
      token = await getToken({ refresh });
    } catch (error) {
      // An attempt given up (deadline, retire) reports nothing late.
      if (signal.aborted) throw new Error('aborted');
      this.#events.error({ kind: 'auth', message: tokenErrorMessage(error) });
      throw new Error('token-error');
    }
    if (!token) return url.href;
    if (signal.aborted) throw new Error('aborted');
    url.searchParams.set('ticket', await this.#fetchTicket(token, base, signal));
    return url.href;
  }

  async #fetchTicket(token: string, base: string | undefined, signal: AbortSignal): Promise<string> {
    const fetchImpl = this.#options.fetch ?? globalThis.fetch;
    const api = (this.#options.api ?? '/api').replace(/\/+$/, '');
    const endpoint = resolveUrl(`${api}/tickets`, base ?? resolveUrl(this.#options.url, base, 'http').href, 'http');
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (this.#options.user) headers['X-RT-User'] = this.#options.user.id;
    const response = await fetchImpl(endpoint.href, { method: 'POST', headers, signal });
    if (signal.aborted) throw new Error('aborted');
    if (response.status === 401) {
      if (this.#tokens.refused()) throw new FatalAttempt('unauthorized', null);
      this.#events.error({ kind: 'auth', message: TOKEN_REFUSED_MESSAGE });
      throw new Error('unauthorized');
    }
    if (response.status === 403) throw new FatalAttempt('forbidden', null);
    if (!response.ok) throw new Error(`ticket request failed with ${response.status}`);
    const body: unknown = await response.json();
    const ticket = isRecord(body) ? body['ticket'] : undefined;
    if (typeof ticket !== 'string' || ticket === '') throw new Error('ticket answer has no ticket');
    return ticket;
  }

  // ---- socket events --------------------------------------------------------------------------

  #onOpen(): void {
    this.#lastInbound = this.#clock.now();
    // The server speaks first; a socket that never says hello is as good as closed.
    this.#clearTimer('hello');
    this.#helloTimer = this.#clock.setTimeout(() => {
      this.#helloTimer = null;
      if (!this.#ready) this.#drop('hello-timeout');
    }, this.#connectTimeoutMs());
  }

  #onSocketError(event: PartyErrorEvent): void {
    this.#logger.debug('realtime-socket: socket error', typeof event.message === 'string' ? event.message : 'error');
    // partysocket reports a failure to even create the socket as an error without a close.
    if (this.#inFlight) this.#onClose(1006, typeof event.message === 'string' && event.message ? event.message : 'error');
  }

  #onClose(code: number, reason: string): void {
    const wasOpen = this.#ready;
    this.#inFlight = false;
    this.#ready = false;
    this.#stopLiveness();
    this.#clearTimer('hello');
    const cleanReason = reason === 'unknown reason' ? '' : reason;
    const local = this.#localDrop;
    this.#localDrop = null;
    const why = local ?? (cleanReason || `closed (${code})`);
    const shownCode = local ? null : code;
    this.#logger.debug('realtime-socket: closed', { code: shownCode, reason: why });

    if (!local && code === CloseCode.Forbidden) {
      this.#fail(cleanReason || 'forbidden', code);
      return;
    }
    if (!local && code === CloseCode.TokenExpired) {
      if (this.#tokens.usedRefresh && !wasOpen) {
        this.#fail(cleanReason || 'token-expired', code);
        return;
      }
      this.#tokens.request();
    }
    this.#rateLimited = !local && code === CloseCode.RateLimited;
    if (!local && code === CloseCode.TooBig) {
      // The frame is gone (sent frames leave the queue), so reconnecting cannot resend it.
      const last = this.#lastSent;
      this.#events.error({ kind: 'too-big', bytes: last?.bytes ?? 0, limit: this.#hello?.maxFrameBytes ?? 0, type: last?.type ?? '' });
    }
    this.#attempt = wasOpen ? 1 : this.#attempt + 1;
    this.#events.setStatus({ state: 'reconnecting', attempt: this.#attempt, nextRetryAt: null, reason: why, code: shownCode, stale: false });
  }

  #onMessage(data: unknown): void {
    this.#noteInbound();
    // A batch: one frame, one JSON.parse and one MessageEvent for many envelopes.
    if (typeof data === 'string' && data.charCodeAt(0) === 0x5b /* [ */) {
      for (const frame of this.#events.parseBatch(data, this.#options.appTypes)) this.#onFrame(frame);
      return;
    }
    const frame = this.#events.parse(data, this.#options.appTypes);
    if (frame) this.#onFrame(frame);
  }

  #onFrame(frame: AnyEnvelope): void {
    switch (frame.type) {
      case 'sys.hello':
        this.#onHello(frame.payload);
        return;
      case 'sys.pong':
      case 'sys.ping':
        return;
      case 'sys.reset':
        this.#tracker.reset(frame.payload.epoch, frame.payload.seq);
        this.#resyncSince = null;
        this.#events.reset(frame);
        return;
      case 'sys.error':
        this.#events.error({ kind: 'server-error', code: frame.payload.code, message: frame.payload.message });
        this.#events.deliver(frame);
        return;
      default:
        break;
    }
    const verdict = this.#tracker.accept(frame.seq, frame.prev);
    if (verdict === 'duplicate') {
      this.#logger.debug('realtime-socket: dropped a repeated seq', frame.seq);
      return;
    }
    if (verdict === 'gap') {
      // Something meant for us went missing: ask for a replay from our last seq. Frames that
      // arrive before the replay are dropped here and come back in it, in order.
      // One resume per gap; ask again only if the replay has not caught up within a pong timeout.
      const now = this.#clock.now();
      if (this.#ready && (this.#resyncSince === null || now - this.#resyncSince > this.#pongTimeoutMs())) {
        this.#resyncSince = now;
        this.#logger.debug('realtime-socket: gap, resuming from', this.#tracker.cursor);
        this.#sendResume();
      }
      return;
    }
    if (frame.seq !== undefined) this.#resyncSince = null;
    this.#events.deliver(frame);
  }

  #onHello(hello: HelloPayload): void {
    this.#clearTimer('hello');
    this.#hello = hello;
    // Another epoch than ours: the server's log was replaced and it will not send a reset for that
    // (another epoch is a fresh start there), so reset here, before anything of the new log arrives.
    if (this.#tracker.start(hello.epoch, hello.seq)) this.#events.epochChanged(hello.epoch, hello.seq, this.#clock.now());
    this.#resyncSince = null;
    this.#ready = true;
    // Resume first, then the queue in order: the server must know where we are before anything else.
    if (!this.#sendResume()) {
      this.#ready = false;
      return;
    }
    this.#flushQueue();
    if (!this.#ready) return;
    this.#attempt = 0;
    this.#tokens.accepted();
    this.#rateLimited = false;
    this.#events.setStatus({ state: 'open', attempt: 0, nextRetryAt: null, reason: null, code: null, stale: false });
    this.#scheduleQuietCheck();
    this.#stale.schedule();
  }

  #sendResume(): boolean {
    const cursor = this.#tracker.cursor;
    const payload = { ...(cursor ? { cursor } : {}), ...(this.#options.user ? { user: this.#options.user.id } : {}) };
    const json = JSON.stringify(envelope('sys.resume', payload, { ts: this.#clock.now() }));
    return this.#rawSend(json, 'sys.resume', utf8Bytes(json));
  }

  #flushQueue(): void {
    const limit = this.#hello?.maxFrameBytes ?? Number.POSITIVE_INFINITY;
    while (this.#queue.length > 0 && this.#ready) {
      const next = this.#queue[0]!;
      if (next.bytes > limit) {
        this.#queue.shift();
        this.#events.error({ kind: 'too-big', bytes: next.bytes, limit, type: next.type });
        continue;
      }
      if (!this.#rawSend(next.json, next.type, next.bytes)) break;
      this.#queue.shift();
    }
  }

  #rawSend(json: string, type: string, bytes: number): boolean {
    const rws = this.#rws;
    if (!rws || rws.readyState !== ReconnectingWebSocket.OPEN) return false;
    const sent = rws.send(json);
    if (sent) this.#lastSent = { type, bytes };
    return sent;
  }

  /** Closes the current socket from our side; partysocket starts the next attempt. */
  #drop(reason: string): void {
    if (!this.#rws) return;
    this.#localDrop = reason;
    this.#rws.reconnect(LIVENESS_CLOSE, reason);
  }

  // ---- liveness -------------------------------------------------------------------------------

  #heartbeatMs(): number {
    return this.#options.heartbeatMs ?? this.#hello?.heartbeatMs ?? 25_000;
  }

  #pongTimeoutMs(): number {
    return this.#options.pongTimeoutMs ?? 10_000;
  }

  #staleMs(): number {
    return this.#options.staleMs ?? this.#heartbeatMs() + this.#pongTimeoutMs();
  }

  #noteInbound(): void {
    this.#lastInbound = this.#clock.now();
    if (this.#pingSentAt !== null) {
      this.#pingSentAt = null;
      this.#clearTimer('deadline');
      this.#scheduleQuietCheck();
    }
    this.#stale.inbound();
  }

  /** One timer, re-armed by timestamp, instead of a reset per frame: bursts stay cheap. */
  #scheduleQuietCheck(): void {
    this.#clearTimer('quiet');
    if (!this.#ready) return;
    const due = this.#lastInbound + this.#heartbeatMs() - this.#clock.now();
    this.#quietTimer = this.#clock.setTimeout(() => {
      this.#quietTimer = null;
      if (!this.#ready || this.#pingSentAt !== null) return;
      if (this.#clock.now() - this.#lastInbound >= this.#heartbeatMs()) this.#ping();
      else this.#scheduleQuietCheck();
    }, Math.max(0, due));
  }

  #ping(): void {
    if (!this.#ready || this.#pingSentAt !== null) return;
    const json = JSON.stringify(envelope('sys.ping', {}, { ts: this.#clock.now() }));
    if (!this.#rawSend(json, 'sys.ping', utf8Bytes(json))) return;
    const sentAt = this.#clock.now();
    this.#pingSentAt = sentAt;
    this.#clearTimer('quiet');
    this.#clearTimer('deadline');
    const timeout = this.#pongTimeoutMs();
    this.#deadlineTimer = this.#clock.setTimeout(() => {
      this.#deadlineTimer = null;
      if (this.#pingSentAt !== sentAt) return;
      if (this.#lastInbound >= sentAt) {
        this.#pingSentAt = null;
        this.#scheduleQuietCheck();
        return;
      }
      // A deadline that fires far too late (hidden tab, sleeping laptop) proves nothing about
      // the line: ask again instead of closing a healthy connection.
      const lateBy = this.#clock.now() - (sentAt + timeout);
      if (lateBy > Math.max(1_000, timeout / 2)) {
        this.#pingSentAt = null;
        this.#ping();
        return;
      }
      this.#drop('heartbeat-timeout');
    }, timeout);
  }

  #stopLiveness(): void {
    this.#pingSentAt = null;
    this.#clearTimer('quiet');
    this.#clearTimer('deadline');
    this.#stale.stop();
  }

  #clearTimer(which: 'quiet' | 'deadline' | 'hello'): void {
    const handles = { quiet: this.#quietTimer, deadline: this.#deadlineTimer, hello: this.#helloTimer };
    const handle = handles[which];
    if (handle === null) return;
    this.#clock.clearTimeout(handle);
    if (which === 'quiet') this.#quietTimer = null;
    else if (which === 'deadline') this.#deadlineTimer = null;
    else this.#helloTimer = null;
  }

  // ---- teardown -------------------------------------------------------------------------------

  /** Retires the current partysocket and every timer and listener; stale providers stand down. */
  #retire(): void {
    this.#generation += 1;
    this.#ready = false;
    this.#inFlight = false;
    this.#localDrop = null;
    this.#stopLiveness();
    this.#clearTimer('hello');
    // A token getter or ticket request still under way is abandoned (and the request aborted).
    this.#preparing?.abort();
    this.#preparing = null;
    this.#wait.unwatch();
    this.#detach?.();
    this.#detach = null;
    const rws = this.#rws;
    this.#rws = null;
    rws?.close(CloseCode.Normal, 'closed by the page');
    this.#wait.skip();
  }

  #fail(reason: string, code: number | null): void {
    this.#retire();
    this.#events.setStatus({ state: 'failed', nextRetryAt: null, reason, code, stale: false });
  }

  #newMid(): string {
    this.#midCounter += 1;
    const noise = Math.floor(this.#random() * 2 ** 40).toString(36);
    return `${this.#clock.now().toString(36)}-${this.#midCounter.toString(36)}-${noise}`;
  }
}
