import type { AnyEnvelope, AppTypeRegistry, Envelope, MessageType, PayloadOf } from '../protocol/index.js';
import type { BackoffPolicy } from './backoff.js';
import type { ConnectionEvents } from './connection-events.js';
import type { ConnectivityEnvironment } from './connectivity.js';
import type {
  Clock,
  ConnectionStatus,
  Logger,
  RealtimeConnection,
  RealtimeErrorDetail,
  SendOptions,
  SendResult,
  TokenGetter,
  Unsubscribe,
} from './types.js';

/** Options every connection takes: where it resumes, who it is, and its injected environment. */
export interface ConnectionOptions {
  /** Base for relative URLs; default: the page's `location.href` at connect time. */
  readonly baseUrl?: string;
  /** Asked before every attempt (`{ refresh: true }` after an expiry); tokens never go in URLs. */
  readonly getToken?: TokenGetter;
  /** Demo mode: the page's user, sent in the resume frame or as `X-RT-User`. */
  readonly user?: { readonly id: string; readonly name?: string };
  /** Validators and volatile flags of the page's `app.*` types. */
  readonly appTypes?: AppTypeRegistry;
  /** Resume point to start from (`<epoch>:<seq>`), e.g. handed over by another transport. */
  readonly cursor?: string;
  /** Exponential backoff with full jitter after the cap; defaults 3 000 / 30 000 / 2. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** Consecutive failed attempts before `failed`; default Infinity. */
  readonly maxRetries?: number;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly logger?: Logger;
  /** Network and visibility signals; default the browser's, read at call time. */
  readonly environment?: ConnectivityEnvironment;
}

/**
 * The subscription half of {@link RealtimeConnection}, shared by the transports: each one builds
 * its {@link ConnectionEvents} and hands it here, keeping its own reference for emitting. The
 * events object stays private to both, so nothing outside can emit on a connection's behalf.
 */
export abstract class ConnectionBase implements RealtimeConnection {
  readonly #events: ConnectionEvents;

  protected constructor(events: ConnectionEvents) {
    this.#events = events;
  }

  /** The current state and the facts a badge shows. */
  get status(): ConnectionStatus {
    return this.#events.status;
  }

  onStatus(handler: (status: ConnectionStatus) => void): Unsubscribe {
    return this.#events.onStatus(handler);
  }

  /** Named events, each `seq` once; subscribe before or after connecting. */
  on<T extends MessageType>(type: T, handler: (envelope: Envelope<T>) => void): Unsubscribe {
    return this.#events.on(type, handler);
  }

  onAny(handler: (envelope: AnyEnvelope) => void): Unsubscribe {
    return this.#events.onAny(handler);
  }

  onError(handler: (error: RealtimeErrorDetail) => void): Unsubscribe {
    return this.#events.onError(handler);
  }

  onReset(handler: () => void): Unsubscribe {
    return this.#events.onReset(handler);
  }

  abstract send<T extends MessageType>(type: T, payload: PayloadOf<T>, options?: SendOptions): SendResult;

  abstract retry(): void;
}
