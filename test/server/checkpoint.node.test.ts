import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { checkpointWhenQuiet } from '../../server/checkpoint.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  const stop = checkpointWhenQuiet(t.db, { quietMs: 40 });
  try {
    assert.equal(t.db.pragma('wal_autocheckpoint', { simple: true }), 0);
    t.db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = t.db.prepare('INSERT INTO rows (body) VALUES (?)');
    const before = t.mainFileSize();
    // Far past the 1,000 pages at which SQLite would have checkpointed inside a commit.
    for (let i = 0; i < 1500; i += 1) insert.run('x'.repeat(3000));
    assert.equal(t.mainFileSize(), before, 'no commit checkpointed');
    await sleep(200);
    assert.ok(t.mainFileSize() > before, 'checkpointed once quiet');
  } finally {
    stop();
    await t.dispose();
  }
});

test('steady writing is checkpointed after maxDelayMs, without waiting for a pause', async () => {
  const t = await walDatabase();
  const stop = checkpointWhenQuiet(t.db, { quietMs: 30, maxDelayMs: 150 });
  try {
    t.db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = t.db.prepare('INSERT INTO rows (body) VALUES (?)');
    const before = t.mainFileSize();
    let checkpointedWhileWriting = false;
    const until = Date.now() + 600;
    while (Date.now() < until) {
      insert.run('x'.repeat(3000));
      await sleep(5);
      if (t.mainFileSize() > before) checkpointedWhileWriting = true;
    }
    assert.ok(checkpointedWhileWriting);
  } finally {
    stop();
    await t.dispose();
  }
});
