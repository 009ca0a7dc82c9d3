// The provider's `shared` attribute and its cross-tab auth wiring. Providers in one page with the
// same `api` share logins and logouts exactly like providers in separate tabs (same channel name,
// the same Web Locks), so one page can show the wiring; test/integration/shared-connection.test.ts
// runs real tabs against the real server.
import { expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import '../../src/define/realtime-provider.js';
import { RealtimeProvider, type RealtimeServiceConfig, type RealtimeServices } from '../../src/elements/realtime-provider/realtime-provider.js';
import { RealtimeLogoutEvent } from '../../src/events/realtime-logout-event.js';
import type { CollabService } from '../../src/context/collab.js';
import { SharedConnection } from '../../src/services/shared-connection.js';
import { FakeApi, FakeConnection, uniqueTag } from '../support/fakes.js';

interface Built {
  config: RealtimeServiceConfig;
  connection: FakeConnection;
  closed: number;
}

const fakeCollab: CollabService = {
  open: () => {
    throw new Error('not used here');
  },
};

function defineTestProvider(): { tag: string; built: Built[] } {
  const tag = uniqueTag('shared-provider');
  const built: Built[] = [];
  class TestProvider extends RealtimeProvider {
    protected override createServices(config: RealtimeServiceConfig): RealtimeServices {
      const record: Built = { config, connection: new FakeConnection('open'), closed: 0 };
      built.push(record);
      return {
        connection: record.connection,
        api: new FakeApi(),
        collab: fakeCollab,
        start: () => {},
        close: () => {
          record.closed += 1;
          record.connection.setStatus('closed');
        },
      };
    }
  }
  customElements.define(tag, TestProvider);
  return { tag, built };
}

/** An API base of its own, so other test files' providers never hear this test's logouts. */
const uniqueApi = () => `http://127.0.0.1:1/api-${Math.random().toString(36).slice(2)}`;

describe('<realtime-provider shared>', () => {
  it('hands `shared` to its services and restarts them when it changes', async () => {
    const { tag, built } = defineTestProvider();
    const provider = await fixture<RealtimeProvider>(staticHtml`<${unsafeStatic(tag)} shared api=${uniqueApi()}></${unsafeStatic(tag)}>`);
    expect(provider.shared).to.equal(true);
    expect(built[0]!.config.shared).to.equal(true);
    provider.shared = false;
    await provider.updateComplete;
    expect(built).to.have.length(2);
    expect(built[0]!.closed).to.equal(1);
    expect(built[1]!.config.shared).to.equal(false);
  });

  it('builds a SharedConnection with shared, which leads when it is the only tab', async () => {
    const api = uniqueApi();
    const provider = fixtureSync<RealtimeProvider>(html`<realtime-provider shared url="ws://127.0.0.1:9/ws" api=${api}></realtime-provider>`);
    const connection = provider.connection;
    expect(connection).to.be.instanceOf(SharedConnection);
    await waitUntil(() => (connection as SharedConnection).role === 'leader', 'the only tab leads');
    provider.remove();
    expect((connection as SharedConnection).role).to.equal('off');
    expect(connection!.status.state).to.equal('closed');
  });

  it('C15: logout() in one provider closes every provider of the same API once, each firing realtime-logout', async () => {
    const { tag, built } = defineTestProvider();
    const api = uniqueApi();
    const t = unsafeStatic(tag);
    const root = fixtureSync<HTMLElement>(staticHtml`<div>
      <${t} api=${api}></${t}><${t} api=${api}></${t}><${t} api=${uniqueApi()}></${t}>
    </div>`);
    const [a, b, other] = [...root.children] as RealtimeProvider[];
    await Promise.all([a!.updateComplete, b!.updateComplete, other!.updateComplete]);
    const heard: { who: string; reason: string | null; local: boolean }[] = [];
    for (const [who, provider] of [['a', a], ['b', b], ['other', other]] as const) {
      provider!.addEventListener('realtime-logout', (event) => heard.push({ who, reason: event.reason, local: event.local }));
    }
    const event = oneEvent(a!, 'realtime-logout');
    a!.logout('bye');
    expect(await event).to.be.instanceOf(RealtimeLogoutEvent);
    // Same tab: delivered locally, at once, to every provider of that API.
    expect(heard).to.deep.equal([
      { who: 'a', reason: 'bye', local: true },
      { who: 'b', reason: 'bye', local: true },
    ]);
    expect(built.map((entry) => entry.closed)).to.deep.equal([1, 1, 0]);
    await a!.updateComplete;
    expect(a!.state).to.equal('closed');
    expect(other!.state).to.equal('open');
  });

  it('realtime-logout bubbles out of shadow roots to a page-level listener', async () => {
    const { tag } = defineTestProvider();
    const api = uniqueApi();
    const host = fixtureSync<HTMLElement>(html`<div></div>`);
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<${tag} api="${api}"></${tag}>`;
    const provider = shadow.firstElementChild as RealtimeProvider;
    const event = oneEvent(document, 'realtime-logout');
    provider.logout(null);
    expect(((await event) as unknown as RealtimeLogoutEvent).reason).to.equal(null);
  });

  it('C13: providers whose tokens expire together make one refresh request and share its token', async () => {
    const { tag, built } = defineTestProvider();
    const api = uniqueApi();
    let refreshes = 0;
    let plain = 0;
    const getToken = async ({ refresh }: { refresh: boolean }) => {
      if (!refresh) {
        plain += 1;
        return 'old';
      }
      refreshes += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return `fresh-${refreshes}`;
    };
    const t = unsafeStatic(tag);
    fixtureSync(staticHtml`<div><${t} api=${api} .getToken=${getToken}></${t}><${t} api=${api} .getToken=${getToken}></${t}></div>`);
    expect(built).to.have.length(2);
    const [one, two] = built.map((entry) => entry.config.getToken!);
    expect(await one!({ refresh: false })).to.equal('old');
    const tokens = await Promise.all([one!({ refresh: true }), two!({ refresh: true })]);
    expect(tokens).to.deep.equal(['fresh-1', 'fresh-1']);
    expect(refreshes).to.equal(1);
    // The refreshed token is what both hand out from now on, without asking the page again.
    expect(await two!({ refresh: false })).to.equal('fresh-1');
    expect(plain).to.equal(1);
  });

  it('logout() on a provider that is not in the page still reaches the others', async () => {
    const { tag } = defineTestProvider();
    const api = uniqueApi();
    const provider = await fixture<RealtimeProvider>(staticHtml`<${unsafeStatic(tag)} api=${api}></${unsafeStatic(tag)}>`);
    const detached = document.createElement(tag) as RealtimeProvider;
    detached.api = api;
    const event = oneEvent(provider, 'realtime-logout');
    detached.logout('elsewhere');
    expect(((await event) as unknown as RealtimeLogoutEvent).reason).to.equal('elsewhere');
  });
});
