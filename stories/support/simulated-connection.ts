// A live connection simulated in the page: every ConnectionState, the three transports, stale,
// a retry countdown, and events replayed after a drop, with no server behind it.
import type { AnyEnvelope, Envelope, MessageType, PayloadOf } from '../../src/protocol/index.js';
import { Emitter } from '../../src/services/emitter.js';
import {
  type ConnectionState,
  type ConnectionStatus,
  IDLE_STATUS,
  type RealtimeConnection,
  type RealtimeErrorDetail,
  type SendResult,
  type Transport,
  type Unsubscribe,
} from '../../src/services/types.js';
import { type InFlight, latency } from './timing.js';

/** Events kept for replay while the line is down. */
const MAX_PENDING = 1000;

interface ConnectionEvents {
  status: ConnectionStatus;
  envelope: AnyEnvelope;
  error: RealtimeErrorDetail;
  reset: undefined;
}

export interface SimulatedConnectionOptions {
  /** Transport once open; anything but `websocket` shows as degraded. Default `websocket`. */
  readonly transport?: Transport;
  /** How long an attempt takes, ms; `Infinity` keeps it connecting. Default 400. */
  readonly connectMs?: number;
  /** Waits between failed attempts, ms, the last one repeating. Default 2, 4, 8, 15 s. */
  readonly retryDelays?: readonly number[];
  /** Failed attempts in a row before the state is `failed`. Default 8. */
  readonly maxRetries?: number;
  /** Whether the browser has a network. Default true. */
  readonly online?: boolean;
  /** Whether the server answers. Default true. */
  readonly reachable?: boolean;
  /** Counts attempts in flight, for tests that wait for the story to settle. */
  readonly inflight?: InFlight;
}

/**
 * A `RealtimeConnection` driven by the story. `connect()` goes `connecting` → `open` after
 * `connectMs` when the server is reachable; `drop()` and an unreachable server go through
 * `reconnecting` with a countdown (`nextRetryAt`) up to `failed`; going offline shows `offline`;
 * `close()` shows `closed`; `hold()` pins any status. Events published while the line is down
 * are delivered when it opens again, as a resume would.
 */
export class SimulatedConnection implements RealtimeConnection {
  readonly #events = new Emitter<ConnectionEvents>();
  readonly #typed = new Emitter<Record<string, AnyEnvelope>>();
  readonly #pending: AnyEnvelope[] = [];
  readonly sent: { type: MessageType; payload: unknown }[] = [];
  #status: ConnectionStatus = IDLE_STATUS;
  #timer: ReturnType<typeof setTimeout> | null = null;
  // Ends the in-flight count of the attempt the timer belongs to.
  #timerDone: (() => void) | null = null;
  #held = false;
  readonly #inflight: InFlight | undefined;
  #connectMs: number;
  readonly #retryDelays: readonly number[];
  readonly #maxRetries: number;
  #online: boolean;
  #reachable: boolean;

  constructor(options: SimulatedConnectionOptions = {}) {
    this.#status = { ...IDLE_STATUS, transport: options.transport ?? 'websocket' };
    this.#connectMs = options.connectMs ?? 400;
    this.#retryDelays = options.retryDelays ?? [2000, 4000, 8000, 15000];
    this.#maxRetries = options.maxRetries ?? 8;
    this.#online = options.online ?? true;
    this.#reachable = options.reachable ?? true;
    this.#inflight = options.inflight;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get online(): boolean {
    return this.#online;
  }

  get reachable(): boolean {
    return this.#reachable;
  }

  onStatus(handler: (status: ConnectionStatus) => void): Unsubscribe {
    return this.#events.on('status', handler);
  }
  on<T extends MessageType>(type: T, handler: (envelope: Envelope<T>) => void): Unsubscribe {
    return this.#typed.on(type, handler as unknown as (envelope: AnyEnvelope) => void);
  }
  onAny(handler: (envelope: AnyEnvelope) => void): Unsubscribe {
    return this.#events.on('envelope', handler);
  }
  onError(handler: (error: RealtimeErrorDetail) => void): Unsubscribe {
    return this.#events.on('error', handler);
  }
  onReset(handler: () => void): Unsubscribe {
    return this.#events.on('reset', handler);
  }

  send<T extends MessageType>(type: T, payload: PayloadOf<T>): SendResult {
    this.sent.push({ type, payload });
    return this.#status.state === 'open' ? 'sent' : 'queued';
  }

  /** Starts over after `failed` or `closed`, or skips the wait while reconnecting. */
  retry(): void {
    const { state } = this.#status;
    if (state === 'reconnecting' || state === 'failed' || state === 'closed' || state === 'idle') {
      this.#held = false;
      this.#attempt(state === 'reconnecting' ? this.#status.attempt : 0);
    }
  }

  /** First connection attempt, as a provider's `start()` makes it; ignored while a status is held. */
  connect(): void {
    if (this.#held) return;
    this.#attempt(0);
  }

  /** Stops for good: `closed` until `retry()`. */
  close(): void {
    this.#set({ state: 'closed', nextRetryAt: null, stale: false, reason: 'page' });
  }

  /** Clears the pending timer; the provider calls it when the story leaves. */
  dispose(): void {
    this.#clearTimer();
  }

  /** Delivers an envelope now when open, else when the line opens again. */
  deliver(envelope: AnyEnvelope): void {
    if (this.#status.state !== 'open') {
      // Bounded like a server's replay log: the oldest go first.
      if (this.#pending.push(envelope) > MAX_PENDING) this.#pending.shift();
      return;
    }
    this.#typed.emit(envelope.type, envelope);
    this.#events.emit('envelope', envelope);
  }

  /** The socket closes under us (code 1006): reconnecting with a countdown. */
  drop(): void {
    if (this.#status.state !== 'open' && this.#status.state !== 'connecting') return;
    this.#failed('code 1006', 1006);
  }

  /** The browser loses (false) or regains (true) its network. */
  setOnline(online: boolean): void {
    this.#online = online;
    if (!online) {
      this.#set({ state: 'offline', nextRetryAt: null, stale: false, reason: 'offline' });
    } else if (this.#status.state === 'offline') {
      this.#attempt(0);
    }
  }

  /** Whether the server answers attempts; an unreachable server fails each one. */
  setReachable(reachable: boolean): void {
    this.#reachable = reachable;
    if (!reachable && this.#status.state === 'open') this.drop();
  }

  /** Switches transport (the fallback stepping down to SSE or polling, or back up). */
  setTransport(transport: Transport): void {
    this.#update({ transport });
  }

  /** Marks the open line quiet (no data for the service's quiet time) or lively again. */
  setStale(stale: boolean): void {
    this.#update({ stale: stale && this.#status.state === 'open' });
  }

  /** How long an attempt takes from now on. */
  setConnectMs(ms: number): void {
    this.#connectMs = ms;
  }

  /** Pins a status, timers off, until `retry()`: for stories that show one state. */
  hold(status: Partial<ConnectionStatus> & { state: ConnectionState }): void {
    this.#clearTimer();
    this.#held = true;
    this.#update({ nextRetryAt: null, attempt: 0, reason: null, code: null, stale: false, ...status });
  }

  /** Reports a problem as the provider's `realtime-error` event. */
  fail(error: RealtimeErrorDetail): void {
    this.#events.emit('error', error);
  }

  /** The server says its log was reset: lists reload their first page. */
  reset(): void {
    this.#events.emit('reset', undefined);
  }

  #attempt(attempt: number): void {
    this.#clearTimer();
    if (!this.#online) {
      this.#set({ state: 'offline', nextRetryAt: null, reason: 'offline' });
      return;
    }
    this.#set({ state: 'connecting', attempt, nextRetryAt: null });
    if (!Number.isFinite(this.#connectMs)) return;
    const done = this.#inflight?.begin() ?? null;
    this.#timerDone = done;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerDone = null;
      if (this.#reachable) this.#opened();
      else this.#failed('unreachable', null, attempt);
      done?.();
    }, latency(this.#connectMs));
  }

  #opened(): void {
    this.#set({ state: 'open', attempt: 0, nextRetryAt: null, reason: null, code: null });
    // Replays what was published while the line was down, like a resume from the last seq.
    for (const envelope of this.#pending.splice(0)) this.deliver(envelope);
  }

  #failed(reason: string, code: number | null, attempt = 0): void {
    const next = attempt + 1;
    if (next > this.#maxRetries) {
      this.#set({ state: 'failed', attempt: next, nextRetryAt: null, reason, code, stale: false });
      return;
    }
    const delay = this.#retryDelays[Math.min(next - 1, this.#retryDelays.length - 1)] ?? 2000;
    this.#set({ state: 'reconnecting', attempt: next, nextRetryAt: Date.now() + delay, reason, code, stale: false });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#attempt(next);
    }, delay);
  }

  #set(change: Partial<ConnectionStatus> & { state: ConnectionState }): void {
    // Every transition ends the wait it replaces; callers start their own timer after it.
    this.#clearTimer();
    this.#update(change);
  }

  #update(change: Partial<ConnectionStatus>): void {
    this.#status = Object.freeze({ ...this.#status, ...change });
    this.#events.emit('status', this.#status);
  }

  #clearTimer(): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerDone?.();
    this.#timerDone = null;
  }
}
