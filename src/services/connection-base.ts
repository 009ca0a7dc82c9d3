import type { AnyEnvelope, Envelope, MessageType, PayloadOf } from '../protocol/index.js';
import type { ConnectionEvents } from './connection-events.js';
import type {
  ConnectionStatus,
  RealtimeConnection,
  RealtimeErrorDetail,
  SendOptions,
  SendResult,
  Unsubscribe,
} from './types.js';

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
