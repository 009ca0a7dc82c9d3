// In-memory stand-ins for BroadcastChannel, localStorage with storage events, and Web Locks, so
// tab sync and auth sync run in Node as several "tabs" in one process.
import type { BroadcastChannelLike, PageEvents, TabStorage } from '../../src/services/tab-sync.js';
import type { LockManagerLike } from '../../src/services/auth-sync.js';

/**
 * Behaves like the browser's: delivers to every other open instance of the same name on a later
 * task, never to itself; `postMessage` after `close()` throws InvalidStateError.
 */
export class FakeBroadcastChannel implements BroadcastChannelLike {
  static readonly open = new Set<FakeBroadcastChannel>();
  static closeCalls = 0;
  static created = 0;
  readonly #listeners = new Set<(event: MessageEvent) => void>();
  #closed = false;

  constructor(readonly name: string) {
    FakeBroadcastChannel.created += 1;
    FakeBroadcastChannel.open.add(this);
  }

  static reset(): void {
    FakeBroadcastChannel.open.clear();
    FakeBroadcastChannel.closeCalls = 0;
    FakeBroadcastChannel.created = 0;
  }

  postMessage(message: unknown): void {
    if (this.#closed) throw new DOMException('Channel is closed', 'InvalidStateError');
    const copy: unknown = structuredClone(message);
    for (const other of FakeBroadcastChannel.open) {
      if (other === this || other.name !== this.name) continue;
      setTimeout(() => other.#dispatch(copy), 0);
    }
  }

  #dispatch(data: unknown): void {
    if (this.#closed) return;
    for (const listener of [...this.#listeners]) listener(new MessageEvent('message', { data }));
  }

  close(): void {
    FakeBroadcastChannel.closeCalls += 1;
    this.#closed = true;
    FakeBroadcastChannel.open.delete(this);
  }

  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.#listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.#listeners.delete(listener);
  }
}

/** One origin's localStorage shared by several tabs; a write fires `storage` in the other tabs only. */
export class FakeOrigin {
  readonly map = new Map<string, string>();
  readonly tabs: FakeTab[] = [];
  writes = 0;

  tab(): FakeTab {
    const tab = new FakeTab(this);
    this.tabs.push(tab);
    return tab;
  }
}

export class FakeTab implements PageEvents {
  readonly events = new EventTarget();
  readonly storage: TabStorage;

  constructor(readonly origin: FakeOrigin) {
    const notify = (key: string, newValue: string | null): void => {
      for (const tab of origin.tabs) {
        if (tab === this) continue;
        setTimeout(() => {
          const event = Object.assign(new Event('storage'), { key, newValue });
          tab.events.dispatchEvent(event);
        }, 0);
      }
    };
    this.storage = {
      getItem: (key) => origin.map.get(key) ?? null,
      setItem: (key, value) => {
        origin.writes += 1;
        origin.map.set(key, value);
        notify(key, value);
      },
      removeItem: (key) => {
        if (!origin.map.delete(key)) return;
        notify(key, null);
      },
    };
  }

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.events.addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: (event: Event) => void): void {
    this.events.removeEventListener(type, listener);
  }

  /** Fires a page lifecycle event such as `pagehide`. */
  fire(type: string, init: Record<string, unknown> = {}): void {
    this.events.dispatchEvent(Object.assign(new Event(type), init));
  }
}

/** Exclusive Web Locks for every tab of one origin, with `signal` support. */
export class FakeLocks implements LockManagerLike {
  readonly #queues = new Map<string, { grant: () => void }[]>();
  readonly #held = new Set<string>();
  granted = 0;

  request<T>(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = {
        grant: () => {
          options.signal?.removeEventListener('abort', onAbort);
          if (options.signal?.aborted) {
            reject(new DOMException('aborted', 'AbortError'));
            this.#next(name);
            return;
          }
          this.granted += 1;
          this.#held.add(name);
          Promise.resolve()
            .then(() => callback({ name }))
            .then(resolve, reject)
            .finally(() => {
              this.#held.delete(name);
              this.#next(name);
            });
        },
      };
      const onAbort = (): void => {
        const queue = this.#queues.get(name) ?? [];
        const index = queue.indexOf(entry);
        if (index >= 0) queue.splice(index, 1);
        reject(new DOMException('aborted', 'AbortError'));
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(entry);
      if (!this.#held.has(name) && queue.length === 1) this.#next(name);
    });
  }

  #next(name: string): void {
    if (this.#held.has(name)) return;
    const entry = this.#queues.get(name)?.shift();
    // Granted on a later task, as the browser's lock manager answers.
    if (entry) {
      this.#held.add(name);
      setTimeout(() => {
        this.#held.delete(name);
        entry.grant();
      }, 0);
    }
  }
}
