import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { checkpointWhenQuiet } from './checkpoint.js';

/** One event of the ordered log as stored. `to` limits delivery to one user; null means everyone. */
export interface LoggedEvent {
  readonly seq: number;
  readonly type: string;
  readonly ts: number;
  readonly payload: Record<string, unknown>;
  readonly to: string | null;
}

/** What publishing needs besides the payload. */
export interface AppendInput {
  readonly type: string;
  readonly payload: Record<string, unknown>;
  readonly ts: number;
  /** Only this user may receive the event. */
  readonly to?: string | null;
  /** The item id (`payload.id`) when the event creates a listable item. */
  readonly itemId?: string | null;
}

/** A notification row with the asking user's flags. */
export interface NotificationRow extends LoggedEvent {
  readonly read: boolean;
  readonly seen: boolean;
  readonly archived: boolean;
}

/**
 * What a publisher's `Idempotency-Key` stands for. The item id is chosen (and stored) before the
 * event is published, so a crash between the two leaves a key whose event can still be found by id.
 */
export interface IdempotencyRecord {
  /** The route family the key belongs to (`activities`, `notifications`). */
  readonly scope: string;
  readonly key: string;
  /** Hash of the request body, so a key reused for another body is refused. */
  readonly fingerprint: string;
  readonly itemId: string;
  /** The published event's seq; null until the publish is recorded. */
  readonly seq: number | null;
  readonly createdAt: number;
}

/** What claiming a key needs: the key, the body's fingerprint, the id to use if the key is new. */
export interface IdempotencyClaim {
  readonly scope: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly itemId: string;
  readonly now: number;
  /** Keys older than this are forgotten (and reusable). */
  readonly ttlMs: number;
}

/** Per-user notification states. */
export type NotificationFlag = 'read' | 'seen' | 'archived';

/** The durable part of the server: epoch, ordered event log, per-user notification state. */
export interface Store {
  readonly db: Database.Database;
  /** Changes only when the log is created anew (a fresh data directory). */
  readonly epoch: string;
  append(input: AppendInput): LoggedEvent;
  /** Newest seq ever written; 0 for an empty log. */
  head(): number;
  /** Oldest retained seq; `head() + 1` when nothing is retained. */
  oldest(): number;
  /** Events with seq > `seq`, oldest first. */
  after(seq: number, limit: number): LoggedEvent[];
  /** A page of one type, newest first, seq < before. `visibleTo` filters `to` (null: only events for everyone). */
  page(type: string, before: number | null, limit: number, visibleTo?: string | null): LoggedEvent[];
  notificationPage(before: number | null, limit: number, user: string | null): NotificationRow[];
  /** How many notifications visible to `user` are neither read nor archived (null: public ones, all unread). */
  unreadCount(user: string | null): number;
  /** Sets a flag on the user's notifications (by item id, or all visible ones); returns how many rows changed. */
  markNotifications(user: string, flag: NotificationFlag, ids: readonly string[] | 'all'): number;
  /**
   * Returns the live record of `claim.key` in its scope, or stores a new one from `claim` (then
   * `fresh` is true). Expired keys are dropped on the way. Committed before it returns, so it
   * survives a crash of the process.
   */
  claimIdempotencyKey(claim: IdempotencyClaim): { readonly record: IdempotencyRecord; readonly fresh: boolean };
  /** Records the seq a claimed key's publish got. */
  settleIdempotencyKey(scope: string, key: string, seq: number): void;
  /** The seq of the event that created item `itemId`, if it is still in the log. */
  seqOfItem(itemId: string): number | null;
  close(): void;
}

/** Where the database lives and how much of the log it keeps. */
export interface StoreOptions {
  readonly dataDir: string;
  /** Events kept in the log; older ones are trimmed on append. */
  readonly retain: number;
}

interface EventRow {
  seq: number;
  type: string;
  ts: number;
  payload: string;
  to_user: string | null;
}

interface IdempotencyRow {
  scope: string;
  key: string;
  fingerprint: string;
  item_id: string;
  seq: number | null;
  created_at: number;
}

function toRecord(row: IdempotencyRow): IdempotencyRecord {
  return { scope: row.scope, key: row.key, fingerprint: row.fingerprint, itemId: row.item_id, seq: row.seq, createdAt: row.created_at };
}

interface NotificationJoinRow extends EventRow {
  read: number | null;
  seen: number | null;
  archived: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  payload TEXT NOT NULL,
  to_user TEXT,
  item_id TEXT
);
CREATE INDEX IF NOT EXISTS events_type_seq ON events (type, seq);
CREATE INDEX IF NOT EXISTS events_item ON events (item_id);
CREATE TABLE IF NOT EXISTS notification_state (
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  read INTEGER NOT NULL DEFAULT 0,
  seen INTEGER NOT NULL DEFAULT 0,
  archived INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, seq)
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  item_id TEXT NOT NULL,
  seq INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at);
`;

/** A new epoch: short, unique enough, and never containing ':' (the cursor separator). */
function newEpoch(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

function toEvent(row: EventRow): LoggedEvent {
  return { seq: row.seq, type: row.type, ts: row.ts, payload: JSON.parse(row.payload) as Record<string, unknown>, to: row.to_user };
}

/** Opens (creating when missing) `<dataDir>/realtime.db` in WAL mode. */
export function openStore(options: StoreOptions): Store {
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(path.join(options.dataDir, 'realtime.db'));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives process crashes; only a power cut may lose the last commits.
  db.pragma('synchronous = NORMAL');
  // Not SQLite's automatic checkpoint, which stalls the event loop in the middle of a burst of commits.
  const stopCheckpoints = checkpointWhenQuiet(db);
  db.exec(SCHEMA);

  const readMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  let epoch = readMeta.get('epoch')?.value;
  if (!epoch) {
    epoch = newEpoch();
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('epoch', epoch);
  }

  // AUTOINCREMENT keeps seq growing even when trimming empties the table, so a seq is never reused.
  const headRow = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get();
  let head = headRow?.seq ?? 0;

  const insert = db.prepare('INSERT INTO events (type, ts, payload, to_user, item_id) VALUES (?, ?, ?, ?, ?)');
  const trimEvents = db.prepare('DELETE FROM events WHERE seq <= ?');
  const trimState = db.prepare('DELETE FROM notification_state WHERE seq <= ?');
  const oldestRow = db.prepare<[], { seq: number | null }>('SELECT MIN(seq) AS seq FROM events');
  const afterRows = db.prepare<[number, number], EventRow>(
    'SELECT seq, type, ts, payload, to_user FROM events WHERE seq > ? ORDER BY seq ASC LIMIT ?',
  );
  const pageAll = db.prepare<[string, number, number], EventRow>(
    'SELECT seq, type, ts, payload, to_user FROM events WHERE type = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );
  const pageFor = db.prepare<[string, number, string, number], EventRow>(
    'SELECT seq, type, ts, payload, to_user FROM events WHERE type = ? AND seq < ? AND (to_user IS NULL OR to_user = ?) ORDER BY seq DESC LIMIT ?',
  );
  const pagePublic = db.prepare<[string, number, number], EventRow>(
    'SELECT seq, type, ts, payload, to_user FROM events WHERE type = ? AND seq < ? AND to_user IS NULL ORDER BY seq DESC LIMIT ?',
  );
  const notificationRows = db.prepare<[string, number, string, number], NotificationJoinRow>(
    `SELECT e.seq, e.type, e.ts, e.payload, e.to_user, s.read, s.seen, s.archived
     FROM events e LEFT JOIN notification_state s ON s.seq = e.seq AND s.user_id = ?
     WHERE e.type = 'notification.new' AND e.seq < ? AND (e.to_user IS NULL OR e.to_user = ?)
     ORDER BY e.seq DESC LIMIT ?`,
  );
  const unreadFor = db.prepare<[string, string], { n: number }>(
    `SELECT COUNT(*) AS n FROM events e LEFT JOIN notification_state s ON s.seq = e.seq AND s.user_id = ?
     WHERE e.type = 'notification.new' AND (e.to_user IS NULL OR e.to_user = ?)
       AND COALESCE(s.read, 0) = 0 AND COALESCE(s.archived, 0) = 0`,
  );
  const unreadPublic = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM events WHERE type = 'notification.new' AND to_user IS NULL",
  );
  const visibleSeqsById = db.prepare<[string, string], { seq: number }>(
    "SELECT seq FROM events WHERE type = 'notification.new' AND item_id = ? AND (to_user IS NULL OR to_user = ?)",
  );
  const visibleSeqsAll = db.prepare<[string], { seq: number }>(
    "SELECT seq FROM events WHERE type = 'notification.new' AND (to_user IS NULL OR to_user = ?)",
  );
  const flagStatements = {
    read: db.prepare(
      'INSERT INTO notification_state (user_id, seq, read) VALUES (?, ?, 1) ON CONFLICT (user_id, seq) DO UPDATE SET read = 1 WHERE read = 0',
    ),
    seen: db.prepare(
      'INSERT INTO notification_state (user_id, seq, seen) VALUES (?, ?, 1) ON CONFLICT (user_id, seq) DO UPDATE SET seen = 1 WHERE seen = 0',
    ),
    archived: db.prepare(
      'INSERT INTO notification_state (user_id, seq, archived) VALUES (?, ?, 1) ON CONFLICT (user_id, seq) DO UPDATE SET archived = 1 WHERE archived = 0',
    ),
  } as const;

  const appendTx = db.transaction((input: AppendInput): LoggedEvent => {
    const result = insert.run(input.type, input.ts, JSON.stringify(input.payload), input.to ?? null, input.itemId ?? null);
    const seq = Number(result.lastInsertRowid);
    const cutoff = seq - options.retain;
    if (cutoff > 0) {
      trimEvents.run(cutoff);
      trimState.run(cutoff);
    }
    return { seq, type: input.type, ts: input.ts, payload: input.payload, to: input.to ?? null };
  });

  const expireKeys = db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at < ?');
  const readKey = db.prepare<[string, string], IdempotencyRow>(
    'SELECT scope, key, fingerprint, item_id, seq, created_at FROM idempotency_keys WHERE scope = ? AND key = ?',
  );
  const insertKey = db.prepare<[string, string, string, string, number]>(
    'INSERT INTO idempotency_keys (scope, key, fingerprint, item_id, seq, created_at) VALUES (?, ?, ?, ?, NULL, ?)',
  );
  const settleKey = db.prepare<[number, string, string]>('UPDATE idempotency_keys SET seq = ? WHERE scope = ? AND key = ?');
  const itemSeq = db.prepare<[string], { seq: number }>('SELECT seq FROM events WHERE item_id = ? ORDER BY seq ASC LIMIT 1');

  const claimTx = db.transaction((claim: IdempotencyClaim): { record: IdempotencyRecord; fresh: boolean } => {
    expireKeys.run(claim.now - claim.ttlMs);
    const existing = readKey.get(claim.scope, claim.key);
    if (existing) return { record: toRecord(existing), fresh: false };
    insertKey.run(claim.scope, claim.key, claim.fingerprint, claim.itemId, claim.now);
    return {
      record: { scope: claim.scope, key: claim.key, fingerprint: claim.fingerprint, itemId: claim.itemId, seq: null, createdAt: claim.now },
      fresh: true,
    };
  });

  const markTx = db.transaction((user: string, flag: NotificationFlag, ids: readonly string[] | 'all'): number => {
    const seqs = ids === 'all' ? visibleSeqsAll.all(user) : ids.flatMap((id) => visibleSeqsById.all(id, user));
    let changed = 0;
    for (const { seq } of seqs) changed += flagStatements[flag].run(user, seq).changes;
    return changed;
  });

  const beforeValue = (before: number | null): number => before ?? Number.MAX_SAFE_INTEGER;

  return {
    db,
    epoch,
    append(input) {
      const event = appendTx(input);
      head = event.seq;
      return event;
    },
    head: () => head,
    oldest: () => oldestRow.get()?.seq ?? head + 1,
    after: (seq, limit) => afterRows.all(seq, limit).map(toEvent),
    page(type, before, limit, visibleTo) {
      const rows =
        visibleTo === undefined
          ? pageAll.all(type, beforeValue(before), limit)
          : visibleTo === null
            ? pagePublic.all(type, beforeValue(before), limit)
            : pageFor.all(type, beforeValue(before), visibleTo, limit);
      return rows.map(toEvent);
    },
    notificationPage(before, limit, user) {
      if (user === null) {
        return pagePublic
          .all('notification.new', beforeValue(before), limit)
          .map((row) => ({ ...toEvent(row), read: false, seen: false, archived: false }));
      }
      return notificationRows.all(user, beforeValue(before), user, limit).map((row) => ({
        ...toEvent(row),
        read: row.read === 1,
        seen: row.seen === 1,
        archived: row.archived === 1,
      }));
    },
    unreadCount(user) {
      return (user === null ? unreadPublic.get() : unreadFor.get(user, user))?.n ?? 0;
    },
    markNotifications: (user, flag, ids) => markTx(user, flag, ids),
    claimIdempotencyKey: (claim) => claimTx(claim),
    settleIdempotencyKey(scope, key, seq) {
      settleKey.run(seq, scope, key);
    },
    seqOfItem: (itemId) => itemSeq.get(itemId)?.seq ?? null,
    close() {
      stopCheckpoints();
      if (db.open) db.close();
    },
  };
}
