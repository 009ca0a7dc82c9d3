import type { LoggedEvent, Store } from './store.js';

/** The read side of the ordered log that subscriptions replay from. */
export interface EventLog {
  readonly epoch: string;
  head(): number;
  oldest(): number;
  after(seq: number, limit: number): LoggedEvent[];
}

/** An unlogged envelope fanned out to live clients (`app.*`, presence). */
export interface VolatileMessage {
  readonly type: string;
  /** The whole envelope as JSON text, sent as is. */
  readonly text: string;
  /** Only this user receives it when set. */
  readonly to: string | null;
  /** The connection that sent it, so it is not echoed back; any identity object. */
  readonly origin: unknown;
}

/** An event to append; `ts` defaults to now. */
export interface PublishInput {
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly to?: string | null;
  readonly itemId?: string | null;
  readonly ts?: number;
}

/**
 * Publishing and fan-out. One process keeps this in memory; a scaled-out deployment would put the
 * log in a shared store and carry `publish`/`broadcast` over Redis pub/sub behind the same interface.
 */
export interface Hub {
  readonly log: EventLog;
  /** Appends to the log, then tells every live subscriber, synchronously and in seq order. */
  publish(input: PublishInput): LoggedEvent;
  subscribe(listener: (event: LoggedEvent) => void): () => void;
  broadcast(message: VolatileMessage): void;
  onVolatile(listener: (message: VolatileMessage) => void): () => void;
}

/** The single-process hub over the SQLite store. */
export function createLocalHub(store: Store, now: () => number = Date.now): Hub {
  const listeners = new Set<(event: LoggedEvent) => void>();
  const volatileListeners = new Set<(message: VolatileMessage) => void>();
  return {
    log: store,
    publish(input) {
      const event = store.append({ type: input.type, payload: input.payload, ts: input.ts ?? now(), to: input.to ?? null, itemId: input.itemId ?? null });
      // Copy so a listener that unsubscribes while being called does not disturb the loop.
      for (const listener of [...listeners]) listener(event);
      return event;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    broadcast(message) {
      for (const listener of [...volatileListeners]) listener(message);
    },
    onVolatile(listener) {
      volatileListeners.add(listener);
      return () => volatileListeners.delete(listener);
    },
  };
}
