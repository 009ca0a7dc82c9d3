// The provider's cross-tab auth (ProviderAuth over AuthSync) with in-memory tabs: each tab has its
// own channel scope; all share one FakeLocks.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { ProviderAuth } from '../../src/elements/realtime-provider/provider-auth.js';
import { FakeBroadcastChannel, FakeLocks } from '../services/tab-sync-fakes.js';

describe('ProviderAuth', () => {
  let clock: sinon.SinonFakeTimers;
  let locks: FakeLocks;
  const made: ProviderAuth[] = [];

  beforeEach(() => {
    FakeBroadcastChannel.reset();
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    locks = new FakeLocks();
  });

  afterEach(() => {
    for (const auth of made.splice(0)) auth.close();
    clock.restore();
  });

  function tab(page: (options: { refresh: boolean }) => Promise<string>) {
    const logouts: { reason: string | null; local: boolean }[] = [];
    const auth = new ProviderAuth({
      name: 'rt-auth:test',
      getToken: page,
      onLogout: (reason, local) => logouts.push({ reason, local }),
      auth: { channel: { BroadcastChannel: FakeBroadcastChannel, scope: {}, storage: null, events: null }, locks, storage: null },
    });
    made.push(auth);
    return { auth, logouts, getToken: auth.getToken! };
  }

  test('C13: a token refused long after another tab refreshed is answered with that tab\'s token, without a request', async () => {
    let requests = 0;
    const page = async ({ refresh }: { refresh: boolean }) => (refresh ? `tok-${++requests + 1}` : 'tok-1');
    const a = tab(page);
    const b = tab(page);
    assert.equal(await a.getToken({ refresh: false }), 'tok-1');
    assert.equal(await b.getToken({ refresh: false }), 'tok-1');
    const refreshed = a.getToken({ refresh: true });
    await clock.runAllAsync();
    assert.equal(await refreshed, 'tok-2');
    // Well past AuthSync's reuse window: tab B's socket only now finds tok-1 refused.
    await clock.tickAsync(60_000);
    assert.equal(await b.getToken({ refresh: true }), 'tok-2');
    assert.equal(requests, 1);
    // tok-2 refused in turn: now a refresh is due.
    const again = b.getToken({ refresh: true });
    await clock.runAllAsync();
    assert.equal(await again, 'tok-3');
    assert.equal(requests, 2);
  });

  test('C13: two tabs refused at the same moment make one request', async () => {
    let requests = 0;
    const page = async ({ refresh }: { refresh: boolean }) => (refresh ? `tok-${++requests + 1}` : 'tok-1');
    const a = tab(page);
    const b = tab(page);
    await a.getToken({ refresh: false });
    await b.getToken({ refresh: false });
    const both = Promise.all([a.getToken({ refresh: true }), b.getToken({ refresh: true })]);
    await clock.runAllAsync();
    assert.deepEqual(await both, ['tok-2', 'tok-2']);
    assert.equal(requests, 1);
  });

  test('C14, C15: logout in one tab reaches each tab once; after close nothing more arrives and nothing throws', async () => {
    const page = async () => 'tok-1';
    const a = tab(page);
    const b = tab(page);
    a.auth.logout('bye');
    await clock.runAllAsync();
    assert.deepEqual(a.logouts, [{ reason: 'bye', local: true }]);
    assert.deepEqual(b.logouts, [{ reason: 'bye', local: false }]);
    b.auth.close();
    a.auth.logout('again');
    await clock.runAllAsync();
    assert.equal(b.logouts.length, 1);
    assert.doesNotThrow(() => b.auth.logout('closed'));
  });
});
