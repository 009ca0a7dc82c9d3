// LeaderElection with in-memory Web Locks: each instance plays one tab.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LeaderElection } from '../../src/services/leader.js';
import { FakeLocks } from './tab-sync-fakes.js';

describe('LeaderElection', () => {
  let clock: sinon.SinonFakeTimers;
  const made: LeaderElection[] = [];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  afterEach(() => {
    for (const election of made.splice(0)) election.close();
    clock.restore();
  });

  function elect(locks: FakeLocks | null, name = 'leader') {
    const election = new LeaderElection({ name, locks });
    made.push(election);
    const changes: boolean[] = [];
    election.onChange((leader) => changes.push(leader));
    election.start();
    return { election, changes };
  }

  test('the first tab leads, the others wait; when it closes the next one in line takes over', async () => {
    const locks = new FakeLocks();
    const a = elect(locks);
    const b = elect(locks);
    const c = elect(locks);
    await clock.runAllAsync();
    assert.deepEqual([a.election.isLeader, b.election.isLeader, c.election.isLeader], [true, false, false]);
    a.election.close();
    await clock.runAllAsync();
    assert.deepEqual(a.changes, [true, false]);
    assert.deepEqual([b.election.isLeader, c.election.isLeader], [true, false]);
    b.election.close();
    await clock.runAllAsync();
    assert.equal(c.election.isLeader, true);
    await c.election.whenLeader();
  });

  test('a tab that leaves while waiting never leads and does not hold up the line', async () => {
    const locks = new FakeLocks();
    const a = elect(locks);
    const b = elect(locks);
    const c = elect(locks);
    await clock.runAllAsync();
    b.election.close();
    a.election.close();
    await clock.runAllAsync();
    assert.deepEqual(b.changes, []);
    assert.equal(c.election.isLeader, true);
  });

  test('separate names elect separate leaders; start twice is harmless', async () => {
    const locks = new FakeLocks();
    const a = elect(locks, 'one');
    const b = elect(locks, 'two');
    a.election.start();
    await clock.runAllAsync();
    assert.equal(a.election.isLeader && b.election.isLeader, true);
    assert.equal(locks.granted, 2);
  });

  test('without Web Locks every tab leads itself', () => {
    const a = elect(null);
    assert.equal(a.election.mode, 'solo');
    assert.equal(a.election.isLeader, true);
    assert.deepEqual(a.changes, [true]);
  });
});

test('the tab, auth, leader and worker modules import in Node without touching globals or randomness', async () => {
  const random = Math.random;
  const randomUUID = globalThis.crypto.randomUUID.bind(globalThis.crypto);
  let calls = 0;
  Math.random = () => {
    calls += 1;
    return random();
  };
  globalThis.crypto.randomUUID = () => {
    calls += 1;
    return randomUUID();
  };
  try {
    const modules = await Promise.all([
      import('../../src/services/tab-sync.js'),
      import('../../src/services/auth-sync.js'),
      import('../../src/services/leader.js'),
      import('../../src/services/worker-pool.js'),
      import('../../src/workers/data-ops.js'),
    ]);
    assert.equal(modules.length, 5);
    assert.equal(calls, 0);
  } finally {
    Math.random = random;
    globalThis.crypto.randomUUID = randomUUID;
  }
});
