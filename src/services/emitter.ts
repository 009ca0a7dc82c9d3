import type { Unsubscribe } from './types.js';

/**
 * A typed publish/subscribe list keyed by an event map. Handlers that throw do not stop the
 * others; the error is handed to `onHandlerError` so a page's bug never breaks the service.
 */
export class Emitter<Events extends object> {
  readonly #handlers = new Map<keyof Events, Set<(value: never) => void>>();
  // What `emit` calls, per type: a copy made on the first emit after a change, so a handler that
  // subscribes or leaves meanwhile does not change the current round, and a stream of events
  // (thousands a second) copies nothing.
  readonly #snapshots = new Map<keyof Events, readonly ((value: never) => void)[]>();

  constructor(private readonly onHandlerError: (error: unknown) => void = () => {}) {}

  on<K extends keyof Events>(type: K, handler: (value: Events[K]) => void): Unsubscribe {
    let set = this.#handlers.get(type);
    if (!set) {
      set = new Set();
      this.#handlers.set(type, set);
    }
    const entry = handler as (value: never) => void;
    set.add(entry);
    this.#snapshots.delete(type);
    return () => {
      if (set.delete(entry)) this.#snapshots.delete(type);
      if (set.size === 0 && this.#handlers.get(type) === set) this.#handlers.delete(type);
    };
  }

  emit<K extends keyof Events>(type: K, value: Events[K]): void {
    let handlers = this.#snapshots.get(type);
    if (!handlers) {
      const set = this.#handlers.get(type);
      if (!set) return;
      handlers = [...set];
      this.#snapshots.set(type, handlers);
    }
    for (const handler of handlers) {
      try {
        (handler as (value: Events[K]) => void)(value);
      } catch (error) {
        this.onHandlerError(error);
      }
    }
  }

  has(type: keyof Events): boolean {
    return (this.#handlers.get(type)?.size ?? 0) > 0;
  }

  /** Number of handlers across all types; used by leak checks. */
  get size(): number {
    let total = 0;
    for (const set of this.#handlers.values()) total += set.size;
    return total;
  }

  clear(): void {
    this.#handlers.clear();
    this.#snapshots.clear();
  }
}
