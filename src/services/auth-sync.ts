import { Emitter } from './emitter.js';
import { TabSync, type TabSyncOptions, type TabStorage, defaultStorage } from './tab-sync.js';
import { silentLogger, systemClock, type Clock, type Logger, type TimerHandle, type TokenGetter, type Unsubscribe } from './types.js';

/** A token and, when known, when it expires (ms since the epoch). */
export interface AuthToken {
  readonly token: string;
  readonly expiresAt?: number | null;
}

/** The part of the Web Locks API (`navigator.locks`) the kit uses. */
export interface LockManagerLike {
  request<T>(name: string, options: { mode?: 'exclusive' | 'shared'; signal?: AbortSignal; ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

/** What tabs say to each other about authentication. */
export type AuthMessage =
  | { readonly type: 'auth.logout'; readonly reason: string | null }
  | { readonly type: 'auth.login'; readonly token: string; readonly expiresAt: number | null; readonly userId: string | null }
  | { readonly type: 'auth.refreshing' }
  | { readonly type: 'auth.token'; readonly token: string; readonly expiresAt: number | null }
  | { readonly type: 'auth.refresh-failed'; readonly message: string };

const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isNullableNumber = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isFinite(value));

/** Validates a message from another tab. */
export function isAuthMessage(value: unknown): value is AuthMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'auth.logout':
      return isNullableString(message.reason);
    case 'auth.login':
      return typeof message.token === 'string' && isNullableNumber(message.expiresAt) && isNullableString(message.userId);
    case 'auth.refreshing':
      return true;
    case 'auth.token':
      return typeof message.token === 'string' && isNullableNumber(message.expiresAt);
    case 'auth.refresh-failed':
      return typeof message.message === 'string';
    default:
      return false;
  }
}

/** Events of `AuthSync`. `local` is true when this tab caused it. */
export interface AuthSyncEvents {
  /** Some tab logged out: close connections and tell the page; the kit never navigates. */
  logout: { readonly reason: string | null; readonly local: boolean };
  login: { readonly token: string; readonly expiresAt: number | null; readonly userId: string | null; readonly local: boolean };
  /** A refreshed token, from this tab's refresh or another's: reconnect with it. */
  token: { readonly token: string; readonly expiresAt: number | null; readonly local: boolean };
}

export interface AuthSyncOptions {
  /** Performs the one refresh request (for example `POST /auth/refresh` with a cookie). */
  readonly refresh: () => Promise<AuthToken | string>;
  /** The token this tab starts with. */
  readonly token?: AuthToken | string | null;
  /** Channel and lock name prefix. Default `rt-auth`. */
  readonly name?: string;
  /** A channel of its own instead of one built from `channel` options. Closed by `close()` either way. */
  readonly tabSync?: TabSync<AuthMessage>;
  /** Options for the channel this builds (environment: channel constructor, storage, events, scope). */
  readonly channel?: Omit<TabSyncOptions<AuthMessage>, 'name' | 'accept'>;
  /** `navigator.locks`; `null` uses the storage lease. Default: `navigator.locks` when present. */
  readonly locks?: LockManagerLike | null;
  /** Storage for the lease fallback; `null` leaves only the in-tab guard. Default: `localStorage`. */
  readonly storage?: TabStorage | null;
  readonly clock?: Clock;
  /** A token younger than this is handed out again instead of refreshing (a sibling tab just did). */
  readonly reuseMs?: number;
  /** How long to wait for a result from a tab that announced it was refreshing. */
  readonly handoffMs?: number;
  /** Lease fallback: how long a lease holds, and how long to wait before checking it is still ours. */
  readonly leaseMs?: number;
  readonly leaseSettleMs?: number;
  readonly randomId?: () => string;
  readonly logger?: Logger;
}

interface Lease {
  readonly owner: string;
  readonly until: number;
}

function parseLease(text: string | null): Lease | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<Lease>;
    return typeof value.owner === 'string' && typeof value.until === 'number' ? { owner: value.owner, until: value.until } : null;
  } catch {
    return null;
  }
}

function defaultLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}


function normalize(token: AuthToken | string): { token: string; expiresAt: number | null } {
  return typeof token === 'string' ? { token, expiresAt: null } : { token: token.token, expiresAt: token.expiresAt ?? null };
}

/** The error a refresh rejects with when the user logged out meanwhile. */
export class AuthLoggedOutError extends Error {
  constructor() {
    super('logged out during the refresh');
    this.name = 'AuthLoggedOutError';
  }
}

/**
 * Logout, login and token refresh shared by every tab of the origin.
 *
 * - `logout()` tells every tab, this one included, through a `logout` event; the kit never
 *   navigates, the page decides.
 * - `refresh()` runs at most one refresh request across tabs at a time: the tab that gets the lock
 *   (Web Locks; a storage lease where they are missing) asks the server, announces it and
 *   broadcasts the result; tabs waiting for the lock take that result instead of asking again.
 *   Within a tab, concurrent callers share one refresh.
 * - `getToken` fits the provider's `getToken` property.
 *
 * Tokens travel between tabs of the same origin only; with the storage fallback they pass through
 * `localStorage` for an instant (set and removed at once).
 */
export class AuthSync {
  readonly #events = new Emitter<AuthSyncEvents>();
  readonly #sync: TabSync<AuthMessage>;
  readonly #refresh: () => Promise<AuthToken | string>;
  readonly #locks: LockManagerLike | null;
  readonly #storage: TabStorage | null;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #name: string;
  readonly #reuseMs: number;
  readonly #handoffMs: number;
  readonly #leaseMs: number;
  readonly #leaseSettleMs: number;
  readonly #unsubscribe: Unsubscribe;
  #token: string | null = null;
  #expiresAt: number | null = null;
  #tokenAt = Number.NEGATIVE_INFINITY;
  /** Changes with every token and every logout; a refresh that sees it change lets go. */
  #generation = 0;
  #loggedOutGeneration = -1;
  #inflight: Promise<string> | null = null;
  /** Tabs that announced a refresh and have not answered yet. */
  readonly #othersRefreshing = new Set<string>();
  readonly #changeWaiters = new Set<() => void>();
  #closed = false;

  constructor(options: AuthSyncOptions) {
    this.#refresh = options.refresh;
    this.#name = options.name ?? 'rt-auth';
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#locks = options.locks === undefined ? defaultLocks() : options.locks;
    this.#storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.#reuseMs = options.reuseMs ?? 5_000;
    this.#handoffMs = options.handoffMs ?? 10_000;
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#leaseSettleMs = options.leaseSettleMs ?? 50;
    if (options.token) {
      const initial = normalize(options.token);
      this.#token = initial.token;
      this.#expiresAt = initial.expiresAt;
    }
    this.#sync =
      options.tabSync ??
      new TabSync<AuthMessage>({
        ...options.channel,
        ...(options.randomId ? { randomId: options.randomId } : {}),
        logger: this.#logger,
        name: this.#name,
        accept: isAuthMessage,
      });
    this.#unsubscribe = this.#sync.on((message, meta) => this.#onMessage(message, meta.local, meta.from));
  }

  /** The current token, or null when logged out or never given one. */
  get token(): string | null {
    return this.#token;
  }

  get expiresAt(): number | null {
    return this.#expiresAt;
  }

  /** The channel: its transport says whether other tabs hear this one. */
  get tabSync(): TabSync<AuthMessage> {
    return this.#sync;
  }

  on<K extends keyof AuthSyncEvents>(type: K, handler: (event: AuthSyncEvents[K]) => void): Unsubscribe {
    return this.#events.on(type, handler);
  }

  /** For the provider's `getToken`: the current token, or a refreshed one when asked to refresh. */
  readonly getToken: TokenGetter = ({ refresh }) => {
    if (!refresh) return this.#token;
    // The socket does not say which token was refused; a token this young came from a sibling
    // tab's refresh moments ago, so it is the answer rather than a reason to refresh again.
    const now = this.#clock.now();
    const expired = this.#expiresAt !== null && this.#expiresAt <= now;
    if (this.#token !== null && !expired && now - this.#tokenAt < this.#reuseMs) return this.#token;
    return this.refresh();
  };

  /** Logs every tab in with this token (for example after a login form in this tab). */
  login(token: AuthToken | string, userId: string | null = null): void {
    const { token: value, expiresAt } = normalize(token);
    this.#sync.post({ type: 'auth.login', token: value, expiresAt, userId });
  }

  /** Logs every tab out; each gets one `logout` event, this one included. */
  logout(reason: string | null = null): void {
    if (this.#closed) return;
    this.#sync.post({ type: 'auth.logout', reason });
  }

  /**
   * A fresh token, with at most one refresh request running across tabs. Rejects when the
   * refresh fails or the user logs out meanwhile.
   */
  refresh(): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('auth-sync is closed'));
    this.#inflight ??= this.#refreshAcrossTabs().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  /** Stops listening; leaves the channel (closed when the tab's last user leaves). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#sync.close();
    this.#wakeWaiters();
    this.#events.clear();
  }

  #setToken(token: { token: string; expiresAt: number | null }): void {
    this.#token = token.token;
    this.#expiresAt = token.expiresAt;
    this.#tokenAt = this.#clock.now();
    this.#generation += 1;
    this.#wakeWaiters();
  }

  #wakeWaiters(): void {
    for (const wake of [...this.#changeWaiters]) wake();
  }

  #onMessage(message: AuthMessage, local: boolean, from: string): void {
    switch (message.type) {
      case 'auth.logout':
        this.#token = null;
        this.#expiresAt = null;
        this.#generation += 1;
        this.#loggedOutGeneration = this.#generation;
        this.#othersRefreshing.clear();
        this.#wakeWaiters();
        this.#events.emit('logout', { reason: message.reason, local });
        break;
      case 'auth.login':
        this.#setToken(message);
        this.#events.emit('login', { token: message.token, expiresAt: message.expiresAt, userId: message.userId, local });
        break;
      case 'auth.refreshing':
        if (!local) this.#othersRefreshing.add(from);
        break;
      case 'auth.token':
        this.#othersRefreshing.delete(from);
        this.#setToken(message);
        this.#events.emit('token', { token: message.token, expiresAt: message.expiresAt, local });
        break;
      case 'auth.refresh-failed':
        this.#othersRefreshing.delete(from);
        this.#wakeWaiters();
        break;
    }
  }

  /** Resolves on the next token, logout, refresh failure elsewhere, close, or after `ms`. */
  #nextChange(ms: number | null): { promise: Promise<void>; cancel: () => void } {
    let timer: TimerHandle | null = null;
    let wake: () => void = () => {};
    const promise = new Promise<void>((resolve) => {
      wake = () => {
        this.#changeWaiters.delete(wake);
        if (timer !== null) this.#clock.clearTimeout(timer);
        timer = null;
        resolve();
      };
      this.#changeWaiters.add(wake);
      if (ms !== null) timer = this.#clock.setTimeout(wake, ms);
    });
    return { promise, cancel: () => wake() };
  }

  async #refreshAcrossTabs(): Promise<string> {
    const start = this.#generation;
    const abort = new AbortController();
    const run = this.#withLock(abort.signal, () => this.#refreshHoldingLock(start));
    const changed = Symbol('changed');
    try {
      for (;;) {
        // A token or a logout from another tab while this one waits for the lock settles the wait.
        const change = this.#nextChange(null);
        const outcome = await Promise.race([change.promise.then(() => changed), run]).finally(() => change.cancel());
        if (typeof outcome === 'string') return outcome;
        if (this.#generation !== start || this.#closed) {
          // Nobody awaits the lock request any more; its abort rejection is expected.
          run.catch(() => undefined);
          return this.#settledResult(start);
        }
      }
    } finally {
      abort.abort();
    }
  }

  /** After the state changed under a waiting refresh: the new token, or why there is none. */
  #settledResult(start: number): string {
    if (this.#closed) throw new Error('auth-sync is closed');
    if (this.#loggedOutGeneration > start || this.#token === null) throw new AuthLoggedOutError();
    return this.#token;
  }

  async #refreshHoldingLock(start: number): Promise<string> {
    if (this.#generation !== start) return this.#settledResult(start);
    // Another tab announced a refresh before this one got the lock: its answer may still be on its
    // way (the channel and the lock are separate paths), so wait for it before asking again.
    if (this.#othersRefreshing.size > 0) {
      await this.#nextChange(this.#handoffMs).promise;
      if (this.#generation !== start) return this.#settledResult(start);
      this.#othersRefreshing.clear();
    }
    if (this.#closed) throw new Error('auth-sync is closed');
    this.#sync.post({ type: 'auth.refreshing' });
    let result: { token: string; expiresAt: number | null };
    try {
      result = normalize(await this.#refresh());
    } catch (error) {
      this.#sync.post({ type: 'auth.refresh-failed', message: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    if (this.#loggedOutGeneration > start) throw new AuthLoggedOutError();
    // Delivered here synchronously as well: sets the token and emits `token` in this tab.
    this.#sync.post({ type: 'auth.token', token: result.token, expiresAt: result.expiresAt });
    return result.token;
  }

  /** Runs `work` holding the refresh lock: Web Locks, else a storage lease, else in this tab only. */
  async #withLock<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const name = `${this.#name}:refresh`;
    if (this.#locks) return this.#locks.request(name, { mode: 'exclusive', signal }, () => work());
    if (this.#storage) return this.#withLease(name, signal, work);
    return work();
  }

  /**
   * The fallback lock: a lease `{ owner, until }` in storage. A tab writes its claim, waits a moment
   * and reads it back; the last writer wins. Not airtight like Web Locks, but tabs also wait for a
   * tab that announced a refresh, which covers the common case.
   */
  async #withLease<T>(key: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const storage = this.#storage!;
    const me = this.#sync.tabId;
    const pause = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const timer = this.#clock.setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = (): void => {
          this.#clock.clearTimeout(timer);
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    for (;;) {
      if (signal.aborted) throw new Error('aborted');
      const now = this.#clock.now();
      const lease = parseLease(this.#read(storage, key));
      if (!lease || lease.until <= now || lease.owner === me) {
        this.#write(storage, key, JSON.stringify({ owner: me, until: now + this.#leaseMs }));
        await pause(this.#leaseSettleMs);
        if (signal.aborted) throw new Error('aborted');
        const claimed = parseLease(this.#read(storage, key));
        // Storage that keeps nothing cannot arbitrate: go ahead rather than wait forever.
        if (claimed === null || claimed.owner === me) {
          try {
            return await work();
          } finally {
            if (parseLease(this.#read(storage, key))?.owner === me) this.#remove(storage, key);
          }
        }
      } else {
        await pause(Math.min(Math.max(lease.until - now, this.#leaseSettleMs), this.#leaseSettleMs * 4));
      }
    }
  }

  #read(storage: TabStorage, key: string): string | null {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  }

  #write(storage: TabStorage, key: string, value: string): void {
    try {
      storage.setItem(key, value);
    } catch (error) {
      this.#logger.warn('auth-sync: could not write the refresh lease', error);
    }
  }

  #remove(storage: TabStorage, key: string): void {
    try {
      storage.removeItem(key);
    } catch {
      // Expiry releases it anyway.
    }
  }
}
