// AuthSync in Chromium: two instances on separate channel scopes act as two tabs, sharing the
// real BroadcastChannel and the real Web Locks (`navigator.locks`).
import { expect, waitUntil } from '@open-wc/testing';
import { AuthSync, type AuthSyncEvents } from '../../src/services/auth-sync.js';

describe('AuthSync in the browser', () => {
  const made: AuthSync[] = [];
  let name = '';
  beforeEach(() => {
    name = `auth-test-${Math.random()}`;
  });
  afterEach(() => {
    for (const auth of made.splice(0)) auth.close();
  });

  function tab(refresh: () => Promise<string>, scope: object = {}) {
    const auth = new AuthSync({ name, refresh, token: 'expired', handoffMs: 300, channel: { scope, events: null, storage: null } });
    made.push(auth);
    const events: { [K in keyof AuthSyncEvents]: AuthSyncEvents[K][] } = { logout: [], login: [], token: [] };
    auth.on('logout', (event) => events.logout.push(event));
    auth.on('login', (event) => events.login.push(event));
    auth.on('token', (event) => events.token.push(event));
    return { auth, events };
  }

  it('C13: tokens expire in two tabs at once; exactly one refresh request runs and both get its token', async () => {
    let requests = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const refresh = async () => {
      requests += 1;
      await gate;
      return `fresh-${requests}`;
    };
    const a = tab(refresh);
    const b = tab(refresh);
    const both = Promise.all([a.auth.getToken({ refresh: true }), b.auth.getToken({ refresh: true })]);
    await waitUntil(() => requests === 1, 'one tab started the refresh');
    // The other tab is queued on the lock meanwhile.
    const state = await navigator.locks.query();
    expect(state.pending?.filter((lock) => lock.name === `${name}:refresh`).length).to.equal(1);
    release();
    expect(await both).to.deep.equal(['fresh-1', 'fresh-1']);
    expect(requests).to.equal(1);
    expect(a.events.token.length + b.events.token.length).to.equal(2);
    expect(a.events.logout.length + b.events.logout.length).to.equal(0);
  });

  it('C13: five tabs refreshing at once still make one request', async () => {
    let requests = 0;
    const refresh = async () => `t${++requests}`;
    const tabs = Array.from({ length: 5 }, () => tab(refresh));
    const tokens = await Promise.all(tabs.map(({ auth }) => auth.refresh()));
    expect(new Set(tokens)).to.deep.equal(new Set(['t1']));
    expect(requests).to.equal(1);
  });

  it('C14, C15: logout in one tab reaches every tab once, the page decides what to do', async () => {
    const tabA = {};
    const a1 = tab(() => Promise.reject(new Error('unused')), tabA);
    const a2 = tab(() => Promise.reject(new Error('unused')), tabA);
    const b = tab(() => Promise.reject(new Error('unused')));
    const href = location.href;
    a1.auth.logout('user');
    await waitUntil(() => b.events.logout.length === 1, 'tab B heard the logout');
    expect(a1.events.logout).to.deep.equal([{ reason: 'user', local: true }]);
    expect(a2.events.logout).to.deep.equal([{ reason: 'user', local: true }]);
    expect(b.events.logout).to.deep.equal([{ reason: 'user', local: false }]);
    expect(b.auth.token).to.equal(null);
    expect(location.href).to.equal(href);
  });

  it('C13: when the refreshing tab closes mid-refresh (a real second document), another tab refreshes instead', async () => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const other = frame.contentWindow as Window & typeof globalThis;
    let started = 0;
    const inFrame = new AuthSync({
      name,
      token: 'expired',
      // Never answers: the tab goes away while its request is in flight.
      refresh: () => {
        started += 1;
        return new Promise<string>(() => {});
      },
      locks: other.navigator.locks,
      channel: { BroadcastChannel: other.BroadcastChannel, scope: other, events: null, storage: null },
    });
    let requests = 0;
    const here = tab(async () => `here-${++requests}`);
    const stuck = inFrame.refresh().catch(() => 'gone');
    await waitUntil(() => started === 1, 'the frame holds the lock and refreshes');
    const waiting = here.auth.refresh();
    const closedAt = performance.now();
    frame.remove();
    expect(await waiting).to.equal('here-1');
    expect(requests).to.equal(1);
    // It heard the closed tab announce its refresh, so it waited handoffMs for an answer first.
    expect(performance.now() - closedAt).to.be.at.least(290);
    inFrame.close();
    expect(await Promise.race([stuck, Promise.resolve('pending')])).to.equal('pending');
  });
});

