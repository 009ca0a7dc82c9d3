import { aTimeout, expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import '../../src/define/realtime-provider.js';
import '../../src/define/connection-badge.js';
import '../../src/define/activity-feed.js';
import {
  RealtimeProvider,
  type RealtimeServiceConfig,
  type RealtimeServices,
} from '../../src/elements/realtime-provider/realtime-provider.js';
import { USER_STORAGE_KEY } from '../../src/elements/realtime-provider/user.js';
import { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import type { ConnectionBadge } from '../../src/define/connection-badge.js';
import { RealtimeErrorEvent } from '../../src/events/realtime-error-event.js';
import type { RealtimeStateChangeEvent } from '../../src/events/realtime-state-change-event.js';
import type { CollabService } from '../../src/context/collab.js';
import { FakeApi, FakeConnection, activityItem, uniqueTag } from '../support/fakes.js';

interface Built {
  config: RealtimeServiceConfig;
  connection: FakeConnection;
  api: FakeApi;
  started: number;
  closed: number;
}

const fakeCollab: CollabService = {
  open: () => {
    throw new Error('not used here');
  },
};

/** Defines a provider subclass under a fresh tag that builds fakes and records what it built. */
function defineTestProvider(options: { define?: boolean; fail?: boolean } = {}): { tag: string; built: Built[]; define: () => void } {
  const tag = uniqueTag('test-provider');
  const built: Built[] = [];
  class TestProvider extends RealtimeProvider {
    protected override createServices(config: RealtimeServiceConfig): RealtimeServices {
      if (options.fail) throw new Error('cannot build');
      const record: Built = { config, connection: new FakeConnection('connecting'), api: new FakeApi(), started: 0, closed: 0 };
      record.api.autoActivities = { items: [activityItem(1)], next: null };
      built.push(record);
      return {
        connection: record.connection,
        api: record.api,
        collab: fakeCollab,
        start: () => void (record.started += 1),
        close: () => void (record.closed += 1),
      };
    }
  }
  const define = () => customElements.define(tag, TestProvider);
  if (options.define !== false) define();
  return { tag, built, define };
}

describe('<realtime-provider>', () => {
  beforeEach(() => localStorage.removeItem(USER_STORAGE_KEY));

  it('lays out as display: contents and renders only a slot', async () => {
    const { tag } = defineTestProvider();
    const provider = await fixture<RealtimeProvider>(staticHtml`<${unsafeStatic(tag)}><p>hi</p></${unsafeStatic(tag)}>`);
    expect(getComputedStyle(provider).display).to.equal('contents');
    expect(provider.shadowRoot!.innerHTML.replace(/<!--[^>]*-->/g, '').trim()).to.equal('<slot></slot>');
  });

  it('resolves its default endpoints against the document base URL', async () => {
    const { tag, built } = defineTestProvider();
    await fixture(staticHtml`<${unsafeStatic(tag)}></${unsafeStatic(tag)}>`);
    const origin = location.origin;
    const wsOrigin = origin.replace(/^http/, 'ws');
    expect(built).to.have.length(1);
    expect(built[0]!.config.url).to.equal(`${wsOrigin}/ws`);
    expect(built[0]!.config.events).to.equal(`${origin}/api/events`);
    expect(built[0]!.config.api).to.equal(`${origin}/api`);
    expect(built[0]!.config.collab).to.equal(`${wsOrigin}/collab`);
    expect(built[0]!.started).to.equal(1);
  });

  it('keeps absolute endpoints and maps the collab URL to ws', async () => {
    const { tag, built } = defineTestProvider();
    await fixture(
      staticHtml`<${unsafeStatic(tag)} url="wss://rt.example/ws" events="https://rt.example/api/events" api="https://rt.example/api/" collab="https://yjs.example/rooms"></${unsafeStatic(tag)}>`,
    );
    expect(built[0]!.config).to.include({
      url: 'wss://rt.example/ws',
      events: 'https://rt.example/api/events',
      api: 'https://rt.example/api',
      collab: 'wss://yjs.example/rooms',
    });
  });

  it('generates a guest user once and keeps it in localStorage', async () => {
    const { tag, built } = defineTestProvider();
    await fixture(staticHtml`<${unsafeStatic(tag)}></${unsafeStatic(tag)}>`);
    const user = built[0]!.config.user;
    expect(user.id).to.be.a('string').and.not.equal('');
    expect(user.name).to.match(/^Guest \d{4}$/);
    expect(user.color).to.match(/^#[0-9a-f]{6}$/);
    expect(JSON.parse(localStorage.getItem(USER_STORAGE_KEY)!)).to.deep.equal(user);
    await fixture(staticHtml`<${unsafeStatic(tag)}></${unsafeStatic(tag)}>`);
    expect(built[1]!.config.user).to.deep.equal(user);
  });

  it('uses the page user when one is set', async () => {
    const { tag, built } = defineTestProvider();
    const user = { id: 'ada', name: 'Ada', color: '#000000' };
    await fixture(staticHtml`<${unsafeStatic(tag)} .user=${user}></${unsafeStatic(tag)}>`);
    expect(built[0]!.config.user).to.deep.equal(user);
    expect(localStorage.getItem(USER_STORAGE_KEY)).to.equal(null);
  });

  it('hands its connection to the elements inside and reflects state and transport', async () => {
    const { tag, built } = defineTestProvider();
    const provider = await fixture<RealtimeProvider>(staticHtml`<${unsafeStatic(tag)}><connection-badge></connection-badge></${unsafeStatic(tag)}>`);
    const badge = provider.querySelector<ConnectionBadge>('connection-badge')!;
    await badge.updateComplete;
    expect(provider.getAttribute('state')).to.equal('connecting');
    expect(badge.state).to.equal('connecting');
    setTimeout(() => built[0]!.connection.setStatus({ state: 'open', transport: 'sse' }));
    const change = (await oneEvent(provider, 'realtime-state-change')) as unknown as RealtimeStateChangeEvent;
    expect(change.state).to.equal('open');
    expect(change.previous).to.equal('connecting');
    expect(change.transport).to.equal('sse');
    await provider.updateComplete;
    await badge.updateComplete;
    expect(provider.getAttribute('state')).to.equal('open');
    expect(provider.getAttribute('transport')).to.equal('sse');
    expect(badge.state).to.equal('open');
    expect(provider.connection).to.equal(built[0]!.connection);
  });

  it('re-dispatches service errors as realtime-error events that reach the page', async () => {
    const { tag, built } = defineTestProvider();
    const host = fixtureSync<HTMLElement>(html`<div></div>`);
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<${tag}></${tag}>`;
    setTimeout(() => built[0]!.connection.fail({ kind: 'too-big', bytes: 2_000_000, limit: 1_000_000, type: 'app.blob' }));
    const event = (await oneEvent(document, 'realtime-error')) as unknown as RealtimeErrorEvent;
    expect(event).to.be.instanceOf(RealtimeErrorEvent);
    expect(event.detail).to.deep.equal({ kind: 'too-big', bytes: 2_000_000, limit: 1_000_000, type: 'app.blob' });
  });

  it('reports services that cannot be built as an error event instead of throwing', async () => {
    const { tag } = defineTestProvider({ fail: true });
    const errors: RealtimeErrorEvent[] = [];
    const listener = (event: RealtimeErrorEvent) => errors.push(event);
    document.addEventListener('realtime-error', listener);
    try {
      const provider = await fixture<RealtimeProvider>(staticHtml`<${unsafeStatic(tag)}></${unsafeStatic(tag)}>`);
      expect(provider.state).to.equal('failed');
      expect(errors).to.have.length(1);
      expect(errors[0]!.detail.kind).to.equal('transport');
    } finally {
      document.removeEventListener('realtime-error', listener);
    }
  });

  it('reports an unusable URL as an error event instead of throwing', async () => {
    const { tag, built } = defineTestProvider();
    const errors: RealtimeErrorEvent[] = [];
    const listener = (event: RealtimeErrorEvent) => errors.push(event);
    document.addEventListener('realtime-error', listener);
    try {
      const provider = await fixture<RealtimeProvider>(staticHtml`<${unsafeStatic(tag)} url="http://[bad"></${unsafeStatic(tag)}>`);
      expect(provider.state).to.equal('failed');
      expect(built).to.have.length(0);
      expect(errors[0]!.detail.kind).to.equal('transport');
    } finally {
      document.removeEventListener('realtime-error', listener);
    }
  });

  it('closes its services when it leaves the page and starts fresh ones when it comes back', async () => {
    const { tag, built } = defineTestProvider();
    const root = fixtureSync<HTMLElement>(staticHtml`<div><${unsafeStatic(tag)}><connection-badge></connection-badge></${unsafeStatic(tag)}></div>`);
    const provider = root.firstElementChild as RealtimeProvider;
    const badge = provider.querySelector<ConnectionBadge>('connection-badge')!;
    provider.remove();
    expect(built[0]!.closed).to.equal(1);
    expect(built[0]!.connection.handlerCount).to.equal(0);
    root.append(provider);
    await badge.updateComplete;
    expect(built).to.have.length(2);
    expect(built[1]!.started).to.equal(1);
    expect(built[1]!.connection.handlerCount).to.be.greaterThan(0);
  });

  it('restarts its services when an endpoint changes and consumers follow the new connection', async () => {
    const { tag, built } = defineTestProvider();
    const provider = await fixture<RealtimeProvider>(staticHtml`<${unsafeStatic(tag)}><connection-badge></connection-badge></${unsafeStatic(tag)}>`);
    const badge = provider.querySelector<ConnectionBadge>('connection-badge')!;
    provider.url = 'ws://127.0.0.1:1/other';
    await provider.updateComplete;
    expect(built).to.have.length(2);
    expect(built[0]!.closed).to.equal(1);
    expect(built[1]!.config.url).to.equal('ws://127.0.0.1:1/other');
    built[1]!.connection.setStatus('open');
    await badge.updateComplete;
    expect(badge.state).to.equal('open');
    expect(built[0]!.connection.handlerCount).to.equal(0);
  });

  it('is accessible', async () => {
    const { tag } = defineTestProvider();
    const provider = await fixture(staticHtml`<${unsafeStatic(tag)}><connection-badge></connection-badge></${unsafeStatic(tag)}>`);
    await expect(provider).to.be.accessible();
  });

  it('C19: a feed defined before the provider receives its services and loads exactly once', async () => {
    const provider = defineTestProvider({ define: false });
    const feedTag = uniqueTag('c19-feed');
    customElements.define(feedTag, class extends ActivityFeed {});
    const root = fixtureSync<HTMLElement>(
      staticHtml`<div><${unsafeStatic(provider.tag)}><${unsafeStatic(feedTag)}></${unsafeStatic(feedTag)}></${unsafeStatic(provider.tag)}></div>`,
    );
    const feed = root.querySelector<ActivityFeed>(feedTag)!;
    await aTimeout(50);
    provider.define();
    await waitUntil(() => feed.items.length === 1);
    expect(provider.built).to.have.length(1);
    expect(provider.built[0]!.api.activityCalls).to.have.length(1);
    expect(provider.built[0]!.connection.handlerCount).to.be.greaterThan(0);
  });

  it('C19: a feed defined after the provider receives its services and loads exactly once', async () => {
    const provider = defineTestProvider();
    const feedTag = uniqueTag('c19-feed');
    const root = fixtureSync<HTMLElement>(
      staticHtml`<div><${unsafeStatic(provider.tag)}><${unsafeStatic(feedTag)}></${unsafeStatic(feedTag)}></${unsafeStatic(provider.tag)}></div>`,
    );
    await aTimeout(50);
    customElements.define(feedTag, class extends ActivityFeed {});
    const feed = root.querySelector<ActivityFeed>(feedTag)!;
    await waitUntil(() => feed.items.length === 1);
    expect(provider.built[0]!.api.activityCalls).to.have.length(1);
  });

  it('C19: a feed whose provider is attached late receives its services and loads exactly once', async () => {
    const provider = defineTestProvider();
    const root = fixtureSync<HTMLElement>(html`<div><activity-feed></activity-feed></div>`);
    const feed = root.querySelector('activity-feed')!;
    await feed.updateComplete;
    await aTimeout(50);
    // Wrap the connected feed in a provider that arrives later.
    const element = document.createElement(provider.tag);
    root.append(element);
    element.append(feed);
    await waitUntil(() => feed.items.length === 1);
    expect(provider.built).to.have.length(1);
    expect(provider.built[0]!.api.activityCalls).to.have.length(1);
  });
});
