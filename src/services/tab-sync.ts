import { silentLogger, type Logger, type Unsubscribe } from './types.js';
import { randomId } from './async-util.js';
import { RecentKeys } from './recent-keys.js';

/** The part of `BroadcastChannel` the kit uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** A `BroadcastChannel` constructor (the browser's, or a fake). */
export type BroadcastChannelConstructor = new (name: string) => BroadcastChannelLike;

/** The part of `localStorage` the storage fallback uses. */
export interface TabStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What a storage event carries (the browser's `StorageEvent` fits). */
export interface StorageEventLike {
  readonly key: string | null;
  readonly newValue: string | null;
}

/** Where `storage`, `pagehide` and `pageshow` events arrive: the page's `window`. */
export interface PageEvents {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** How messages reach other tabs. `none`: this tab only (no BroadcastChannel, no storage). */
export type TabTransport = 'broadcast' | 'storage' | 'none';

/** Facts about a delivered message. */
export interface TabMessageMeta {
  /** True when this tab posted it (delivered locally, never through the channel). */
  readonly local: boolean;
  /** The posting tab's id. */
  readonly from: string;
}

export interface TabSyncOptions<M> {
  /** Channel name; instances with the same name (and scope) talk to each other. */
  readonly name: string;
  /**
   * Turns a received value into a message, or answers false. Other tabs may run another version of
   * the kit, so what arrives is untrusted until this says otherwise.
   */
  readonly accept: (data: unknown) => data is M;
  /** `BroadcastChannel` constructor; `null` forces the storage fallback. Default: the global one. */
  readonly BroadcastChannel?: BroadcastChannelConstructor | null;
  /** Storage for the fallback; `null` turns the fallback off. Default: `localStorage` when reachable. */
  readonly storage?: TabStorage | null;
  /** Source of `storage`, `pagehide` and `pageshow` events. Default: `globalThis` when it has them. */
  readonly events?: PageEvents | null;
  /**
   * Instances with the same scope and name share one channel, so each listener hears a message
   * once. Default: the channel constructor (one per page). Tests pass one object per simulated tab.
   */
  readonly scope?: object;
  /** Makes the tab id. Default: `crypto.randomUUID()`, or a random string outside secure contexts. */
  readonly randomId?: () => string;
  readonly logger?: Logger;
}

/** How a message travels: which tab sent it and a per-tab counter, so duplicates are dropped. */
interface Wire {
  readonly rt: 'tab-sync';
  readonly id: string;
  readonly from: string;
  readonly data: unknown;
}

function isWire(value: unknown): value is Wire {
  if (typeof value !== 'object' || value === null) return false;
  const wire = value as Record<string, unknown>;
  return wire.rt === 'tab-sync' && typeof wire.id === 'string' && typeof wire.from === 'string' && 'data' in wire;
}

/** Prefix of the storage key that carries fallback messages. */
export const TAB_SYNC_STORAGE_PREFIX = 'rt-tab-sync:';
/** How many message ids a tab remembers to drop repeats. */
const SEEN_LIMIT = 256;

/** The page's `localStorage`, or null where reading it throws or it is missing. */
export function defaultStorage(): TabStorage | null {
  try {
    // Reading `localStorage` throws in sandboxed frames and with storage blocked.
    return (globalThis as { localStorage?: TabStorage }).localStorage ?? null;
  } catch {
    return null;
  }
}

/** The page's global event target (`pagehide`, `pageshow`, `storage`), or null outside a page. */
export function defaultEvents(): PageEvents | null {
  const candidate = globalThis as Partial<PageEvents>;
  return typeof candidate.addEventListener === 'function' && typeof candidate.removeEventListener === 'function'
    ? (globalThis as unknown as PageEvents)
    : null;
}

interface Member {
  receive(data: unknown, meta: TabMessageMeta): void;
}

/** One channel per scope and name, shared by every instance in the tab and closed when the last leaves. */
class Hub {
  readonly members = new Set<Member>();
  readonly tabId: string;
  readonly transport: TabTransport;
  #channel: BroadcastChannelLike | null = null;
  #counter = 0;
  #suspended = false;
  readonly #seen = new RecentKeys<string>(SEEN_LIMIT);
  readonly #storageKey: string;
  readonly #cleanups: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly ctor: BroadcastChannelConstructor | null,
    private readonly storage: TabStorage | null,
    events: PageEvents | null,
    randomId: () => string,
    private readonly logger: Logger,
    private readonly onEmpty: () => void,
  ) {
    this.tabId = randomId();
    this.#storageKey = TAB_SYNC_STORAGE_PREFIX + name;
    this.transport = ctor ? 'broadcast' : storage && events ? 'storage' : 'none';
    if (this.transport === 'broadcast') this.#open();
    if (this.transport === 'storage' && events) {
      const onStorage = (event: Event): void => this.#onStorage(event as unknown as StorageEventLike);
      events.addEventListener('storage', onStorage);
      this.#cleanups.push(() => events.removeEventListener('storage', onStorage));
    }
    if (events) {
      // A page going into the back/forward cache lets go of its channel; one coming back reopens it.
      const onHide = (): void => this.#suspend();
      const onShow = (event: Event): void => {
        if ((event as PageTransitionEvent).persisted) this.#resume();
      };
      events.addEventListener('pagehide', onHide);
      events.addEventListener('pageshow', onShow);
      this.#cleanups.push(() => {
        events.removeEventListener('pagehide', onHide);
        events.removeEventListener('pageshow', onShow);
      });
    }
  }

  readonly #onMessage = (event: MessageEvent): void => this.#arrive(event.data);

  #open(): void {
    if (!this.ctor || this.#channel) return;
    try {
      this.#channel = new this.ctor(this.name);
      this.#channel.addEventListener('message', this.#onMessage);
    } catch (error) {
      this.logger.warn('tab-sync: could not open the channel', error);
      this.#channel = null;
    }
  }

  /** Closes the current channel object, once: the reference is dropped before `close()` runs. */
  #closeChannel(): void {
    const channel = this.#channel;
    this.#channel = null;
    if (!channel) return;
    channel.removeEventListener('message', this.#onMessage);
    try {
      channel.close();
    } catch (error) {
      this.logger.warn('tab-sync: closing the channel failed', error);
    }
  }

  #suspend(): void {
    this.#suspended = true;
    this.#closeChannel();
  }

  #resume(): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    if (this.transport === 'broadcast') this.#open();
  }

  post(data: unknown): boolean {
    this.#counter += 1;
    const wire: Wire = { rt: 'tab-sync', id: `${this.tabId}:${this.#counter}`, from: this.tabId, data };
    this.#remember(wire.id);
    let sent = false;
    if (!this.#suspended) {
      try {
        if (this.transport === 'broadcast' && this.#channel) {
          this.#channel.postMessage(wire);
          sent = true;
        } else if (this.transport === 'storage' && this.storage) {
          // Other tabs see the set as a storage event; removing it right away keeps storage clean.
          this.storage.setItem(this.#storageKey, JSON.stringify(wire));
          this.storage.removeItem(this.#storageKey);
          sent = true;
        }
      } catch (error) {
        // A closed channel, data that cannot be cloned, full or blocked storage: other tabs miss
        // this one, the page does not crash.
        this.logger.warn('tab-sync: could not post to other tabs', error);
      }
    }
    this.#deliver(data, { local: true, from: this.tabId });
    return sent;
  }

  #onStorage(event: StorageEventLike): void {
    if (event.key !== this.#storageKey || event.newValue === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(event.newValue);
    } catch {
      return;
    }
    this.#arrive(parsed);
  }

  #arrive(value: unknown): void {
    if (this.#suspended || !isWire(value) || value.from === this.tabId || this.#seen.has(value.id)) return;
    this.#remember(value.id);
    this.#deliver(value.data, { local: false, from: value.from });
  }

  #remember(id: string): void {
    this.#seen.add(id);
  }

  #deliver(data: unknown, meta: TabMessageMeta): void {
    for (const member of [...this.members]) member.receive(data, meta);
  }

  leave(member: Member): void {
    if (!this.members.delete(member) || this.members.size > 0) return;
    this.#closeChannel();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.onEmpty();
  }
}

const hubs = new WeakMap<object, Map<string, Hub>>();
/** Scope of instances built without a channel constructor or a scope of their own. */
const NO_CHANNEL_SCOPE = {};

/**
 * Typed messages between the tabs of one origin over a named `BroadcastChannel`.
 *
 * - Every listener in the tab hears a message once: instances with the same name share one
 *   channel, and the posting tab's own listeners are told locally (synchronously, inside `post()`),
 *   never again through the channel.
 * - `post()` after `close()` does nothing; `close()` is idempotent and the shared channel closes
 *   exactly once, when the last instance in the tab closes (or on `pagehide`; `pageshow` from the
 *   back/forward cache opens a new one).
 * - Without `BroadcastChannel`, messages travel as `storage` events (a keyed JSON value set and
 *   removed at once), so they must be JSON. Without storage either, only this tab hears them.
 */
export class TabSync<M> {
  readonly #hub: Hub;
  readonly #listeners = new Set<(message: M, meta: TabMessageMeta) => void>();
  readonly #accept: (data: unknown) => data is M;
  readonly #logger: Logger;
  #closed = false;

  constructor(options: TabSyncOptions<M>) {
    const global = globalThis as { BroadcastChannel?: BroadcastChannelConstructor };
    const ctor = options.BroadcastChannel === undefined ? (global.BroadcastChannel ?? null) : options.BroadcastChannel;
    const scope = options.scope ?? ctor ?? NO_CHANNEL_SCOPE;
    this.#accept = options.accept;
    this.#logger = options.logger ?? silentLogger;
    let byName = hubs.get(scope);
    if (!byName) {
      byName = new Map();
      hubs.set(scope, byName);
    }
    let hub = byName.get(options.name);
    if (!hub) {
      const map = byName;
      const created: Hub = new Hub(
        options.name,
        ctor,
        options.storage === undefined ? defaultStorage() : options.storage,
        options.events === undefined ? defaultEvents() : options.events,
        options.randomId ?? (() => randomId()),
        this.#logger,
        () => {
          if (map.get(options.name) === created) map.delete(options.name);
        },
      );
      hub = created;
      byName.set(options.name, hub);
    }
    this.#hub = hub;
    hub.members.add(this.#member);
  }

  readonly #member: Member = {
    receive: (data, meta) => {
      if (this.#closed) return;
      if (!this.#accept(data)) {
        this.#logger.debug('tab-sync: ignored a message it does not understand', data);
        return;
      }
      for (const listener of [...this.#listeners]) {
        try {
          listener(data, meta);
        } catch (error) {
          this.#logger.warn('tab-sync: a listener threw', error);
        }
      }
    },
  };

  /** This tab's id (shared by the instances of one scope and name). */
  get tabId(): string {
    return this.#hub.tabId;
  }

  get transport(): TabTransport {
    return this.#hub.transport;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Tells every tab, this one included (once, locally). Answers whether it left for other tabs;
   * after `close()` it does nothing and answers false.
   */
  post(message: M): boolean {
    if (this.#closed) return false;
    return this.#hub.post(message);
  }

  /** Listens to messages from every tab, this one included. */
  on(listener: (message: M, meta: TabMessageMeta) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Stops listening and posting; the channel closes when the tab's last instance closes. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#hub.leave(this.#member);
  }
}
