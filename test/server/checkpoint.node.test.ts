import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mock, test } from 'node:test';
import Database from 'better-sqlite3';
import { checkpointWhenQuiet } from '../../server/checkpoint.js';

// The checkpoint's poll is a timer reading Date.now(): both are driven by hand.
const clock = () => mock.timers.enable({ apis: ['setInterval', 'Date'] });

/** A WAL database in a fresh directory, with the size of its main file (what a checkpoint writes to). */
async function walDatabase() {
  const dir = await mkdtemp(path.join(tmpdir(), 'rt-checkpoint-'));
  const file = path.join(dir, 'test.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return {
    db,
    mainFileSize: () => statSync(file).size,
    async dispose() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

test('SQLite checkpoints no more inside commits; the log is checkpointed once the commits stop', async () => {
  const t = await walDatabase();
  clock();
  const stop = checkpointWhenQuiet(t.db, { quietMs: 40 });
  try {
    assert.equal(t.db.pragma('wal_autocheckpoint', { simple: true }), 0);
    t.db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = t.db.prepare('INSERT INTO rows (body) VALUES (?)');
    const before = t.mainFileSize();
    // Far past the 1,000 pages at which SQLite would have checkpointed inside a commit.
    for (let i = 0; i < 1500; i += 1) insert.run('x'.repeat(3000));
    assert.equal(t.mainFileSize(), before, 'no commit checkpointed');
    mock.timers.tick(40); // the poll sees the commits
    assert.equal(t.mainFileSize(), before, 'not while commits still come');
    mock.timers.tick(40); // and then none
    assert.ok(t.mainFileSize() > before, 'checkpointed once quiet');
  } finally {
    stop();
    mock.timers.reset();
    await t.dispose();
  }
});

test('steady writing is checkpointed after maxDelayMs, without waiting for a pause', async () => {
  const t = await walDatabase();
  clock();
  const stop = checkpointWhenQuiet(t.db, { quietMs: 30, maxDelayMs: 150 });
  try {
    t.db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = t.db.prepare('INSERT INTO rows (body) VALUES (?)');
    const before = t.mainFileSize();
    // A commit every 10 ms for 600 ms: never quiet for a whole poll.
    let checkpointedAt: number | null = null;
    for (let at = 10; at <= 600; at += 10) {
      insert.run('x'.repeat(3000));
      mock.timers.tick(10);
      if (checkpointedAt === null && t.mainFileSize() > before) checkpointedAt = at;
    }
    assert.ok(checkpointedAt !== null, 'checkpointed while writing');
    assert.ok(checkpointedAt >= 150 && checkpointedAt <= 210, `checkpointed at ${checkpointedAt} ms`);
  } finally {
    stop();
    mock.timers.reset();
    await t.dispose();
  }
});
