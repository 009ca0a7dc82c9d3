// Tabs as same-origin iframes (test/support/shared-tab.html): each has its own document, so its own
// Web Locks holder and BroadcastChannel endpoint, and removing one is that tab closing. The server
// is the real reference server, which reports how many connections are open.
import { expect, waitUntil } from '@open-wc/testing';
import type { SharedTab } from '../support/shared-tab.js';
import { type SharedTestServer, startSharedServer } from '../support/shared-server.js';

interface Tab {
  readonly frame: HTMLIFrameElement;
  readonly tab: SharedTab;
}

const TAB_PAGE = new URL('../support/shared-tab.html', import.meta.url).pathname;

describe('<realtime-provider shared> across tabs', function () {
  this.timeout(60_000);
  let server: SharedTestServer;
  const frames: HTMLIFrameElement[] = [];

  afterEach(async () => {
    for (const frame of frames.splice(0)) frame.remove();
    await server?.dispose();
  });

  async function openTab(options: { shared: boolean; token?: boolean }): Promise<Tab> {
    const frame = document.createElement('iframe');
    const query = new URLSearchParams({ server: server.url, shared: options.shared ? '1' : '0', token: options.token ? '1' : '0' });
    frame.src = `${TAB_PAGE}?${query}`;
    frames.push(frame);
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as Window;
    await waitUntil(() => win.rtTab !== undefined, 'the tab page started', { timeout: 10_000 });
    return { frame, tab: win.rtTab! };
  }

  const allOpen = (tabs: Tab[]) => waitUntil(() => tabs.every(({ tab }) => tab.provider.state === 'open'), 'every tab is open', { timeout: 15_000 });

  async function websocketsBecome(count: number): Promise<void> {
    let last = -1;
    await waitUntil(
      async () => (last = (await server.connections()).websocket) === count,
      `the server should hold ${count} WebSocket connections`,
      { timeout: 15_000, interval: 50 },
    ).catch(() => {
      throw new Error(`the server holds ${last} WebSocket connections, expected ${count}`);
    });
  }

  it('two tabs with shared hold one server connection; without shared they hold two', async () => {
    server = await startSharedServer();
    const shared = [await openTab({ shared: true }), await openTab({ shared: true })];
    await allOpen(shared);
    await websocketsBecome(1);
    expect(shared.map(({ tab }) => tab.role()).sort()).to.deep.equal(['follower', 'leader']);
    for (const frame of frames.splice(0)) frame.remove();
    await websocketsBecome(0);

    const separate = [await openTab({ shared: false }), await openTab({ shared: false })];
    await allOpen(separate);
    await websocketsBecome(2);
    expect(separate.map(({ tab }) => tab.role())).to.deep.equal(['own', 'own']);
  });

  it('figure: five tabs hold one server connection with shared and five without', async () => {
    server = await startSharedServer();
    const counts: Record<string, number> = {};
    for (const shared of [true, false]) {
      const tabs: Tab[] = [];
      for (let i = 0; i < 5; i++) tabs.push(await openTab({ shared }));
      await allOpen(tabs);
      await websocketsBecome(shared ? 1 : 5);
      counts[shared ? 'shared' : 'separate'] = (await server.connections()).websocket;
      for (const frame of frames.splice(0)) frame.remove();
      await websocketsBecome(0);
    }
    // Printed for the closing note.
    console.log(`[figure] server WebSocket connections for 5 tabs: shared=${counts['shared']} separate=${counts['separate']}`);
    expect(counts).to.deep.equal({ shared: 1, separate: 5 });
  });

  it('every tab receives a published notification once, the follower through the leader', async () => {
    server = await startSharedServer();
    const tabs = [await openTab({ shared: true }), await openTab({ shared: true })];
    await allOpen(tabs);
    const seq = await server.publish('hello tabs');
    await waitUntil(() => tabs.every(({ tab }) => tab.received.length === 1), 'both tabs received it', { timeout: 10_000 });
    for (const { tab } of tabs) expect(tab.received).to.deep.equal([{ seq, title: 'hello tabs' }]);
  });

  it('hand-over: the leader tab closes, the other takes over and receives everything published meanwhile exactly once', async () => {
    server = await startSharedServer();
    const tabs = [await openTab({ shared: true }), await openTab({ shared: true })];
    await allOpen(tabs);
    await websocketsBecome(1);
    const leader = tabs.find(({ tab }) => tab.role() === 'leader')!;
    const follower = tabs.find(({ tab }) => tab.role() === 'follower')!;
    expect(leader, 'one tab leads').to.exist;
    expect(follower, 'one tab follows').to.exist;

    const seqs = [await server.publish('before')];
    await waitUntil(() => follower.tab.received.length === 1, 'the follower received the first one', { timeout: 10_000 });

    // The leader's tab closes; two notifications go out while nobody holds a connection.
    leader.frame.remove();
    frames.splice(frames.indexOf(leader.frame), 1);
    seqs.push(await server.publish('during 1'), await server.publish('during 2'));

    await waitUntil(() => follower.tab.role() === 'leader' && follower.tab.provider.state === 'open', 'the other tab took over', { timeout: 15_000 });
    await websocketsBecome(1);
    seqs.push(await server.publish('after'));
    await waitUntil(() => follower.tab.received.length >= 4, 'the new leader received all four', { timeout: 10_000 });
    expect(follower.tab.received).to.deep.equal([
      { seq: seqs[0], title: 'before' },
      { seq: seqs[1], title: 'during 1' },
      { seq: seqs[2], title: 'during 2' },
      { seq: seqs[3], title: 'after' },
    ]);
  });

  for (const shared of [false, true]) {
    it(`C14, C15: logout in one tab closes every connection in every tab and each provider fires realtime-logout (${shared ? 'shared' : 'one connection per tab'})`, async () => {
      server = await startSharedServer();
      const tabs = [await openTab({ shared }), await openTab({ shared })];
      await allOpen(tabs);
      await websocketsBecome(shared ? 1 : 2);
      tabs[1]!.tab.provider.logout('signed out');
      await waitUntil(() => tabs.every(({ tab }) => tab.logouts.length === 1), 'both tabs heard the logout', { timeout: 10_000 });
      expect(tabs[1]!.tab.logouts).to.deep.equal([{ reason: 'signed out', local: true }]);
      expect(tabs[0]!.tab.logouts).to.deep.equal([{ reason: 'signed out', local: false }]);
      for (const { tab } of tabs) expect(tab.provider.state).to.equal('closed');
      await websocketsBecome(0);
      // Nothing navigated: the pages are still the tab pages.
      for (const { frame } of tabs) expect(frame.contentWindow!.location.pathname).to.equal(TAB_PAGE);
    });
  }

  it('C13: tokens that expire in two tabs at once are refreshed by exactly one request, and both tabs reconnect with it', async () => {
    server = await startSharedServer({ auth: true });
    const tabs = [await openTab({ shared: false, token: true }), await openTab({ shared: false, token: true })];
    await allOpen(tabs);
    await websocketsBecome(2);
    expect(tabs.map(({ tab }) => tab.tokenCalls.refresh)).to.deep.equal([0, 0]);
    // tok-1 expires and both connections drop at the same moment: both tabs need a new token.
    await server.refuse('tok-1');
    await server.restart();
    await waitUntil(() => tabs.every(({ tab }) => tab.provider.state !== 'open'), 'both tabs lost the connection', { timeout: 10_000 });
    await waitUntil(() => tabs.every(({ tab }) => tab.provider.state === 'open'), 'both tabs reconnected', { timeout: 30_000 });
    await websocketsBecome(2);
    const refreshes = tabs.reduce((sum, { tab }) => sum + tab.tokenCalls.refresh, 0);
    expect(refreshes).to.equal(1);
    for (const { tab } of tabs) expect(tab.logouts).to.deep.equal([]);
  });
});
