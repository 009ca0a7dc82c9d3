// An in-browser stand-in for the reference server: an event log, REST pages, a live connection and
// shared documents, behind the same interfaces <realtime-provider> hands down.
import type { PageRequest, RealtimeApi } from '../../src/context/api.js';
import type { RealtimeUser } from '../../src/context/keys.js';
import type {
  ActivityInput,
  ActivityItem,
  ActivityPayload,
  Created,
  NotificationInput,
  NotificationItem,
  NotificationLevel,
  NotificationPage,
  NotificationPayload,
  NotificationReadPayload,
  Page,
} from '../../src/protocol/index.js';
import { SimulatedCollabService, type SimulatedCollabOptions } from './simulated-collab.js';
import { SimulatedConnection, type SimulatedConnectionOptions } from './simulated-connection.js';
import { InFlight, latency } from './timing.js';

export { SimulatedConnection, type SimulatedConnectionOptions } from './simulated-connection.js';
export { SimulatedCollabService, SimulatedCollabSession, SimulatedCollaborator, type SimulatedCollabOptions } from './simulated-collab.js';

const DAY = 86_400_000;

/** How the REST side answers: at once after the latency, never (loading forever), or with an error. */
export type ApiMode = 'ok' | 'pending' | 'error';

export interface SimulatedBackendOptions {
  readonly connection?: SimulatedConnectionOptions;
  readonly collab?: SimulatedCollabOptions;
  /** REST latency, ms. Default 250. */
  readonly latencyMs?: number;
  /** How list calls answer. Default `ok`. */
  readonly mode?: ApiMode;
  /** How older pages (`before`) answer. Default: as `mode`. */
  readonly olderMode?: ApiMode;
  /** The page's user. */
  readonly user?: RealtimeUser;
}

/** The page's user in every story. */
export const STORY_USER: RealtimeUser = Object.freeze({ id: 'u-ada', name: 'Ada Lovelace', color: '#7c3aed' });

/** Simulated collaborators, with colours that keep white initials readable. */
export const PEOPLE: readonly RealtimeUser[] = Object.freeze([
  { id: 'u-grace', name: 'Grace Hopper', color: '#0f766e' },
  { id: 'u-alan', name: 'Alan Turing', color: '#b91c1c' },
  { id: 'u-katherine', name: 'Katherine Johnson', color: '#1d4ed8' },
  { id: 'u-linus', name: 'Linus Torvalds', color: '#a16207' },
  { id: 'u-margaret', name: 'Margaret Hamilton', color: '#be185d' },
]);

const ACTIONS: readonly (readonly [string, string])[] = [
  ['commented on', 'Q3 plan'],
  ['edited', 'Roadmap'],
  ['closed', 'Issue #42'],
  ['joined', 'Design review'],
  ['merged', 'Pull request #108'],
  ['uploaded', 'launch-video.mp4'],
];

const NOTES: readonly (readonly [NotificationLevel, string, string])[] = [
  ['info', 'New comment', 'Grace replied to your comment on the Q3 plan.'],
  ['success', 'Deploy finished', 'Version 2.4.1 is live in production.'],
  ['warning', 'Storage almost full', '92% of the team quota is used.'],
  ['error', 'Payment failed', 'The card ending in 4242 was declined.'],
  ['info', 'Review requested', 'Alan asked you to review pull request #108.'],
];

function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * The whole simulated server. `publishNotification()` / `publishActivity()` log an event and push
 * it over the connection (delivered when the line is open, replayed when it opens again); the REST
 * API pages through the same log, newest first, with the user's read state.
 */
export class SimulatedBackend {
  readonly connection: SimulatedConnection;
  readonly collab: SimulatedCollabService;
  readonly api: SimulatedApi;
  readonly user: RealtimeUser;
  /** Connection attempts, REST answers and document syncs under way. */
  readonly inflight = new InFlight();
  #seq = 0;
  #counter = 0;
  readonly notifications: NotificationItem[] = [];
  readonly activities: ActivityItem[] = [];

  constructor(options: SimulatedBackendOptions = {}) {
    this.connection = new SimulatedConnection({ ...options.connection, inflight: this.inflight });
    this.collab = new SimulatedCollabService({ ...options.collab, inflight: this.inflight });
    this.api = new SimulatedApi(this, {
      latencyMs: options.latencyMs ?? 250,
      mode: options.mode ?? 'ok',
      olderMode: options.olderMode ?? options.mode ?? 'ok',
    });
    this.user = options.user ?? STORY_USER;
  }

  /** Logs a notification and pushes it live. */
  publishNotification(input: Partial<NotificationPayload> = {}, ts = Date.now()): NotificationItem {
    const [level, title, message] = NOTES[this.#counter++ % NOTES.length]!;
    const seq = ++this.#seq;
    const payload: NotificationPayload = { id: `n-${seq}`, level, title, message, ...input };
    const item: NotificationItem = { ...payload, seq, ts };
    this.notifications.push(item);
    this.connection.deliver({ type: 'notification.new', seq, ts, payload });
    return item;
  }

  /** Logs an activity and pushes it live. */
  publishActivity(input: Partial<ActivityPayload> = {}, ts = Date.now()): ActivityItem {
    const index = this.#counter++;
    const person = PEOPLE[index % PEOPLE.length]!;
    const [action, target] = ACTIONS[index % ACTIONS.length]!;
    const seq = ++this.#seq;
    const payload: ActivityPayload = { id: `a-${seq}`, userId: person.id, userName: person.name, action, target, ...input };
    const item: ActivityItem = { ...payload, seq, ts };
    this.activities.push(item);
    this.connection.deliver({ type: 'activity.new', seq, ts, payload });
    return item;
  }

  /** Puts history in the log without pushing it: `count` items spread back over `days`. */
  seedNotifications(count: number, options: { days?: number; read?: number } = {}): void {
    const span = (options.days ?? 1) * DAY;
    const now = Date.now();
    for (let index = count - 1; index >= 0; index -= 1) {
      const [level, title, message] = NOTES[this.#counter++ % NOTES.length]!;
      const seq = ++this.#seq;
      const read = index >= count - (options.read ?? 0);
      this.notifications.push({ id: `n-${seq}`, level, title, message, seq, ts: now - Math.round(((index + 1) * span) / (count + 1)), ...(read ? { read } : {}) });
    }
  }

  /** Puts activity history in the log without pushing it: `count` items spread back over `days`. */
  seedActivities(count: number, options: { days?: number } = {}): void {
    const span = (options.days ?? 1) * DAY;
    const now = Date.now();
    for (let index = count - 1; index >= 0; index -= 1) {
      const n = this.#counter++;
      const person = PEOPLE[n % PEOPLE.length]!;
      const [action, target] = ACTIONS[n % ACTIONS.length]!;
      const seq = ++this.#seq;
      this.activities.push({
        id: `a-${seq}`,
        userId: person.id,
        userName: person.name,
        action,
        target,
        seq,
        ts: now - Math.round(((index + 1) * span) / (count + 1)),
      });
    }
  }

  /** A burst: `count` notifications in one task, as a flood from the server would arrive. */
  burstNotifications(count: number): void {
    for (let index = 0; index < count; index += 1) this.publishNotification();
  }

  /** A burst of activity in one task. */
  burstActivities(count: number): void {
    for (let index = 0; index < count; index += 1) this.publishActivity();
  }

  /** Every notification the user has not read or archived. */
  unread(): number {
    return this.notifications.filter((item) => !item.read && !item.archived).length;
  }

  /** Resolves when no attempt, answer or sync is under way (countdowns are waits, not work). */
  settled(): Promise<void> {
    return this.inflight.idle();
  }

  /** Stops every timer; the story is leaving. */
  dispose(): void {
    this.connection.dispose();
    this.collab.dispose();
  }
}

/** The REST side of the simulated server. */
export class SimulatedApi implements RealtimeApi {
  latencyMs: number;
  mode: ApiMode;
  olderMode: ApiMode;
  #listed: (() => void)[] = [];

  constructor(
    private readonly backend: SimulatedBackend,
    options: { latencyMs: number; mode: ApiMode; olderMode: ApiMode },
  ) {
    this.latencyMs = options.latencyMs;
    this.mode = options.mode;
    this.olderMode = options.olderMode;
  }

  /** Resolves after the next list answer has reached its caller (for stories that act on a page). */
  listed(): Promise<void> {
    return new Promise((resolve) => this.#listed.push(resolve));
  }

  async listActivities(request: PageRequest = {}): Promise<Page<ActivityItem>> {
    await this.#answer(request);
    return this.#page(this.backend.activities, request);
  }

  async listNotifications(request: PageRequest = {}): Promise<NotificationPage> {
    await this.#answer(request);
    const visible = this.backend.notifications.filter((item) => !item.archived);
    return { ...this.#page(visible, request), unread: this.backend.unread() };
  }

  async publishActivity(input: ActivityInput): Promise<Created> {
    await this.#answer({});
    const item = this.backend.publishActivity(input);
    return { seq: item.seq, id: item.id };
  }

  async publishNotification(input: NotificationInput): Promise<Created> {
    await this.#answer({});
    const item = this.backend.publishNotification(input);
    return { seq: item.seq, id: item.id };
  }

  async markNotifications(change: NotificationReadPayload): Promise<void> {
    await this.#answer({});
    const ids = change.all ? null : new Set(change.ids ?? []);
    const list = this.backend.notifications;
    for (let index = 0; index < list.length; index += 1) {
      const item = list[index]!;
      if (ids && !ids.has(item.id)) continue;
      list[index] = { ...item, [change.state]: true };
    }
  }

  async #answer(request: PageRequest): Promise<void> {
    const mode = request.before === undefined ? this.mode : this.olderMode;
    if (mode === 'pending') return aborted(request.signal);
    const done = this.backend.inflight.begin();
    try {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, latency(this.latencyMs))), aborted(request.signal)]);
    } finally {
      // After the caller's continuation ran: the element has taken the answer by then.
      setTimeout(() => {
        for (const resolve of this.#listed.splice(0)) resolve();
        done();
      }, 0);
    }
    if (mode === 'error') throw new Error('503 Service Unavailable (simulated)');
  }

  #page<T extends { seq: number }>(log: readonly T[], request: PageRequest): Page<T> {
    const limit = request.limit ?? 20;
    const before = request.before ?? Infinity;
    const older = log.filter((item) => item.seq < before).sort((a, b) => b.seq - a.seq);
    const items = older.slice(0, limit);
    const next = older.length > limit ? items[items.length - 1]!.seq : null;
    return { items, next };
  }
}
