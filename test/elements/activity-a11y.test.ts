import { expect, fixture, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { html as staticHtml } from 'lit/static-html.js';
import sinon from 'sinon';
import { langObserverState } from '../../src/controllers/lang-controller.js';
import { relativeTimeTickerState } from '../../src/controllers/relative-time-controller.js';
import { FRAME_FALLBACK_MS } from '../../src/controllers/frame-batcher.js';
import { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import { FakeApi, FakeConnection, type FakeProvider, activityEnvelope, activityItem } from '../support/fakes.js';
import { FakeIntersectionObserver, fakeIoTag, mountFeed, part, providerTag, shownSeqs } from './activity-support.js';


const cdp = <T>(method: string, params: Record<string, unknown> = {}) => executeServerCommand<T, { method: string; params: object }>('cdp', { method, params });

async function listenerCount(): Promise<number> {
  await cdp('HeapProfiler.collectGarbage');
  const counters = (await cdp<{ jsEventListeners: number }>('Memory.getDOMCounters'))!;
  return counters.jsEventListeners;
}

describe('<activity-feed> accessibility', () => {
  it('is accessible while the first page loads', async () => {
    const { feed } = await mountFeed();
    expect(part(feed, 'loading')!.getAttribute('role')).to.equal('status');
    await expect(feed).to.be.accessible();
  });

  it('is accessible when empty', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: [], next: null });
    await waitUntil(() => part(feed, 'empty') !== null);
    await expect(feed).to.be.accessible();
  });

  it('is accessible when the first page failed', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.reject(new Error('x'));
    await waitUntil(() => part(feed, 'error') !== null);
    await expect(feed).to.be.accessible();
  });

  it('is accessible with a list of items, links, avatars and day headings', async () => {
    const { connection, api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({
      items: [activityItem(3, { link: '/three', avatar: '/node_modules/lit/logo.svg' }), activityItem(2, {}, Date.now() - 86_400_000), activityItem(1)],
      next: 1,
    });
    connection.emit(activityEnvelope(4, { userName: 'Zoë Ng' }));
    await waitUntil(() => shownSeqs(feed).length === 4);
    await expect(feed).to.be.accessible();
  });

  it('is accessible with an older page loading, and after it failed', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(2), activityItem(1)], next: 1 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 2);
    await feed.updateComplete;
    expect(part(feed, 'load-older')!.dataset['state']).to.equal('loading');
    await expect(feed).to.be.accessible();
    api.activityCalls[1]!.reply.reject(new Error('x'));
    await waitUntil(() => part(feed, 'older-error') !== null);
    await expect(feed).to.be.accessible();
  });

  it('is accessible when filters hide every item', async () => {
    const { api, feed } = await mountFeed({ attributes: 'filter-user="nobody"' });
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(1)], next: null });
    await waitUntil(() => part(feed, 'empty') !== null);
    await expect(feed).to.be.accessible();
  });

  it('lets the keyboard reach "Load older" as a real button and activate it with Enter', async () => {
    await cdp('Emulation.setFocusEmulationEnabled', { enabled: true });
    try {
      const { api, feed } = await mountFeed();
      api.activityCalls[0]!.reply.resolve({ items: [activityItem(2, { link: '/two' }), activityItem(1)], next: 1 });
      await waitUntil(() => part(feed, 'load-older') !== null);
      const link = feed.shadowRoot!.querySelector<HTMLElement>('a[part="target"]')!;
      link.focus();
      // Real key presses through the browser: Tab from the link reaches the button, Enter presses it.
      await cdp('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
      await cdp('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 });
      expect(feed.shadowRoot!.activeElement).to.equal(part(feed, 'load-older'));
      await cdp('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' });
      await cdp('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13 });
      await waitUntil(() => api.activityCalls.length === 2);
      expect(api.activityCalls[1]!.request).to.include({ before: 1 });
    } finally {
      await cdp('Emulation.setFocusEmulationEnabled', { enabled: false });
    }
  });
});

describe('<activity-feed> focus in the list', () => {
  it('holds the rows still while focus is inside the list, and shows what arrived once focus leaves', async () => {
    await cdp('Emulation.setFocusEmulationEnabled', { enabled: true });
    try {
      const { connection, api, feed } = await mountFeed();
      api.activityCalls[0]!.reply.resolve({ items: [activityItem(2, { link: '/two' }), activityItem(1)], next: 1 });
      await waitUntil(() => shownSeqs(feed).length === 2);
      const link = feed.shadowRoot!.querySelector<HTMLElement>('a[part="target"]')!;
      link.focus();
      connection.emit(activityEnvelope(3));
      connection.emit(activityEnvelope(4));
      await feed.updateComplete;
      // Merged and counted, but the rows (and the focused link) stay as they were.
      expect(feed.items.map((item) => item.seq)).to.deep.equal([4, 3, 2, 1]);
      expect(shownSeqs(feed)).to.deep.equal([2, 1]);
      expect(feed.shadowRoot!.activeElement).to.equal(link);
      expect(link.closest<HTMLElement>('[part="item"]')!.dataset['seq']).to.equal('2');
      part(feed, 'load-older')!.focus();
      await feed.updateComplete;
      expect(shownSeqs(feed)).to.deep.equal([4, 3, 2, 1]);
    } finally {
      await cdp('Emulation.setFocusEmulationEnabled', { enabled: false });
    }
  });
});

describe('<activity-feed> mount and unmount', () => {
  it('leaves no timers, observers, subscriptions or listeners after 1,000 mount/unmount cycles', async function () {
    this.timeout(120_000);
    const connection = new FakeConnection('open');
    const api = new FakeApi();
    api.autoActivities = { items: [activityItem(3, { link: '/x' }), activityItem(2), activityItem(1)], next: 1 };
    const provider = await fixture<FakeProvider>(staticHtml`<${providerTag} .connection=${connection} .api=${api}></${providerTag}>`);
    let clock: sinon.SinonFakeTimers | null = null;
    const cycle = async () => {
      const feed = document.createElement(fakeIoTag) as ActivityFeed;
      feed.infinite = true;
      provider.append(feed);
      connection.emit(activityEnvelope(4));
      // A background page has no frames: the batcher's timer fallback flushes, on the fake clock.
      await clock?.tickAsync(FRAME_FALLBACK_MS);
      await feed.updateComplete;
      expect(shownSeqs(feed)).to.have.length(4);
      feed.remove();
    };
    // Warm up once (lazy shared state such as formatters), then count.
    await cycle();
    const listenersBefore = await listenerCount();
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      for (let i = 0; i < 1000; i += 1) await cycle();
      expect(clock.countTimers()).to.equal(0);
    } finally {
      clock.restore();
    }
    expect(relativeTimeTickerState()).to.deep.equal({ hosts: 0, running: false });
    expect(langObserverState()).to.deep.equal({ hosts: 0, running: false });
    expect(FakeIntersectionObserver.live.size).to.equal(0);
    expect(FakeIntersectionObserver.created).to.be.greaterThan(1000);
    expect(connection.handlerCount).to.equal(0);
    const listenersAfter = await listenerCount();
    expect(listenersAfter - listenersBefore).to.be.at.most(0);
  });
});
