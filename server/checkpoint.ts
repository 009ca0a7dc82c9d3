import type Database from 'better-sqlite3';

export interface QuietCheckpointOptions {
  /** A checkpoint runs once no commit came for this long (ms, default 500). */
  readonly quietMs?: number;
  /** Under steady writing, a checkpoint runs anyway this long after the first unsaved commit (ms, default 10,000), so the log stays bounded. */
  readonly maxDelayMs?: number;
}

/**
 * Moves the write-ahead log into the database file at quiet moments, instead of SQLite's automatic
 * checkpoint, which this turns off.
 *
 * Why: a checkpoint copies the log into the database file and syncs it, which takes tens of
 * milliseconds (over a hundred on a busy disk), and better-sqlite3 runs it in the event loop. The
 * automatic one runs inside whichever commit takes the log past 1,000 pages: in the middle of a
 * burst, such as someone typing in a shared document (a commit per keystroke), where every message
 * behind it waits. Here it runs once no commit came for `quietMs`, or `maxDelayMs` into steady
 * writing. Commits are seen through `total_changes()`, polled every `quietMs` (one tiny query).
 *
 * Returns the function that stops it (it does not close the database; closing checkpoints anyway).
 */
export function checkpointWhenQuiet(db: Database.Database, options: QuietCheckpointOptions = {}): () => void {
  const quietMs = options.quietMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  db.pragma('wal_autocheckpoint = 0');
  const totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  let seen = totalChanges.get() ?? 0;
  /** When the first commit not yet checkpointed was seen; null when the log holds nothing new. */
  let dirtySince: number | null = null;

  const checkpoint = (): void => {
    dirtySince = null;
    // PASSIVE: copies what it can without waiting for readers, never blocks a writer.
    db.pragma('wal_checkpoint(PASSIVE)');
  };
  const timer = setInterval(() => {
    if (!db.open) return;
    const changes = totalChanges.get() ?? 0;
    if (changes === seen) {
      if (dirtySince !== null) checkpoint();
      return;
    }
    seen = changes;
    const now = Date.now();
    dirtySince ??= now;
    if (now - dirtySince >= maxDelayMs) checkpoint();
  }, quietMs);
  // Never what keeps the process alive.
  timer.unref?.();
  return () => clearInterval(timer);
}
