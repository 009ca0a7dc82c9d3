import { expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import '../../src/define/activity-feed.js';
import { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import { ActivityLoadErrorEvent } from '../../src/events/activity-load-error-event.js';
import { relativeTimeTickerState } from '../../src/controllers/relative-time-controller.js';
import {
  FakeApi,
  FakeConnection,
  FakeProvider,
  activityEnvelope,
  activityItem,
  defineFakeProvider,
  uniqueTag,
} from '../support/fakes.js';

const providerTag = unsafeStatic(defineFakeProvider());

async function mount(options: { max?: number; state?: 'open' | 'reconnecting' } = {}) {
  const connection = new FakeConnection(options.state ?? 'open');
  const api = new FakeApi();
  const provider = await fixture<FakeProvider>(
    staticHtml`<${providerTag} .connection=${connection} .api=${api}>
      <activity-feed max=${options.max ?? 100}></activity-feed>
    </${providerTag}>`,
  );
  const feed = provider.querySelector('activity-feed')!;
  await feed.updateComplete;
  return { connection, api, provider, feed };
}

// updateComplete also waits for the frame that flushes live events (a timer stands in for hidden tabs).
async function settle(feed: ActivityFeed): Promise<void> {
  await feed.updateComplete;
}

function shownSeqs(feed: ActivityFeed): number[] {
  return [...feed.shadowRoot!.querySelectorAll<HTMLElement>('[part="item"]')].map((item) => Number(item.dataset['seq']));
}

function part(feed: ActivityFeed, name: string): HTMLElement | null {
  return feed.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);
}

describe('<activity-feed>', () => {
  it('asks for the first page of 20 and shows it newest first', async () => {
    const { api, feed } = await mount();
    expect(api.activityCalls).to.have.length(1);
    expect(api.activityCalls[0]!.request?.limit).to.equal(20);
    expect(part(feed, 'loading')!.textContent!.trim()).to.equal('Loading activity…');
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(3, { userName: 'Ada', action: 'edited', target: 'Plan', link: '/plan' }), activityItem(2), activityItem(1)], next: null });
    await waitUntil(() => shownSeqs(feed).length === 3);
    expect(shownSeqs(feed)).to.deep.equal([3, 2, 1]);
    const first = part(feed, 'item')!;
    expect(first.querySelector('[part="actor"]')!.textContent).to.equal('Ada');
    expect(first.querySelector('a[part="target"]')!.getAttribute('href')).to.equal('/plan');
    expect(part(feed, 'loading')).to.equal(null);
  });

  it('C12: merges the initial page and live events by seq', async () => {
    const { connection, api, feed } = await mount();
    // The first page is in flight while 101, 102, 103 arrive live.
    connection.emit(activityEnvelope(101));
    connection.emit(activityEnvelope(102));
    connection.emit(activityEnvelope(103));
    await settle(feed);
    expect(shownSeqs(feed)).to.deep.equal([103, 102, 101]);
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(102), activityItem(100), activityItem(99)], next: 98 });
    await waitUntil(() => shownSeqs(feed).length === 5);
    expect(shownSeqs(feed)).to.deep.equal([103, 102, 101, 100, 99]);
    expect(feed.items.map((item) => item.seq)).to.deep.equal([103, 102, 101, 100, 99]);
  });

  it('keeps every item of a burst larger than a frame holds when its cap allows (chaos regression)', async () => {
    const { connection, api, feed } = await mount({ max: 2000 });
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    for (let seq = 1; seq <= 1500; seq += 1) connection.emit(activityEnvelope(seq));
    await settle(feed);
    expect(feed.items).to.have.length(1500);
    expect(feed.items[0]!.seq).to.equal(1500);
    expect(feed.items.at(-1)!.seq).to.equal(1);
  });

  it('drops repeated live events and keeps only the newest `max` items', async () => {
    const { connection, api, feed } = await mount({ max: 3 });
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    for (const seq of [5, 6, 6, 7, 8, 5]) connection.emit(activityEnvelope(seq));
    await settle(feed);
    expect(shownSeqs(feed)).to.deep.equal([8, 7, 6]);
    feed.max = 2;
    await feed.updateComplete;
    expect(shownSeqs(feed)).to.deep.equal([8, 7]);
  });

  it('shows the empty state and lets a page replace it', async () => {
    const { api, feed } = await mount();
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    await waitUntil(() => part(feed, 'empty') !== null);
    expect(part(feed, 'empty')!.textContent!.trim()).to.equal('No activity yet.');
    expect(part(feed, 'empty')!.querySelector('slot[name="empty"]')).to.exist;
  });

  it('shows the error state, fires activity-load-error and retries on request', async () => {
    const { api, feed } = await mount();
    setTimeout(() => api.activityCalls[0]!.reply.reject(new Error('boom')));
    const event = (await oneEvent(feed, 'activity-load-error')) as unknown as ActivityLoadErrorEvent;
    expect(event).to.be.instanceOf(ActivityLoadErrorEvent);
    expect((event.error as Error).message).to.equal('boom');
    await feed.updateComplete;
    expect(part(feed, 'error')!.getAttribute('role')).to.equal('alert');
    expect(part(feed, 'error')!.textContent).to.contain('Activity could not be loaded.');
    part(feed, 'retry')!.click();
    await waitUntil(() => api.activityCalls.length === 2);
    api.activityCalls[1]!.reply.resolve({ items: [activityItem(1)], next: null });
    await waitUntil(() => shownSeqs(feed).length === 1);
    expect(part(feed, 'error')).to.equal(null);
  });

  it('shows live or offline from the connection, in words', async () => {
    const { connection, feed } = await mount();
    expect(feed.live).to.be.true;
    expect(part(feed, 'status')!.textContent!.trim()).to.equal('Live');
    connection.setStatus('reconnecting');
    await feed.updateComplete;
    expect(feed.hasAttribute('live')).to.be.false;
    expect(part(feed, 'status')!.textContent!.trim()).to.equal('Reconnecting');
    connection.setStatus('offline');
    await feed.updateComplete;
    expect(part(feed, 'status')!.textContent!.trim()).to.equal('Offline');
  });

  it('reloads the first page when the server resets its log', async () => {
    const { connection, api, feed } = await mount();
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(10), activityItem(9)], next: null });
    await waitUntil(() => shownSeqs(feed).length === 2);
    connection.reset();
    await waitUntil(() => api.activityCalls.length === 2);
    api.activityCalls[1]!.reply.resolve({ items: [activityItem(3)], next: null });
    await waitUntil(() => shownSeqs(feed).join() === '3');
  });

  it('renders items through a page-supplied template', async () => {
    const { api, feed } = await mount();
    feed.renderItem = (item) => html`<b class="custom">${item.userName}!</b>`;
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(1, { userName: 'Lin' })], next: null });
    await waitUntil(() => shownSeqs(feed).length === 1);
    expect(feed.shadowRoot!.querySelector('.custom')!.textContent).to.equal('Lin!');
  });

  it('is accessible while loading, empty, failed and filled', async () => {
    const { connection, api, feed } = await mount();
    await expect(feed).to.be.accessible();
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    await waitUntil(() => part(feed, 'empty') !== null);
    await expect(feed).to.be.accessible();
    connection.emit(activityEnvelope(1, { link: '/one' }));
    connection.emit(activityEnvelope(2));
    await settle(feed);
    await expect(feed).to.be.accessible();
    feed.reload();
    await waitUntil(() => api.activityCalls.length === 2);
    api.activityCalls[1]!.reply.reject(new Error('x'));
    await waitUntil(() => part(feed, 'error') !== null);
    await expect(feed).to.be.accessible();
  });

  it('removes every subscription when unmounted, however often it is mounted', async () => {
    const { connection, api, provider, feed } = await mount();
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    for (let i = 0; i < 20; i += 1) {
      feed.remove();
      provider.append(feed);
    }
    expect(connection.handlerCount).to.equal(3);
    feed.remove();
    expect(connection.handlerCount).to.equal(0);
    expect(relativeTimeTickerState().hosts).to.equal(0);
    // Moving it around did not load the first page again.
    expect(api.activityCalls).to.have.length(1);
  });

  describe('C19: definition order', () => {
    it('C19: a feed defined before its provider receives its services and loads exactly once', async () => {
      const connection = new FakeConnection('open');
      const api = new FakeApi();
      api.autoActivities = { items: [activityItem(1)], next: null };
      const feedTag = uniqueTag('c19-feed');
      const lateProviderTag = uniqueTag('c19-provider');
      customElements.define(feedTag, class extends ActivityFeed {});
      const root = fixtureSync<HTMLElement>(
        html`<div>${staticHtml`<${unsafeStatic(lateProviderTag)}><${unsafeStatic(feedTag)}></${unsafeStatic(feedTag)}></${unsafeStatic(lateProviderTag)}>`}</div>`,
      );
      // A plain <div> root: fixtureSync, since fixture() would wait for an animation frame (none come in background tabs).
      const feed = root.querySelector<ActivityFeed>(feedTag)!;
      await feed.updateComplete;
      expect(api.activityCalls).to.have.length(0);
      customElements.define(
        lateProviderTag,
        class extends FakeProvider {
          constructor() {
            super();
            this.connection = connection;
            this.api = api;
          }
        },
      );
      await waitUntil(() => shownSeqs(feed).length === 1);
      expect(feed.live).to.be.true;
      connection.emit(activityEnvelope(2));
      await settle(feed);
      expect(shownSeqs(feed)).to.deep.equal([2, 1]);
      expect(api.activityCalls).to.have.length(1);
    });

    it('C19: a feed defined after its provider receives its services and loads exactly once', async () => {
      const connection = new FakeConnection('open');
      const api = new FakeApi();
      api.autoActivities = { items: [activityItem(1)], next: null };
      const feedTag = uniqueTag('c19-feed');
      const provider = await fixture<FakeProvider>(
        staticHtml`<${providerTag} .connection=${connection} .api=${api}><${unsafeStatic(feedTag)}></${unsafeStatic(feedTag)}></${providerTag}>`,
      );
      await provider.updateComplete;
      customElements.define(feedTag, class extends ActivityFeed {});
      const feed = provider.querySelector<ActivityFeed>(feedTag)!;
      await waitUntil(() => shownSeqs(feed).length === 1);
      expect(api.activityCalls).to.have.length(1);
      expect(connection.handlerCount).to.equal(3);
    });

    it('C19: a feed whose provider hands down services late receives them and loads exactly once', async () => {
      const connection = new FakeConnection('open');
      const api = new FakeApi();
      api.autoActivities = { items: [activityItem(1)], next: null };
      const provider = await fixture<FakeProvider>(staticHtml`<${providerTag}><activity-feed></activity-feed></${providerTag}>`);
      const feed = provider.querySelector('activity-feed')!;
      await feed.updateComplete;
      expect(part(feed, 'status')!.textContent!.trim()).to.equal('Not connected');
      provider.connection = connection;
      provider.api = api;
      await waitUntil(() => shownSeqs(feed).length === 1);
      expect(api.activityCalls).to.have.length(1);
      expect(feed.live).to.be.true;
    });

    it('C19: a feed moved to another provider follows it', async () => {
      const first = { connection: new FakeConnection('open'), api: new FakeApi() };
      const second = { connection: new FakeConnection('reconnecting'), api: new FakeApi() };
      second.api.autoActivities = { items: [activityItem(7)], next: null };
      const root = fixtureSync<HTMLElement>(
        staticHtml`<div>
          <${providerTag} id="a" .connection=${first.connection} .api=${first.api}><activity-feed></activity-feed></${providerTag}>
          <${providerTag} id="b" .connection=${second.connection} .api=${second.api}></${providerTag}>
        </div>`,
      );
      const feed = root.querySelector('activity-feed')!;
      root.querySelector('#b')!.append(feed);
      await waitUntil(() => shownSeqs(feed).length === 1);
      expect(first.connection.handlerCount).to.equal(0);
      expect(second.connection.handlerCount).to.equal(3);
      expect(feed.live).to.be.false;
    });
  });
});
