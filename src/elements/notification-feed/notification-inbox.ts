import type { FeedNotification } from '../../events/notification-events.js';
import type { NotificationItem, NotificationPage, NotificationReadPayload } from '../../protocol/index.js';
import { RecentKeys } from '../../services/recent-keys.js';

/** A per-user flag a feed may set on its notifications. */
export type NotificationState = NotificationReadPayload['state'];

/**
 * One row of a feed: a notification, or several merged into one (repeats of an id, or the same
 * `group` within the group window). It shows the newest; `ids` lists every one merged in.
 */
export interface FeedEntry {
  /** Stable render key: the id of the first notification of the row. */
  readonly key: string;
  notification: FeedNotification;
  /** Every notification id merged into this row, oldest first. */
  readonly ids: string[];
  /** How many notifications arrived in this row. */
  count: number;
  /** Ids in this row the user has not read yet (read when empty). */
  readonly unreadIds: Set<string>;
  seen: boolean;
  /** When the newest of the row arrived, for the group window. */
  lastAt: number;
}

/** What a flush of live notifications did. */
export interface AddResult {
  /** New rows that are still listed after the cap. */
  readonly added: readonly FeedEntry[];
  /** Existing rows that took another notification. */
  readonly merged: readonly FeedEntry[];
}

/** Undoes an optimistic change; see {@link NotificationInbox.mark}. */
export type Rollback = () => void;

export interface NotificationInboxOptions {
  /** Most rows kept (read on every change: the element's `max` may change). */
  readonly cap: () => number;
  /** Same-`group` notifications within this many ms of the row's newest merge into it; 0 never. */
  readonly groupWindowMs: () => number;
  readonly now?: () => number;
}

// Enough ids to recognise a replayed or repeated notification long after it left a capped list.
const RECENT_IDS = 4096;

/**
 * The model behind `<notification-feed>`: rows newest first, merged repeats and groups, a cap with
 * a count of what it pushed out, and the unread count. The count is kept apart from the rows, so it
 * stays right when the cap drops unread notifications (C22): it starts from the server's count (the
 * first page) and moves with each live arrival and each read, local or from another tab.
 *
 * No DOM here: the element renders `entries` and owns timers and focus.
 */
export class NotificationInbox {
  readonly #cap: () => number;
  readonly #groupWindowMs: () => number;
  readonly #now: () => number;
  #entries: FeedEntry[] = [];
  readonly #byId = new Map<string, FeedEntry>();
  // Recent ids → seq (or -1); the least recently seen is forgotten first.
  readonly #recent = new RecentKeys<string, number>(RECENT_IDS);
  // Ids counted as unread, listed or not (the cap may have pushed them out): a read of one of them
  // lowers the count even when its row is gone.
  readonly #unreadKnown = new RecentKeys<string>(RECENT_IDS);
  #unread = 0;
  #hidden = 0;
  // Set once the bound made #unreadKnown forget an id: from then on an id outside it may be unread.
  #forgotUnread = false;
  // Live notifications up to this seq were already counted by the server's answer.
  #countedThrough = -1;

  constructor(options: NotificationInboxOptions) {
    this.#cap = options.cap;
    this.#groupWindowMs = options.groupWindowMs;
    // Read at call time, so fake clocks installed later apply.
    this.#now = options.now ?? (() => Date.now());
  }

  /** Rows, newest first. */
  get entries(): readonly FeedEntry[] {
    return this.#entries;
  }

  /** Unread notifications for the user, including ones the cap pushed out. */
  get unread(): number {
    return this.#unread;
  }

  /** Rows the cap pushed out since the list was last empty (the "+N more"). */
  get hidden(): number {
    return this.#hidden;
  }

  /**
   * Counts a live notification as it arrives, before the frame batch: O(1), so a burst that the
   * batch trims still counts every notification once. Returns false for a repeat of one already seen.
   */
  count(notification: FeedNotification): boolean {
    const known = this.#recent.get(notification.id);
    const seq = notification.seq ?? -1;
    if (known !== undefined && (known === seq || seq === -1)) return false;
    this.#remember(notification.id, seq);
    if (known === undefined && (notification.seq === undefined || notification.seq > this.#countedThrough)) {
      this.#unread += 1;
      this.#knowUnread(notification.id);
    }
    return true;
  }

  /** Merges a batch of live notifications (oldest first, each one that {@link count} let through) into the rows. */
  add(items: readonly FeedNotification[]): AddResult {
    const now = this.#now();
    const window = this.#groupWindowMs();
    const fresh: FeedEntry[] = [];
    // Every row this batch touched, with the position of its newest arrival in the batch.
    const touched = new Map<FeedEntry, number>();
    items.forEach((notification, index) => {
      const existing = this.#byId.get(notification.id) ?? (window > 0 ? this.#groupRow(notification, now, window, fresh) : undefined);
      if (existing) {
        existing.notification = notification;
        if (!existing.ids.includes(notification.id)) existing.ids.push(notification.id);
        existing.count += 1;
        existing.lastAt = now;
        existing.seen = false;
        if (this.#unreadKnown.has(notification.id)) existing.unreadIds.add(notification.id);
        this.#byId.set(notification.id, existing);
        touched.set(existing, index);
        return;
      }
      const entry: FeedEntry = {
        key: notification.id,
        notification,
        ids: [notification.id],
        count: 1,
        unreadIds: new Set(this.#unreadKnown.has(notification.id) ? [notification.id] : []),
        seen: false,
        lastAt: now,
      };
      this.#byId.set(notification.id, entry);
      fresh.push(entry);
      touched.set(entry, index);
    });
    if (touched.size === 0) return { added: [], merged: [] };
    // Touched rows go to the top, the one with the newest arrival first.
    const top = [...touched.keys()].sort((a, b) => touched.get(b)! - touched.get(a)!);
    const freshSet = new Set(fresh);
    const merged = top.filter((entry) => !freshSet.has(entry));
    const topSet = new Set(top);
    this.#entries = [...top, ...this.#entries.filter((entry) => !topSet.has(entry))];
    this.#applyCap();
    const kept = new Set(this.#entries);
    return { added: fresh.filter((entry) => kept.has(entry)), merged: merged.filter((entry) => kept.has(entry)) };
  }

  /**
   * Merges a REST page (newest first, with the user's flags). The first page (`first`) also sets
   * the unread count from the server's, and every live notification up to its newest seq counts
   * as already included. Archived items are not listed. Returns the rows added.
   */
  addPage(page: NotificationPage, first: boolean): FeedEntry[] {
    const newest = page.items[0]?.seq;
    if (first) {
      const listedUnread = page.items.filter((item) => !item.read && !item.archived).length;
      // A backend that sends no count: count what the page holds.
      this.#unread = page.unread ?? listedUnread;
      this.#countedThrough = Math.max(this.#countedThrough, newest ?? -1);
      // Live ones counted before the answer that the server counted too.
      for (const id of [...this.#unreadKnown]) {
        const seq = this.#recent.get(id);
        if (seq !== undefined && seq <= this.#countedThrough) this.#unreadKnown.delete(id);
      }
      this.#unread += this.#unreadKnown.size;
    }
    const added: FeedEntry[] = [];
    for (const item of page.items) {
      if (this.#byId.has(item.id)) continue;
      this.#remember(item.id, item.seq);
      if (!item.read && !item.archived) {
        this.#knowUnread(item.id);
      }
      if (item.archived) continue;
      const entry: FeedEntry = {
        key: item.id,
        notification: toFeedNotification(item),
        ids: [item.id],
        count: 1,
        unreadIds: new Set(item.read ? [] : [item.id]),
        seen: item.seen === true,
        lastAt: item.ts,
      };
      this.#byId.set(item.id, entry);
      added.push(entry);
    }
    if (added.length === 0) return added;
    // Pages and live rows meet here: order by seq, newest first (rows without a seq stay on top).
    this.#entries = [...this.#entries, ...added].sort(bySeqDescending);
    if (first) this.#applyCap();
    return added;
  }

  /**
   * Sets a flag on rows (by notification id) or on all, at once; returns how to undo it (for a
   * failed request). Read and archived lower the unread count.
   */
  mark(state: NotificationState, target: readonly string[] | 'all'): Rollback {
    const change = this.#apply(state, target);
    // Undo only what this change did, so rows and counts that arrived meanwhile stay.
    return () => {
      this.#unread += change.lowered;
      for (const id of change.known) this.#knowUnread(id);
      for (const [entry, ids] of change.rows) for (const id of ids) entry.unreadIds.add(id);
      for (const entry of change.seen) entry.seen = false;
      if (change.archived.length === 0) return;
      for (const entry of change.archived) for (const id of entry.ids) this.#byId.set(id, entry);
      this.#entries = [...this.#entries, ...change.archived].sort(bySeqDescending);
    };
  }

  /**
   * Applies a `notification.read` from the server (this user's other tab or device, or the echo
   * of this feed's own change). Returns false when it named ids this feed never held, so the
   * count may be off and the caller should ask the server again.
   */
  applyRemote(payload: NotificationReadPayload): boolean {
    const target = payload.all ? 'all' : (payload.ids ?? []);
    const known = payload.state === 'seen' || this.knows(target);
    this.#apply(payload.state, target);
    return known;
  }

  /**
   * Whether a read of these ids moves the count exactly: true unless an id may be unread but was
   * never held or was forgotten (a long burst past the bound). Otherwise ask the server.
   */
  knows(ids: readonly string[] | 'all'): boolean {
    if (ids === 'all') return true;
    return ids.every((id) => this.#unreadKnown.has(id) || (this.#recent.has(id) && !this.#forgotUnread));
  }

  /** Sets the count from the server (a fresh answer after {@link applyRemote} returned false). */
  setUnread(count: number, countedThrough: number | undefined): void {
    this.#unread = count;
    if (countedThrough !== undefined) this.#countedThrough = Math.max(this.#countedThrough, countedThrough);
    // Rows keep their own unread marks; the count now comes from the server.
    this.#unreadKnown.clear();
    for (const entry of this.#entries) for (const id of entry.unreadIds) this.#knowUnread(id);
    this.#forgotUnread = true;
  }

  /** Removes a row (dismissed toast); its notifications stay known, so a replay does not bring it back. */
  remove(entry: FeedEntry): void {
    this.#entries = this.#entries.filter((candidate) => candidate !== entry);
    for (const id of entry.ids) this.#byId.delete(id);
    if (this.#entries.length === 0) this.#hidden = 0;
  }

  /** Counts notifications that never became rows (a burst trimmed before it was listed). */
  addHidden(count: number): void {
    this.#hidden += count;
  }

  /** Forgets every row and count (the server's log was replaced). */
  clear(): void {
    this.#entries = [];
    this.#byId.clear();
    this.#recent.clear();
    this.#unreadKnown.clear();
    this.#forgotUnread = false;
    this.#unread = 0;
    this.#hidden = 0;
    this.#countedThrough = -1;
  }

  /** Applies the cap again (after `max` changed). */
  applyCap(): void {
    this.#applyCap();
  }

  #apply(state: NotificationState, target: readonly string[] | 'all'): Change {
    const ids = target === 'all' ? null : new Set(target);
    const hits = (entry: FeedEntry): boolean => !ids || entry.ids.some((id) => ids.has(id));
    const change: Change = { lowered: 0, known: [], rows: [], seen: [], archived: [] };
    if (state === 'seen') {
      for (const entry of this.#entries) {
        if (entry.seen || !hits(entry)) continue;
        entry.seen = true;
        change.seen.push(entry);
      }
      return change;
    }
    for (const id of [...this.#unreadKnown]) {
      if (ids && !ids.has(id)) continue;
      this.#unreadKnown.delete(id);
      change.known.push(id);
    }
    for (const entry of this.#entries) {
      const cleared = [...entry.unreadIds].filter((id) => !ids || ids.has(id));
      if (cleared.length === 0) continue;
      for (const id of cleared) entry.unreadIds.delete(id);
      change.rows.push([entry, cleared]);
    }
    // "All" also reaches unread ones the feed never held (older than anything loaded).
    change.lowered = target === 'all' ? this.#unread : Math.min(this.#unread, change.known.length);
    this.#unread -= change.lowered;
    if (state === 'archived') {
      change.archived = this.#entries.filter(hits);
      if (change.archived.length > 0) {
        const gone = new Set(change.archived);
        this.#entries = this.#entries.filter((entry) => !gone.has(entry));
        for (const entry of change.archived) for (const id of entry.ids) this.#byId.delete(id);
      }
    }
    return change;
  }

  #groupRow(notification: FeedNotification, now: number, window: number, fresh: readonly FeedEntry[]): FeedEntry | undefined {
    const group = notification.group;
    if (group === undefined) return undefined;
    const inGroup = (entry: FeedEntry): boolean => entry.notification.group === group && now - entry.lastAt <= window;
    // Rows of this same batch first: a burst of one group is one row.
    return fresh.findLast(inGroup) ?? this.#entries.find(inGroup);
  }

  #applyCap(): void {
    const cap = this.#cap();
    if (this.#entries.length <= cap) return;
    const dropped = this.#entries.slice(cap);
    this.#entries = this.#entries.slice(0, cap);
    this.#hidden += dropped.length;
    for (const entry of dropped) for (const id of entry.ids) this.#byId.delete(id);
  }

  #remember(id: string, seq: number): void {
    this.#recent.set(id, seq, true);
  }

  #knowUnread(id: string): void {
    // Bounded: a read of an id forgotten here cannot lower the count, so the caller asks the server
    // (see {@link NotificationInbox.knows}).
    const full = this.#unreadKnown.size >= RECENT_IDS;
    if (this.#unreadKnown.add(id) && full) this.#forgotUnread = true;
  }
}

/** What one {@link NotificationInbox.mark} changed, so a rollback undoes just that. */
interface Change {
  lowered: number;
  readonly known: string[];
  readonly rows: [FeedEntry, string[]][];
  readonly seen: FeedEntry[];
  archived: FeedEntry[];
}

// Rows without a seq (live ones from a transport that has none) stay on top.
function bySeqDescending(a: FeedEntry, b: FeedEntry): number {
  return (b.notification.seq ?? Infinity) - (a.notification.seq ?? Infinity);
}

function toFeedNotification(item: NotificationItem): FeedNotification {
  const { read: _read, seen: _seen, archived: _archived, ...rest } = item;
  return rest;
}
