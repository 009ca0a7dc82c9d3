import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

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
  /** Sets a flag on the user's notifications (by item id, or all visible ones); returns how many rows changed. */
  markNotifications(user: string, flag: NotificationFlag, ids: readonly string[] | 'all'): number;
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
    markNotifications: (user, flag, ids) => markTx(user, flag, ids),
    close() {
      if (db.open) db.close();
    },
  };
}
