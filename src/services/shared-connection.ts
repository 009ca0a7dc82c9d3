import { type AnyEnvelope, type AppTypeRegistry, type MessageType, type PayloadOf, isRecord, parseCursor, parseEnvelope } from '../protocol/index.js';
import type { LockManagerLike } from './auth-sync.js';
import { ConnectionBase } from './connection-base.js';
import { ConnectionEvents } from './connection-events.js';
import type { FallbackTransport } from './fallback-connection.js';
import { LeaderElection } from './leader.js';
import { SequenceTracker } from './sequence-tracker.js';
import { randomId } from './async-util.js';
import { type PageEvents, TabSync, type TabSyncOptions, defaultEvents } from './tab-sync.js';
import {
  CONNECTION_STATES,
  type ConnectionStatus,
  type Logger,
  type RealtimeErrorDetail,
  type SendOptions,
  type SendResult,
  type Unsubscribe,
  silentLogger,
} from './types.js';

/** Version of the messages below; tabs running another version ignore each other. */
const WIRE_VERSION = 1;

/** What the tabs sharing one connection say to each other. `from` is the sending instance. */
export type SharedMessage = { readonly v: typeof WIRE_VERSION; readonly from: string } & (
  | /** A delivered envelope, relayed by the leader; `cursor` is the leader's after it; `skip` does not deliver it. */
    { readonly k: 'frame'; readonly frame: unknown; readonly cursor: string | null; readonly skip?: string }
  | { readonly k: 'status'; readonly status: ConnectionStatus; readonly cursor: string | null }
  | { readonly k: 'error'; readonly error: RealtimeErrorDetail }
  /** A tab became leader: followers resend what it has not acknowledged. */
  | { readonly k: 'leader' }
  /** The leader steps down (closed, page hidden); another tab takes over. */
  | { readonly k: 'bye' }
  /** A tab joined: the leader answers with its status. */
  | { readonly k: 'hello' }
  | { readonly k: 'send'; readonly to: string; readonly type: string; readonly payload: unknown; readonly mid: string }
  | { readonly k: 'ack'; readonly to: string; readonly mid: string; readonly result: SendResult }
  | { readonly k: 'retry'; readonly to: string }
);

const SEND_RESULTS = new Set<unknown>(['sent', 'queued', 'dropped', 'refused']);

function isStatus(value: unknown): value is ConnectionStatus {
  if (!isRecord(value)) return false;
  return (
    CONNECTION_STATES.includes(value['state'] as ConnectionStatus['state']) &&
    (value['transport'] === 'websocket' || value['transport'] === 'sse' || value['transport'] === 'polling') &&
    typeof value['stale'] === 'boolean' &&
    typeof value['attempt'] === 'number' &&
    (value['nextRetryAt'] === null || typeof value['nextRetryAt'] === 'number') &&
    (value['reason'] === null || typeof value['reason'] === 'string') &&
    (value['code'] === null || typeof value['code'] === 'number')
  );
}

const nullableString = (value: unknown): boolean => value === null || typeof value === 'string';

/** Validates a message from another tab (the envelope inside a `frame` is validated on delivery). */
export function isSharedMessage(value: unknown): value is SharedMessage {
  if (!isRecord(value) || value['v'] !== WIRE_VERSION || typeof value['from'] !== 'string') return false;
  switch (value['k']) {
    case 'frame':
      return isRecord(value['frame']) && nullableString(value['cursor']) && (value['skip'] === undefined || typeof value['skip'] === 'string');
    case 'status':
      return isStatus(value['status']) && nullableString(value['cursor']);
    case 'error':
      return isRecord(value['error']) && typeof value['error']['kind'] === 'string';
    case 'leader':
    case 'bye':
    case 'hello':
      return true;
    case 'send':
      return typeof value['to'] === 'string' && typeof value['type'] === 'string' && typeof value['mid'] === 'string' && isRecord(value['payload']);
    case 'ack':
      return typeof value['to'] === 'string' && typeof value['mid'] === 'string' && SEND_RESULTS.has(value['result']);
    case 'retry':
      return typeof value['to'] === 'string';
    default:
      return false;
  }
}

/** Options of {@link SharedConnection}. */
export interface SharedConnectionOptions {
  /** Channel and lock name: every tab of the origin using this name shares one connection. */
  readonly name: string;
  /** Makes the leader's live connection, resuming from `cursor` (null: a fresh start). */
  readonly create: (cursor: string | null) => FallbackTransport;
  /** Validators of the page's `app.*` types; relayed envelopes are validated again with them. */
  readonly appTypes?: AppTypeRegistry;
  /** The page's user: `app.*` messages another tab sends `to` someone else are not shown here. */
  readonly userId?: string | null;
  /** Sends waiting for a leader to take them; default 100 (oldest dropped, reported). */
  readonly queueLimit?: number;
  /** Environment of the channel (constructor, storage, scope); see {@link TabSyncOptions}. */
  readonly channel?: Omit<TabSyncOptions<SharedMessage>, 'name' | 'accept'>;
  /** `navigator.locks`; `null`: every tab keeps its own connection (nothing is relayed). */
  readonly locks?: LockManagerLike | null;
  /** Source of `pagehide`/`pageshow`; default `globalThis` when it has them. */
  readonly events?: PageEvents | null;
  readonly randomId?: () => string;
  readonly logger?: Logger;
}

/** What this tab does for the shared connection. */
export type SharedRole = 'off' | 'follower' | 'leader';

interface Live {
  readonly conn: FallbackTransport;
  readonly off: Unsubscribe[];
}

interface Pending {
  readonly type: string;
  readonly payload: unknown;
  readonly mid: string;
}

/** Types the server fans out to the sender's peers without logging them (no `seq`, no replay). */
const isFanOut = (type: string): boolean => type.startsWith('app.') || type === 'presence.update';


/**
 * One live connection for every tab of the browser. Tabs elect a leader with Web Locks
 * ({@link LeaderElection}); the leader holds the real connection (`create()`, normally a
 * `FallbackConnection`: WebSocket, or SSE/polling when degraded) and relays every envelope, status
 * change and error to the other tabs over {@link TabSync}; the followers' `send()`s travel to the
 * leader, which sends them with the follower's `mid` and acknowledges them.
 *
 * Hand-over: when the leader closes, its page is hidden or its tab dies, the browser grants the
 * lock to the next tab, which opens its own connection from the last `seq` it saw, so the server
 * replays what was published meanwhile. Every tab drops envelopes whose `seq` it already has, so
 * nothing is lost or doubled. Sends not yet acknowledged are sent again to the new leader with the
 * same `mid` (the server drops repeats); a message the old leader had queued but not sent when its
 * tab closed is lost with that tab.
 *
 * `app.*` and `presence.update` messages one tab sends are shown to the other tabs too, as the
 * server would have done had each tab its own connection. Without Web Locks every tab leads
 * itself (one connection per tab, nothing relayed).
 */
export class SharedConnection extends ConnectionBase {
  readonly #options: SharedConnectionOptions;
  readonly #events: ConnectionEvents;
  readonly #logger: Logger;
  readonly #id: string;
  readonly #tracker = new SequenceTracker();
  readonly #recentMids: string[] = [];
  readonly #pending = new Map<string, Pending>();
  #sync: TabSync<SharedMessage> | null = null;
  #election: LeaderElection | null = null;
  #live: Live | null = null;
  #leaderId: string | null = null;
  #running = false;
  #midCounter = 0;
  #cleanups: (() => void)[] = [];

  constructor(options: SharedConnectionOptions) {
    const logger = options.logger ?? silentLogger;
    const events = new ConnectionEvents({ transport: 'websocket', name: 'shared-connection', unit: 'a relayed frame', logger });
    super(events);
    this.#events = events;
    this.#options = options;
    this.#logger = logger;
    this.#id = (options.randomId ?? (() => randomId()))();
  }

  /** `leader` while this tab holds the live connection, `follower` while another does. */
  get role(): SharedRole {
    if (!this.#running) return 'off';
    return this.#live ? 'leader' : 'follower';
  }

  /** The resume point this tab has reached (`<epoch>:<seq>`), handed to its connection if it leads. */
  get cursor(): string | null {
    return this.#tracker.cursor;
  }

  /** Sends waiting for a leader to acknowledge them. */
  get queued(): number {
    return this.#pending.size;
  }

  /** Joins the tabs sharing the connection; a no-op while running. */
  connect(): void {
    if (this.#running) return;
    this.#running = true;
    this.#events.setStatus({ state: 'connecting', nextRetryAt: null, reason: null, code: null, stale: false });
    const events = this.#options.events === undefined ? defaultEvents() : this.#options.events;
    if (events) {
      // Added before the channel exists, so it runs before TabSync lets the channel go on
      // `pagehide` and the `bye` still leaves the tab.
      const onHide = (): void => this.#leave();
      events.addEventListener('pagehide', onHide);
      this.#cleanups.push(() => events.removeEventListener('pagehide', onHide));
    }
    const sync = new TabSync<SharedMessage>({
      ...this.#options.channel,
      logger: this.#logger,
      name: this.#options.name,
      accept: isSharedMessage,
    });
    this.#sync = sync;
    const off = sync.on((message) => this.#onMessage(message));
    this.#cleanups.push(() => {
      off();
      sync.close();
    });
    if (events) {
      // Added after the channel, so TabSync has reopened it when this rejoins and says hello.
      const onShow = (event: Event): void => {
        if ((event as PageTransitionEvent).persisted && this.#running) this.#join();
      };
      events.addEventListener('pageshow', onShow);
      this.#cleanups.push(() => events.removeEventListener('pageshow', onShow));
    }
    this.#join();
  }

  /** Leaves: closes the live connection if leading (another tab takes over). Waiting sends are kept. */
  close(): void {
    if (!this.#running && this.status.state === 'closed') return;
    this.#leave();
    this.#running = false;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#sync = null;
    this.#events.setStatus({ state: 'closed', nextRetryAt: null, reason: 'page', stale: false });
  }

  /** Starts over when closed; otherwise asks the live connection (here or in the leader's tab) to retry now. */
  retry(): void {
    if (!this.#running) {
      this.connect();
      return;
    }
    if (this.#live) this.#live.conn.retry();
    else if (this.#leaderId) this.#post({ k: 'retry', to: this.#leaderId });
  }

  /**
   * Through the live connection when leading; otherwise to the leader's tab, kept until it
   * acknowledges (and sent again to a new leader). `sys.*` frames go only to an open leader.
   */
  send<T extends MessageType>(type: T, payload: PayloadOf<T>, options: SendOptions = {}): SendResult {
    const mid = options.mid ?? this.#newMid();
    if (this.#live) return this.#leaderSend(type, payload, mid, this.#id);
    const open = this.#leaderId !== null && this.status.state === 'open';
    if (type.startsWith('sys.')) {
      if (!open) return 'dropped';
      this.#post({ k: 'send', to: this.#leaderId!, type, payload, mid });
      return 'sent';
    }
    this.#rememberMid(mid);
    this.#pending.set(mid, { type, payload, mid });
    const limit = Math.max(1, this.#options.queueLimit ?? 100);
    while (this.#pending.size > limit) {
      const [oldest, dropped] = this.#pending.entries().next().value as [string, Pending];
      this.#pending.delete(oldest);
      this.#events.error({ kind: 'queue-overflow', dropped: 1, type: dropped.type });
    }
    if (!this.#pending.has(mid)) return 'dropped';
    if (this.#leaderId) this.#post({ k: 'send', to: this.#leaderId, type, payload, mid });
    return open ? 'sent' : 'queued';
  }

  // ---- election -------------------------------------------------------------------------------

  #join(): void {
    if (this.#election && !this.#election.closed) return;
    const election = new LeaderElection({
      name: `${this.#options.name}:leader`,
      ...(this.#options.locks !== undefined ? { locks: this.#options.locks } : {}),
      logger: this.#logger,
    });
    this.#election = election;
    election.onChange((leader) => {
      if (leader && this.#election === election && this.#running) this.#lead(election);
    });
    election.start();
    // A leader already running answers with its status.
    if (!election.isLeader) this.#post({ k: 'hello' });
  }

  /** Steps down (if leading) and leaves the election. */
  #leave(): void {
    const relaying = this.#relaying();
    const election = this.#election;
    this.#election = null;
    const live = this.#live;
    this.#live = null;
    if (live) {
      for (const off of live.off.splice(0)) off();
      live.conn.close();
      // Posted before the lock goes, so followers hear it before the next leader speaks.
      if (relaying) this.#post({ k: 'bye' });
    }
    // Whoever leads when this tab is back is announced again, and gets what is still waiting.
    this.#leaderId = null;
    election?.close();
  }

  #relaying(): boolean {
    return this.#election?.mode === 'locks';
  }

  #lead(election: LeaderElection): void {
    this.#logger.debug('shared-connection: leading', this.#tracker.cursor);
    const conn = this.#options.create(this.#tracker.cursor);
    const live: Live = { conn, off: [] };
    this.#live = live;
    this.#leaderId = this.#id;
    live.off.push(
      conn.onAny((frame) => this.#onLiveFrame(conn, frame)),
      conn.onStatus(() => this.#onLiveStatus(conn)),
      conn.onError((error) => {
        this.#events.error(error);
        if (this.#relaying()) this.#post({ k: 'error', error });
      }),
    );
    if (this.#relaying()) this.#post({ k: 'leader' });
    // What this tab sent while nobody led goes first, with its mids.
    for (const message of [...this.#pending.values()]) {
      this.#pending.delete(message.mid);
      this.#leaderSend(message.type as MessageType, message.payload as PayloadOf<MessageType>, message.mid, this.#id);
    }
    conn.connect();
    if (this.#live === live && election === this.#election) this.#onLiveStatus(conn);
  }

  // ---- leader ---------------------------------------------------------------------------------

  #onLiveFrame(conn: FallbackTransport, frame: AnyEnvelope): void {
    if (this.#live?.conn !== conn) return;
    if (!this.#take(frame, conn.cursor)) return;
    if (this.#relaying()) this.#post({ k: 'frame', frame, cursor: conn.cursor });
  }

  #onLiveStatus(conn: FallbackTransport): void {
    if (this.#live?.conn !== conn) return;
    const status = conn.status;
    this.#events.setStatus(status);
    // The resume point moves with `sys.hello` too, before any frame: followers must know it.
    this.#adopt(conn.cursor);
    if (this.#relaying()) this.#post({ k: 'status', status, cursor: conn.cursor });
  }

  #leaderSend(type: MessageType, payload: PayloadOf<MessageType>, mid: string, sender: string): SendResult {
    const conn = this.#live!.conn;
    const result = conn.send(type, payload, { mid });
    if ((result === 'sent' || result === 'queued') && isFanOut(type)) this.#echo(type, payload, mid, sender);
    return result;
  }

  /** The server does not send a message back to the connection it came from; other tabs see it here. */
  #echo(type: string, payload: unknown, mid: string, sender: string): void {
    const to = isRecord(payload) && typeof payload['to'] === 'string' ? payload['to'] : null;
    if (to !== null && to !== (this.#options.userId ?? null)) return;
    const frame = { type, ts: Date.now(), payload, mid };
    if (sender !== this.#id) this.#receiveFrame(frame, null);
    if (this.#relaying()) this.#post({ k: 'frame', frame, cursor: null, skip: sender });
  }

  // ---- every tab ------------------------------------------------------------------------------

  #onMessage(message: SharedMessage): void {
    if (message.from === this.#id || !this.#running) return;
    switch (message.k) {
      case 'frame':
        if (message.skip !== this.#id) this.#receiveFrame(message.frame, message.cursor);
        break;
      case 'status':
        // A late status from a tab that no longer leads must not take the lead back.
        if (this.#live || (this.#leaderId !== null && this.#leaderId !== message.from)) return;
        this.#follow(message.from);
        this.#events.setStatus(message.status);
        this.#adopt(message.cursor);
        break;
      case 'error':
        if (!this.#live && message.from === this.#leaderId) this.#events.error(message.error);
        break;
      case 'leader':
        if (!this.#live) this.#follow(message.from);
        break;
      case 'bye':
        if (message.from !== this.#leaderId) return;
        this.#leaderId = null;
        if (!this.#live) this.#events.setStatus({ state: 'reconnecting', reason: 'leader-left', nextRetryAt: null });
        break;
      case 'hello':
        if (this.#live && this.#relaying()) {
          this.#post({ k: 'leader' });
          this.#post({ k: 'status', status: this.#live.conn.status, cursor: this.#live.conn.cursor });
        }
        break;
      case 'send':
        if (message.to !== this.#id || !this.#live) return;
        this.#post({
          k: 'ack',
          to: message.from,
          mid: message.mid,
          result: this.#leaderSend(message.type as MessageType, message.payload as PayloadOf<MessageType>, message.mid, message.from),
        });
        break;
      case 'ack':
        if (message.to === this.#id) this.#pending.delete(message.mid);
        break;
      case 'retry':
        if (message.to === this.#id) this.#live?.conn.retry();
        break;
    }
  }

  /** Another tab leads: what it has not acknowledged goes to it, in order. */
  #follow(leader: string): void {
    if (this.#leaderId === leader) return;
    this.#leaderId = leader;
    for (const message of this.#pending.values()) this.#post({ k: 'send', to: leader, type: message.type, payload: message.payload, mid: message.mid });
  }

  /** A leader's resume point from a status: never behind what this tab has (the channel keeps order). */
  #adopt(cursor: string | null): void {
    const at = parseCursor(cursor);
    if (!at) return;
    if (this.#tracker.epoch !== at.epoch || this.#tracker.lastSeq === null || at.seq > this.#tracker.lastSeq) this.#tracker.reset(at.epoch, at.seq);
  }

  #receiveFrame(data: unknown, cursor: string | null): void {
    const parsed = parseEnvelope(data, this.#options.appTypes);
    if (!parsed.ok) {
      if (parsed.rejection.kind === 'invalid') this.#logger.warn('shared-connection: dropped an invalid relayed frame', parsed.rejection);
      return;
    }
    this.#take(parsed.envelope, cursor);
  }

  /** Delivers `frame` unless this tab has it already (by `seq`, or by `mid` when unlogged). */
  #take(frame: AnyEnvelope, cursor: string | null): boolean {
    if (frame.type === 'sys.reset') {
      const { epoch, seq } = frame.payload;
      if (this.#tracker.epoch === epoch && this.#tracker.lastSeq === seq) return false;
      this.#tracker.reset(epoch, seq);
      this.#events.reset(frame);
      return true;
    }
    if (frame.seq !== undefined) {
      const at = parseCursor(cursor);
      if (at && at.epoch !== this.#tracker.epoch) this.#tracker.reset(at.epoch, frame.prev ?? frame.seq - 1);
      if (this.#tracker.lastSeq !== null && frame.seq <= this.#tracker.lastSeq) return false;
      this.#tracker.lastSeq = frame.seq;
      this.#events.deliver(frame);
      return true;
    }
    if (frame.mid !== undefined && !this.#rememberMid(frame.mid)) return false;
    this.#events.deliver(frame);
    return true;
  }

  #rememberMid(mid: string): boolean {
    if (this.#recentMids.includes(mid)) return false;
    this.#recentMids.push(mid);
    if (this.#recentMids.length > 256) this.#recentMids.shift();
    return true;
  }

  #newMid(): string {
    this.#midCounter += 1;
    return `s-${this.#id.slice(0, 36)}-${this.#midCounter.toString(36)}`;
  }

  #post(body: DistributiveOmit<SharedMessage, 'v' | 'from'>): void {
    this.#sync?.post({ ...body, v: WIRE_VERSION, from: this.#id } as SharedMessage);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
