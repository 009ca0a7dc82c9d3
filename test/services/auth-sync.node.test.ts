// AuthSync with in-memory channels, locks and storage: each `scope` plays one tab.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { AuthLoggedOutError, AuthSync, type AuthSyncOptions, type AuthSyncEvents, type LockManagerLike } from '../../src/services/auth-sync.js';
import { FakeBroadcastChannel, FakeLocks, FakeOrigin, type FakeTab } from './tab-sync-fakes.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

let ids = 0;

describe('AuthSync', () => {
  let clock: sinon.SinonFakeTimers;
  let origin: FakeOrigin;
  const made: AuthSync[] = [];

  beforeEach(() => {
    FakeBroadcastChannel.reset();
    origin = new FakeOrigin();
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  afterEach(() => {
    for (const auth of made.splice(0)) auth.close();
    clock.restore();
  });

  /** One tab: its own channel scope and event target, sharing the origin's storage and locks. */
  function tab(options: Partial<AuthSyncOptions> & { locks?: LockManagerLike | null; page?: FakeTab; broadcast?: boolean } = {}) {
    const page = options.page ?? origin.tab();
    const auth = new AuthSync({
      refresh: options.refresh ?? (() => Promise.reject(new Error('no refresh planned'))),
      token: 'old',
      clock: { now: () => Date.now(), setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as number) },
      storage: page.storage,
      randomId: () => `tab${++ids}`,
      channel: { BroadcastChannel: options.broadcast === false ? null : FakeBroadcastChannel, storage: page.storage, events: page, scope: page },
      ...options,
    });
    made.push(auth);
    const events: { [K in keyof AuthSyncEvents]: AuthSyncEvents[K][] } = { logout: [], login: [], token: [] };
    auth.on('logout', (event) => events.logout.push(event));
    auth.on('login', (event) => events.login.push(event));
    auth.on('token', (event) => events.token.push(event));
    return { auth, events, page };
  }

  test('C13: two tabs whose tokens expire together make exactly one refresh request; the other takes its result', async () => {
    const locks = new FakeLocks();
    let requests = 0;
    const answer = deferred<{ token: string; expiresAt: number }>();
    const refresh = () => {
      requests += 1;
      return answer.promise;
    };
    const a = tab({ locks, refresh });
    const b = tab({ locks, refresh });
    const fromA = Promise.resolve(a.auth.getToken({ refresh: true }));
    const fromB = Promise.resolve(b.auth.getToken({ refresh: true }));
    await clock.tickAsync(10);
    assert.equal(requests, 1);
    answer.resolve({ token: 'new', expiresAt: 2_000_000 });
    await clock.runAllAsync();
    assert.deepEqual(await Promise.all([fromA, fromB]), ['new', 'new']);
    assert.equal(requests, 1);
    assert.equal(a.auth.token, 'new');
    assert.equal(b.auth.token, 'new');
    assert.deepEqual(a.events.token, [{ token: 'new', expiresAt: 2_000_000, local: true }]);
    assert.deepEqual(b.events.token, [{ token: 'new', expiresAt: 2_000_000, local: false }]);
    assert.equal(a.events.logout.length + b.events.logout.length, 0, 'nobody is logged out');
  });

  test('C13: callers in one tab share one refresh, and a token a sibling just refreshed is reused', async () => {
    const locks = new FakeLocks();
    let requests = 0;
    const a = tab({ locks, refresh: async () => `t${++requests}` });
    const b = tab({ locks, refresh: async () => `t${++requests}` });
    const first = a.auth.refresh();
    const second = a.auth.refresh();
    await clock.runAllAsync();
    assert.equal(await first, 't1');
    assert.equal(await second, 't1');
    // B's socket was refused with the old token after A's refresh landed: B takes A's token.
    assert.equal(await b.auth.getToken({ refresh: true }), 't1');
    assert.equal(requests, 1);
    clock.tick(6_000);
    const later = Promise.resolve(b.auth.getToken({ refresh: true }));
    await clock.runAllAsync();
    assert.equal(await later, 't2');
  });

  test('C13: a tab that gets the lock after another announced a refresh waits for its answer', async () => {
    const locks = new FakeLocks();
    let requests = 0;
    const a = tab({ locks, refresh: async () => `t${++requests}` });
    const b = tab({ locks, refresh: async () => `t${++requests}` });
    // B heard that another tab is refreshing, but that tab's answer has not arrived.
    const raw = new FakeBroadcastChannel('rt-auth');
    raw.postMessage({ rt: 'tab-sync', id: 'ghost:1', from: 'ghost', data: { type: 'auth.refreshing' } });
    await clock.tickAsync(1);
    const fromB = b.auth.refresh();
    await clock.tickAsync(100);
    assert.equal(requests, 0, 'B waits for the announced answer');
    raw.postMessage({ rt: 'tab-sync', id: 'ghost:2', from: 'ghost', data: { type: 'auth.token', token: 'ghost-token', expiresAt: null } });
    await clock.runAllAsync();
    assert.equal(await fromB, 'ghost-token');
    assert.equal(a.auth.token, 'ghost-token');
    assert.equal(requests, 0);
    raw.close();
  });

  test('a tab that announced a refresh and died is waited for only up to handoffMs', async () => {
    const locks = new FakeLocks();
    let requests = 0;
    const b = tab({ locks, handoffMs: 1_000, refresh: async () => `t${++requests}` });
    const raw = new FakeBroadcastChannel('rt-auth');
    raw.postMessage({ rt: 'tab-sync', id: 'ghost:1', from: 'ghost', data: { type: 'auth.refreshing' } });
    await clock.tickAsync(1);
    const fromB = b.auth.refresh();
    await clock.tickAsync(999);
    assert.equal(requests, 0);
    await clock.tickAsync(10);
    assert.equal(await fromB, 't1');
    raw.close();
  });

  test('C13 without Web Locks: a storage lease still lets one tab refresh', async () => {
    let requests = 0;
    const answer = deferred<string>();
    const refresh = () => {
      requests += 1;
      return answer.promise;
    };
    const a = tab({ locks: null, refresh });
    const b = tab({ locks: null, refresh });
    const fromA = a.auth.refresh();
    const fromB = b.auth.refresh();
    await clock.tickAsync(500);
    assert.equal(requests, 1);
    answer.resolve('leased');
    await clock.runAllAsync();
    assert.deepEqual(await Promise.all([fromA, fromB]), ['leased', 'leased']);
    assert.equal(requests, 1);
    assert.equal(origin.map.size, 0, 'the lease is released');
  });

  test('C13 without BroadcastChannel and Web Locks: storage carries the token and the lease', async () => {
    let requests = 0;
    const refresh = async () => `s${++requests}`;
    const a = tab({ locks: null, broadcast: false, refresh });
    const b = tab({ locks: null, broadcast: false, refresh });
    assert.equal(a.auth.tabSync.transport, 'storage');
    const both = Promise.all([a.auth.refresh(), b.auth.refresh()]);
    await clock.runAllAsync();
    assert.deepEqual(await both, ['s1', 's1']);
    assert.equal(requests, 1);
  });

  test('a failed refresh rejects the tab that ran it; a waiting tab then tries itself', async () => {
    const locks = new FakeLocks();
    let requests = 0;
    const a = tab({ locks, refresh: async () => { requests += 1; throw new Error('refresh 500'); } });
    const b = tab({ locks, refresh: async () => `b${++requests}` });
    const fromA = a.auth.refresh();
    const fromB = b.auth.refresh();
    const settledA = fromA.catch((error: Error) => error.message);
    await clock.runAllAsync();
    assert.equal(await settledA, 'refresh 500');
    assert.equal(await fromB, 'b2');
    assert.equal(a.auth.token, 'b2');
  });

  test('C14, C15: logout in one tab tells every tab once, this one included, and navigates nowhere', async () => {
    const locks = new FakeLocks();
    const tabA = origin.tab();
    const a1 = tab({ locks, page: tabA });
    const a2 = tab({ locks, page: tabA });
    const b = tab({ locks });
    a1.auth.logout('user');
    await clock.runAllAsync();
    assert.deepEqual(a1.events.logout, [{ reason: 'user', local: true }]);
    assert.deepEqual(a2.events.logout, [{ reason: 'user', local: true }]);
    assert.deepEqual(b.events.logout, [{ reason: 'user', local: false }]);
    assert.equal(b.auth.token, null);
    assert.equal(b.auth.getToken({ refresh: false }), null);
  });

  test('C14: logout then pagehide: later posts are silent, the channel closed once, nothing thrown', async () => {
    const locks = new FakeLocks();
    const a = tab({ locks });
    const b = tab({ locks });
    a.auth.logout(null);
    a.page.fire('pagehide', { persisted: false });
    a.auth.logout('again');
    a.auth.login('late');
    await clock.runAllAsync();
    assert.equal(b.events.logout.length, 1);
    assert.equal(b.events.login.length, 0);
    assert.equal(FakeBroadcastChannel.closeCalls, 1);
    a.auth.close();
    a.auth.close();
    assert.equal(FakeBroadcastChannel.closeCalls, 1);
  });

  test('login in one tab gives every tab the token', async () => {
    const a = tab({ locks: new FakeLocks() });
    const b = tab({ locks: new FakeLocks() });
    a.auth.login({ token: 'fresh', expiresAt: 5 }, 'u1');
    await clock.runAllAsync();
    assert.equal(b.auth.token, 'fresh');
    assert.deepEqual(b.events.login, [{ token: 'fresh', expiresAt: 5, userId: 'u1', local: false }]);
    assert.equal(a.events.login.length, 1);
  });

  test('a logout while a refresh waits for the lock ends it with AuthLoggedOutError', async () => {
    const locks = new FakeLocks();
    const answer = deferred<string>();
    const a = tab({ locks, refresh: () => answer.promise });
    const b = tab({ locks, refresh: () => answer.promise });
    const fromA = a.auth.refresh().catch((error: unknown) => error);
    const fromB = b.auth.refresh().catch((error: unknown) => error);
    await clock.tickAsync(5);
    a.auth.logout('user');
    await clock.runAllAsync();
    assert.ok((await fromB) instanceof AuthLoggedOutError);
    assert.ok((await fromA) instanceof AuthLoggedOutError);
    answer.resolve('too-late');
    await clock.runAllAsync();
    assert.equal(a.auth.token, null, 'a refresh answered after the logout does not log the tab back in');
    assert.equal(b.auth.token, null);
  });

  test('messages from other tabs that are not auth messages are ignored', async () => {
    const a = tab({ locks: new FakeLocks() });
    const raw = new FakeBroadcastChannel('rt-auth');
    raw.postMessage({ rt: 'tab-sync', id: 'x:1', from: 'x', data: { type: 'auth.token', token: 42 } });
    raw.postMessage({ rt: 'tab-sync', id: 'x:2', from: 'x', data: { type: 'auth.logout', reason: {} } });
    await clock.runAllAsync();
    raw.close();
    assert.equal(a.auth.token, 'old');
    assert.equal(a.events.logout.length, 0);
  });
});
