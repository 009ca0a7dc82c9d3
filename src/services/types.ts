import type { AnyEnvelope, Envelope, FrameRejection, MessageType, PayloadOf } from '../protocol/index.js';

/** One vocabulary for every connection: services, events, the badge and styles. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed' | 'failed';

/** Every connection state, in the order a connection usually meets them. */
export const CONNECTION_STATES: readonly ConnectionState[] = [
  'idle',
  'connecting',
  'open',
  'reconnecting',
  'offline',
  'closed',
  'failed',
];

/** How inbound events arrive. Anything but `websocket` shows as degraded. */
export type Transport = 'websocket' | 'sse' | 'polling';

/** Removes the subscription it was returned by; calling it twice is harmless. */
export type Unsubscribe = () => void;

/** Whatever the injected clock's `setTimeout` returns. */
export type TimerHandle = unknown;

/** Time as the services see it; injected so tests run under fake timers. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock, read at call time so fake timers installed later still apply. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/** Diagnostics sink; silent unless a page injects one. */
export interface Logger {
  debug(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
}

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: () => {}, warn: () => {} };

/** Asks the page for an access token; `refresh: true` after the server said it expired. */
export type TokenGetter = (options: { refresh: boolean }) => Promise<string | null | undefined> | string | null | undefined;

/** A snapshot of a connection's state with the facts a badge shows. */
export interface ConnectionStatus {
  readonly state: ConnectionState;
  readonly transport: Transport;
  /** True when nothing has arrived for the configured quiet time. */
  readonly stale: boolean;
  /** Consecutive failed attempts since the last open. */
  readonly attempt: number;
  /** When the next attempt starts (ms since the epoch), while reconnecting. */
  readonly nextRetryAt: number | null;
  /** Why the last transition happened: a close code, an error, `offline`, `page`. */
  readonly reason: string | null;
  /** Close code of the last close, if any. */
  readonly code: number | null;
}

/** The status of a connection that has not started, and of a badge with no provider. */
export const IDLE_STATUS: ConnectionStatus = Object.freeze({
  state: 'idle',
  transport: 'websocket',
  stale: false,
  attempt: 0,
  nextRetryAt: null,
  reason: null,
  code: null,
});

/** What went wrong, as carried by the provider's `realtime-error` event. */
export type RealtimeErrorDetail =
  | { readonly kind: 'invalid-frame'; readonly source: Transport | 'rest'; readonly field: string; readonly message: string }
  | { readonly kind: 'server-error'; readonly code: string; readonly message: string }
  | { readonly kind: 'auth'; readonly message: string }
  | { readonly kind: 'too-big'; readonly bytes: number; readonly limit: number; readonly type: string }
  | { readonly kind: 'queue-overflow'; readonly dropped: number; readonly type: string }
  | { readonly kind: 'transport'; readonly message: string };

/** Options of `send()`. */
export interface SendOptions {
  /** Client message id; generated when absent. The server drops repeats. */
  readonly mid?: string;
}

/** What happened to a send. */
export type SendResult = 'sent' | 'queued' | 'dropped' | 'refused';

/**
 * The live connection a provider hands down through context. `RealtimeSocket` implements it;
 * tests and stories provide fakes.
 */
export interface RealtimeConnection {
  readonly status: ConnectionStatus;
  onStatus(handler: (status: ConnectionStatus) => void): Unsubscribe;
  /** Subscribe to one message type; the handler receives validated envelopes, each `seq` once. */
  on<T extends MessageType>(type: T, handler: (envelope: Envelope<T>) => void): Unsubscribe;
  /** Subscribe to every delivered envelope. */
  onAny(handler: (envelope: AnyEnvelope) => void): Unsubscribe;
  onError(handler: (error: RealtimeErrorDetail) => void): Unsubscribe;
  /** Subscribe to `sys.reset`: the log was truncated or reset; lists reload their first page. */
  onReset(handler: () => void): Unsubscribe;
  send<T extends MessageType>(type: T, payload: PayloadOf<T>, options?: SendOptions): SendResult;
  /** Starts over after `failed` or `closed`, or skips the wait while reconnecting. */
  retry(): void;
}

export type { FrameRejection };
