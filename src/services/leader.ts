import type { LockManagerLike } from './auth-sync.js';
import { Emitter } from './emitter.js';
import { silentLogger, type Logger, type Unsubscribe } from './types.js';

export interface LeaderElectionOptions {
  /** Lock name; every tab of the origin electing under this name competes. */
  readonly name: string;
  /**
   * `navigator.locks`. Default: the global one when present. `null` (or a browser without Web
   * Locks): every tab leads itself, as if alone.
   */
  readonly locks?: LockManagerLike | null;
  readonly logger?: Logger;
}

/** `locks`: elected through Web Locks; `solo`: no Web Locks, this tab leads itself. */
export type LeaderMode = 'locks' | 'solo';

interface LeaderEvents {
  change: boolean;
}

/**
 * One leader among the tabs of an origin. The leader holds an exclusive Web Lock for as long as it
 * lives (a promise that settles only on `close()`); the others queue for it. When the leader's
 * tab closes or crashes the browser releases the lock and grants it to the next tab in line,
 * which becomes leader. Nothing to time out and no heartbeats.
 */
export class LeaderElection {
  readonly #name: string;
  readonly #locks: LockManagerLike | null;
  readonly #logger: Logger;
  readonly #events = new Emitter<LeaderEvents>();
  readonly #abort = new AbortController();
  #leader = false;
  #started = false;
  #closed = false;
  #release: (() => void) | null = null;

  constructor(options: LeaderElectionOptions) {
    this.#name = options.name;
    this.#logger = options.logger ?? silentLogger;
    const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
    this.#locks = options.locks === undefined ? (nav?.locks ?? null) : options.locks;
  }

  get mode(): LeaderMode {
    return this.#locks ? 'locks' : 'solo';
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Called with `true` on becoming leader and `false` on stepping down (close). */
  onChange(handler: (leader: boolean) => void): Unsubscribe {
    return this.#events.on('change', handler);
  }

  /** Resolves once this tab leads (at once if it does); never, if it is closed first. */
  whenLeader(): Promise<void> {
    if (this.#leader) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.onChange((leader) => {
        if (!leader) return;
        off();
        resolve();
      });
    });
  }

  /** Joins the election; a second call does nothing. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    if (!this.#locks) {
      this.#become(true);
      return;
    }
    this.#locks
      .request(this.#name, { mode: 'exclusive', signal: this.#abort.signal }, () => {
        if (this.#closed) return undefined;
        this.#become(true);
        // Held until close(): the lock is leadership, and the browser frees it if the tab dies.
        return new Promise<void>((resolve) => {
          this.#release = resolve;
        });
      })
      .catch((error: unknown) => {
        // An abort from close() while waiting in line is the expected way out.
        if (!this.#closed) this.#logger.warn('leader: the lock request failed', error);
      });
  }

  /** Leaves the election: steps down if leading (the next tab takes over), or stops waiting. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    const release = this.#release;
    this.#release = null;
    release?.();
    if (this.#leader) this.#become(false);
    this.#events.clear();
  }

  #become(leader: boolean): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    this.#events.emit('change', leader);
  }
}
