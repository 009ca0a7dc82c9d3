import { type AnyEnvelope, type MessageType, type PayloadOf, parseCursor } from '../protocol/index.js';
import { ConnectionBase, type ConnectionOptions } from './connection-base.js';
import { ConnectionEvents, EPOCH_CHANGED } from './connection-events.js';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import { HttpOutbox, type OutboxMessage } from './http-outbox.js';
import { Poller, type PollerOptions } from './poller.js';
import { RealtimeSocket, type RealtimeSocketOptions } from './realtime-socket.js';
import { SequenceTracker } from './sequence-tracker.js';
import {
  type Clock,
  type ConnectionState,
  type ConnectionStatus,
  type Logger,
  type RealtimeConnection,
  type SendOptions,
  type SendResult,
  type TimerHandle,
  type Transport,
  type Unsubscribe,
  silentLogger,
  systemClock,
} from './types.js';

/** One rung of the chain, as {@link FallbackConnection} drives it. */
export interface FallbackTransport extends RealtimeConnection {
  /** Resume point `<epoch>:<seq>` it has reached, or null. */
  readonly cursor: string | null;
  /** The cursor's epoch, when the rung can tell it without formatting the cursor (checked per event). */
  readonly epoch?: string | null;
  connect(): void;
  close(): void;
}

/** Makes a rung that starts from `cursor` (null: a fresh start, from now). */
export type TransportFactory = (cursor: string | null) => FallbackTransport;

/** Options of {@link FallbackConnection}. Only `url` is required. */
export interface FallbackConnectionOptions extends ConnectionOptions {
  /** WebSocket endpoint: `ws(s)://`, `http(s)://` or relative (`/ws`) resolved against `baseUrl`. */
  readonly url: string;
  /** SSE endpoint; default `/api/events`. */
  readonly events?: string;
  /** REST base including `/api` (tickets, `poll`, `messages`); default `/api`. */
  readonly api?: string;
  /** The rungs, best first; default `['websocket', 'sse', 'polling']`. */
  readonly transports?: readonly Transport[];
  /** Consecutive failed attempts of the active rung before stepping down; default 3. */
  readonly stepDownAfter?: number;
  /** Time the active rung may stay without opening before stepping down; default 10 000 ms. */
  readonly stepDownMs?: number;
  /** First wait before probing the better rungs after a step down; doubles per failed round. Default 2 000 ms. */
  readonly probeMs?: number;
  /** Longest wait between probe rounds; default 60 000 ms. */
  readonly probeMaxMs?: number;
  /** Time a probe may take to open before it counts as failed; default `stepDownMs`. */
  readonly probeTimeoutMs?: number;
  /** Largest number of messages waiting while no socket is open; default 100 (oldest dropped, reported). */
  readonly queueLimit?: number;
  /** Pause between polls on the last rung; default 2 000 ms. */
  readonly pollIntervalMs?: number;
  /** Extra options per rung (e.g. heartbeat, idle timeout). */
  readonly socket?: Partial<RealtimeSocketOptions>;
  readonly stream?: Partial<EventStreamOptions>;
  readonly poller?: Partial<PollerOptions>;
  /** Replaces how a rung is made (tests and custom transports). */
  readonly create?: Partial<Record<Transport, TransportFactory>>;
  readonly WebSocket?: typeof WebSocket;
}

/** A live rung: the active one, or a probe of a better one. */
interface Rung {
  readonly transport: Transport;
  readonly index: number;
  readonly conn: FallbackTransport;
  readonly off: Unsubscribe[];
  /** A probe's deadline. */
  timer: TimerHandle | null;
}

const DEFAULT_CHAIN: readonly Transport[] = ['websocket', 'sse', 'polling'];
/** Failures that another transport cannot fix: the server refused who we are. */
const AUTH_REASONS = new Set(['forbidden', 'unauthorized', 'token-expired']);
const AUTH_CODES = new Set([401, 403, 4001, 4003]);
/** Unsequenced frames (app messages) remembered by `mid` to drop a repeat seen on two rungs. */
const RECENT_MIDS = 256;

function isAuthFailure(status: ConnectionStatus): boolean {
  return status.state === 'failed' && ((status.reason !== null && AUTH_REASONS.has(status.reason)) || (status.code !== null && AUTH_CODES.has(status.code)));
}

/**
 * One connection over the best transport that works: WebSocket, else Server-Sent Events (sending
 * through `POST /api/messages`), else polling `GET /api/poll`.
 *
 * Stepping down: when the active rung has failed `stepDownAfter` attempts in a row, or has not
 * opened for `stepDownMs`, or gave up (`failed`, except for auth refusals, which no transport can
 * fix and end in `failed`), the next rung starts from the cursor reached so far; the browser being
 * offline is not a reason. Climbing up: after a step down, fresh probes of every better rung start
 * after `probeMs` (doubling per failed round up to `probeMaxMs`, jittered); the first probe to open
 * becomes active and the rungs below it close.
 *
 * Every rung resumes from the same cursor, and this class keeps its own last `seq`, so a replay
 * overlapping what the previous rung delivered is dropped: each `seq` is delivered once, in order,
 * across switches. Subscriptions live here, so they survive switches. `status` is the active rung's
 * status with its `transport` (`connecting` shows as `reconnecting` once a rung was open or after a
 * step down). Sends go through the socket when it is open; otherwise they wait in one bounded,
 * ordered queue (the socket's policy) that drains through the socket when it opens, or through
 * `POST <api>/messages` while a lower rung is open, each message with one `mid` throughout.
 */
export class FallbackConnection extends ConnectionBase {
  readonly #options: FallbackConnectionOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #chain: readonly Transport[];
  readonly #events: ConnectionEvents;
  readonly #tracker = new SequenceTracker();
  readonly #outbox: HttpOutbox;
  readonly #recentMids: string[] = [];
  /** A send into the socket is under way: its `queue-overflow` is ours to handle (see `#toSocket`). */
  #handing = false;

  #rungs = new Map<number, Rung>();
  #level = 0;
  #running = false;
  #everOpen = false;
  /** The active rung was open at the last look. */
  #activeOpen = false;
  #lastReset: string | null = null;
  #downTimer: TimerHandle | null = null;
  #probeTimer: TimerHandle | null = null;
  #probeRound = 0;

  constructor(options: FallbackConnectionOptions) {
    const logger = options.logger ?? silentLogger;
    const filtered = (options.transports ?? DEFAULT_CHAIN).filter((t, i, all) => DEFAULT_CHAIN.includes(t) && all.indexOf(t) === i);
    const chain = filtered.length > 0 ? filtered : DEFAULT_CHAIN;
    const events = new ConnectionEvents({ transport: chain[0]!, name: 'fallback-connection', unit: 'a frame', logger });
    super(events);
    this.#events = events;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#logger = logger;
    this.#chain = chain;
    this.#outbox = new HttpOutbox({
      api: options.api ?? '/api',
      baseUrl: options.baseUrl,
      getToken: options.getToken,
      user: options.user,
      appTypes: options.appTypes,
      queueLimit: options.queueLimit,
      backoff: options.backoff,
      canPost: () => {
        const active = this.#active();
        return active !== null && active.transport !== 'websocket' && active.conn.status.state === 'open' && this.#openSocket() === null;
      },
      direct: (message) => this.#sendDirect(message),
      report: (error) => this.#events.error(error),
      fetch: options.fetch,
      clock: this.#clock,
      random: this.#random,
      logger: this.#logger,
    });
    const start = parseCursor(options.cursor);
    if (start) this.#tracker.reset(start.epoch, start.seq);
  }


  /** The active rung's transport. */
  get transport(): Transport {
    return this.status.transport;
  }

  /** The resume point reached so far, handed from rung to rung. */
  get cursor(): string | null {
    return this.#handoffCursor();
  }

  /** Number of messages waiting for a line. */
  get queued(): number {
    return this.#outbox.queued;
  }






  /** Starts on the best rung; a no-op while running. */
  connect(): void {
    if (this.#running) return;
    this.#running = true;
    this.#everOpen = false;
    this.#probeRound = 0;
    this.#level = 0;
    this.#startRung(0);
    this.#evaluate();
  }

  /** Closes every rung (until {@link connect} or {@link retry}). Waiting messages are kept. */
  close(): void {
    if (!this.#running && this.status.state === 'closed') return;
    this.#stop();
    this.#events.setStatus({ state: 'closed', nextRetryAt: null, reason: 'page', stale: false });
  }

  /** Starts over after `failed` or `closed`; otherwise skips the active rung's wait and probes the better rungs now. */
  retry(): void {
    if (!this.#running) {
      this.connect();
      return;
    }
    this.#active()?.conn.retry();
    if (this.#level > 0) {
      this.#clearProbeTimer();
      this.#probe();
    }
  }

  /**
   * Through the socket when it is open (and nothing waits before this message); otherwise into the
   * queue (see the class notes). `sys.*` frames only go through an open socket.
   */
  send<T extends MessageType>(type: T, payload: PayloadOf<T>, options: SendOptions = {}): SendResult {
    const socket = this.#openSocket();
    if (type.startsWith('sys.')) return socket ? this.#toSocket(socket, type, payload, options) : 'dropped';
    const mid = options.mid ?? this.#outbox.newMid();
    // Over SSE and polling the server echoes posted messages back to their sender; remembering the
    // mid drops that echo like a repeat, as the socket (which the server never echoes to) behaves.
    this.#rememberMid(mid);
    if (socket && this.#outbox.queued === 0) {
      const result = this.#toSocket(socket, type, payload, { mid });
      if (result === 'sent' || result === 'refused') return result;
      // The socket is closing although its status still says open: the message waits in our queue.
    }
    return this.#outbox.send(type, payload, { mid });
  }

  // ---- rungs ----------------------------------------------------------------------------------

  #active(): Rung | null {
    return this.#rungs.get(this.#level) ?? null;
  }

  #openSocket(): Rung | null {
    const active = this.#active();
    return active && active.transport === 'websocket' && active.conn.status.state === 'open' ? active : null;
  }

  #sendDirect(message: OutboxMessage): boolean {
    const socket = this.#openSocket();
    if (!socket) return false;
    // Sent, or refused as too big (and reported): handled. Anything else stays in the queue.
    const result = this.#toSocket(socket, message.type, message.payload as PayloadOf<MessageType>, { mid: message.mid });
    return result === 'sent' || result === 'refused';
  }

  /** Hands a message to the socket; its `queue-overflow` report for it is not forwarded. */
  #toSocket<T extends MessageType>(socket: Rung, type: T, payload: PayloadOf<T>, options: SendOptions): SendResult {
    this.#handing = true;
    try {
      return socket.conn.send(type, payload, options);
    } finally {
      this.#handing = false;
    }
  }

  /** Remembers a mid as seen; false when it already was (a repeat). */
  #rememberMid(mid: string): boolean {
    if (this.#recentMids.includes(mid)) return false;
    this.#recentMids.push(mid);
    if (this.#recentMids.length > RECENT_MIDS) this.#recentMids.shift();
    return true;
  }

  #factory(transport: Transport): TransportFactory {
    const custom = this.#options.create?.[transport];
    if (custom) return custom;
    const o = this.#options;
    const env = {
      ...(o.baseUrl !== undefined ? { baseUrl: o.baseUrl } : {}),
      ...(o.getToken ? { getToken: o.getToken } : {}),
      ...(o.user ? { user: o.user } : {}),
      ...(o.appTypes ? { appTypes: o.appTypes } : {}),
      ...(o.backoff ? { backoff: o.backoff } : {}),
      ...(o.fetch ? { fetch: o.fetch } : {}),
      clock: this.#clock,
      random: this.#random,
      logger: this.#logger,
      ...(o.environment ? { environment: o.environment } : {}),
    };
    const last = this.#chain.at(-1) === transport;
    const retries = last && o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {};
    const from = (cursor: string | null) => (cursor ? { cursor } : {});
    if (transport === 'websocket') {
      return (cursor) =>
        new RealtimeSocket({
          ...env,
          url: o.url,
          ...(o.api !== undefined ? { api: o.api } : {}),
          ...(o.WebSocket ? { WebSocket: o.WebSocket } : {}),
          ...retries,
          ...o.socket,
          // No queue inside the socket: a send it cannot make answers 'dropped' and waits in the
          // outbox instead of in a queue thrown away when the chain switches transport.
          queueLimit: 0,
          ...from(cursor),
        });
    }
    if (transport === 'sse') {
      return (cursor) => new EventStream({ ...env, url: o.events ?? '/api/events', ...retries, ...o.stream, ...from(cursor) });
    }
    return (cursor) =>
      new Poller({
        ...env,
        ...(o.api !== undefined ? { api: o.api } : {}),
        ...(o.pollIntervalMs !== undefined ? { intervalMs: o.pollIntervalMs } : {}),
        ...retries,
        ...o.poller,
        ...from(cursor),
      });
  }

  #startRung(index: number): void {
    const transport = this.#chain[index]!;
    let conn: FallbackTransport;
    try {
      conn = this.#factory(transport)(this.#handoffCursor());
    } catch (error) {
      this.#events.error({ kind: 'transport', message: `cannot start ${transport}: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const rung: Rung = { transport, index, conn, off: [], timer: null };
    rung.off.push(
      conn.onAny((frame) => this.#onFrame(rung, frame)),
      conn.onError((error) => {
        // The socket has no queue of its own (`queueLimit: 0`): what it cannot send now comes back
        // as `dropped` and waits in our queue, so its overflow report for that message is noise.
        if (this.#handing && error.kind === 'queue-overflow') return;
        if (this.#rungs.get(this.#level) === rung) this.#events.error(error);
      }),
      conn.onStatus(() => this.#onRungStatus(rung)),
    );
    this.#rungs.set(index, rung);
    this.#logger.debug(`fallback-connection: starting ${transport}`, index < this.#level ? 'probe' : 'active');
    if (index < this.#level) {
      rung.timer = this.#clock.setTimeout(() => {
        rung.timer = null;
        if (this.#rungs.get(index) === rung && rung.conn.status.state !== 'open') this.#endProbe(rung);
      }, this.#options.probeTimeoutMs ?? this.#stepDownMs());
    }
    conn.connect();
  }

  #closeRung(rung: Rung): void {
    if (this.#rungs.get(rung.index) === rung) this.#rungs.delete(rung.index);
    if (rung.timer !== null) this.#clock.clearTimeout(rung.timer);
    rung.timer = null;
    for (const off of rung.off.splice(0)) off();
    rung.conn.close();
  }

  #stop(): void {
    this.#running = false;
    this.#clearDownTimer();
    this.#clearProbeTimer();
    for (const rung of [...this.#rungs.values()]) this.#closeRung(rung);
  }

  // ---- decisions ------------------------------------------------------------------------------

  #onRungStatus(rung: Rung): void {
    if (!this.#running || this.#rungs.get(rung.index) !== rung) return;
    if (rung.index < this.#level) {
      // A probe: open wins, a failed attempt ends it.
      const status = rung.conn.status;
      if (status.state !== 'open' && (status.attempt >= 1 || status.state === 'failed' || status.state === 'closed')) {
        this.#endProbe(rung);
        return;
      }
    }
    this.#evaluate();
  }

  /** Climbs to the best open rung, or steps down from a failing one; then shows the active status. */
  #evaluate(): void {
    if (!this.#running) return;
    let best: Rung | null = null;
    for (const rung of this.#rungs.values()) {
      if (rung.conn.status.state === 'open' && (best === null || rung.index < best.index)) best = rung;
    }
    if (best && best.index < this.#level) this.#climbTo(best);

    const active = this.#active();
    if (!active) return;
    const status = active.conn.status;
    if (status.state !== 'open') this.#activeOpen = false;
    if (status.state === 'open') {
      this.#everOpen = true;
      this.#clearDownTimer();
      if (!this.#activeOpen && this.#level > 0 && this.#probeRound > 0) {
        // The active rung was down too: earlier probes may have failed for the same reason (the
        // server restarting), so probe again soon rather than after the grown wait.
        this.#probeRound = 0;
        this.#clearProbeTimer();
        this.#scheduleProbe();
      }
      this.#activeOpen = true;
      this.#outbox.kick();
    } else if (isAuthFailure(status)) {
      this.#stop();
      this.#publish({ ...status, transport: active.transport });
      return;
    } else if (this.#level < this.#chain.length - 1 && status.state !== 'offline') {
      const stepAfter = Math.max(1, this.#options.stepDownAfter ?? 3);
      if (status.attempt >= stepAfter || status.state === 'failed' || status.state === 'closed') {
        this.#stepDown(status.reason ?? status.state);
        return;
      }
      this.#armDownTimer();
    } else if (status.state === 'failed' || status.state === 'closed') {
      // The last rung gave up: so does the chain.
      this.#stop();
      this.#publish({ ...status, transport: active.transport });
      return;
    }
    this.#publishActive();
  }

  #climbTo(rung: Rung): void {
    this.#logger.debug(`fallback-connection: climbing to ${rung.transport}`);
    const previous = this.#level;
    this.#level = rung.index;
    this.#activeOpen = false;
    if (rung.timer !== null) this.#clock.clearTimeout(rung.timer);
    rung.timer = null;
    for (const other of [...this.#rungs.values()]) if (other.index > rung.index && other.index <= previous) this.#closeRung(other);
    this.#clearDownTimer();
    this.#clearProbeTimer();
    this.#probeRound = 0;
    if (this.#level > 0) this.#scheduleProbe();
  }

  #stepDown(why: string): void {
    const from = this.#active();
    const next = this.#level + 1;
    this.#logger.debug(`fallback-connection: stepping down from ${from?.transport ?? '?'} to ${this.#chain[next]}`, why);
    // Take the cursor before the failing rung goes away.
    const cursor = this.#handoffCursor();
    // The hand-off point is never behind what was delivered, so it can become ours.
    const start = parseCursor(cursor);
    if (start) this.#tracker.reset(start.epoch, start.seq);
    if (from) this.#closeRung(from);
    this.#clearDownTimer();
    this.#level = next;
    this.#activeOpen = false;
    this.#startRung(next);
    this.#scheduleProbe();
    this.#evaluate();
  }

  #stepDownMs(): number {
    return this.#options.stepDownMs ?? 10_000;
  }

  #armDownTimer(): void {
    if (this.#downTimer !== null) return;
    const level = this.#level;
    this.#downTimer = this.#clock.setTimeout(() => {
      this.#downTimer = null;
      const active = this.#active();
      if (!this.#running || this.#level !== level || !active || active.conn.status.state === 'open' || active.conn.status.state === 'offline') return;
      this.#stepDown('no-open-in-time');
    }, this.#stepDownMs());
  }

  #clearDownTimer(): void {
    if (this.#downTimer !== null) this.#clock.clearTimeout(this.#downTimer);
    this.#downTimer = null;
  }

  #scheduleProbe(): void {
    if (!this.#running || this.#level === 0 || this.#probeTimer !== null) return;
    for (const rung of this.#rungs.values()) if (rung.index < this.#level) return; // a round is running
    const first = this.#options.probeMs ?? 2_000;
    const ceiling = Math.min(this.#options.probeMaxMs ?? 60_000, first * 2 ** Math.min(this.#probeRound, 30));
    // Half fixed, half jitter: probes spread out but never come much sooner than planned.
    const delay = Math.floor(ceiling / 2 + (this.#random() * ceiling) / 2);
    this.#probeTimer = this.#clock.setTimeout(() => {
      this.#probeTimer = null;
      this.#probe();
    }, delay);
  }

  #clearProbeTimer(): void {
    if (this.#probeTimer !== null) this.#clock.clearTimeout(this.#probeTimer);
    this.#probeTimer = null;
  }

  /** Starts a fresh probe of every better rung that has none running. */
  #probe(): void {
    if (!this.#running) return;
    for (let index = 0; index < this.#level; index++) if (!this.#rungs.has(index)) this.#startRung(index);
  }

  #endProbe(rung: Rung): void {
    this.#logger.debug(`fallback-connection: probe of ${rung.transport} failed`, rung.conn.status.reason);
    this.#closeRung(rung);
    for (const other of this.#rungs.values()) if (other.index < this.#level) return;
    this.#probeRound += 1;
    this.#scheduleProbe();
  }

  // ---- frames ---------------------------------------------------------------------------------

  #onFrame(rung: Rung, frame: AnyEnvelope): void {
    if (!this.#running || this.#rungs.get(rung.index) !== rung) return;
    if (frame.type === 'sys.reset') {
      // A rung that finds the server on a new epoch resets on its own; another rung (a probe, or
      // the next rung started from an older cursor) finding the same epoch later is the same reset.
      if (frame.payload.reason === EPOCH_CHANGED && frame.payload.epoch === this.#tracker.epoch) return;
      const key = `${frame.payload.epoch}:${frame.payload.seq}`;
      this.#tracker.reset(frame.payload.epoch, frame.payload.seq);
      // The same reset seen on two rungs is one reset.
      if (key === this.#lastReset) return;
      this.#lastReset = key;
      this.#events.reset(frame);
      return;
    }
    if (frame.seq !== undefined) {
      // This runs for every event: the rung's epoch without formatting and parsing its cursor.
      const epoch = rung.conn.epoch !== undefined ? rung.conn.epoch : (parseCursor(rung.conn.cursor)?.epoch ?? null);
      if (epoch !== null && epoch !== this.#tracker.epoch) this.#tracker.reset(epoch, frame.prev ?? frame.seq - 1);
      if (this.#tracker.lastSeq !== null && frame.seq <= this.#tracker.lastSeq) {
        this.#logger.debug('fallback-connection: dropped a seq already delivered', frame.seq);
        return;
      }
      this.#tracker.lastSeq = frame.seq;
      this.#events.deliver(frame);
      return;
    }
    // Unlogged frames have no replay; take them from the active rung, once per mid.
    if (rung.index !== this.#level) return;
    if (frame.mid !== undefined && !this.#rememberMid(frame.mid)) return;
    this.#events.deliver(frame);
  }

  /** The furthest resume point known: ours, or the active rung's when it is ahead or on a newer epoch. */
  #handoffCursor(): string | null {
    const ours = this.#tracker.cursor;
    const active = this.#active();
    const theirs = active ? active.conn.cursor : null;
    const a = parseCursor(ours);
    const b = parseCursor(theirs);
    if (!b) return ours;
    if (!a || a.epoch !== b.epoch || b.seq > a.seq) return theirs;
    return ours;
  }

  // ---- status ---------------------------------------------------------------------------------

  #publishActive(): void {
    const active = this.#active();
    if (!active) return;
    const status = active.conn.status;
    let state: ConnectionState = status.state;
    if (state === 'idle') state = 'connecting';
    if (state === 'connecting' && (this.#everOpen || this.#level > 0)) state = 'reconnecting';
    this.#publish({ ...status, state, transport: active.transport });
  }

  #publish(next: ConnectionStatus): void {
    this.#events.setStatus(next);
  }
}
