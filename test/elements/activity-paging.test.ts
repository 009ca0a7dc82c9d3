import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { ActivityLoadErrorEvent } from '../../src/events/activity-load-error-event.js';
import { activityEnvelope, activityItem } from '../support/fakes.js';
import { FakeIntersectionObserver, fakeIoTag, mountFeed, part, shownSeqs } from './activity-support.js';

const items = (from: number, to: number) => {
  const out = [];
  for (let seq = from; seq >= to; seq -= 1) out.push(activityItem(seq));
  return out;
};


describe('<activity-feed> older pages', () => {
  it('shows "Load older" once the first page says more exist, and asks before= its cursor', async () => {
    const { api, feed } = await mountFeed();
    expect(part(feed, 'load-older')).to.equal(null);
    api.activityCalls[0]!.reply.resolve({ items: items(30, 11), next: 11 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    expect(feed.hasOlder).to.be.true;
    const button = part(feed, 'load-older')!;
    expect(button.tagName).to.equal('BUTTON');
    expect(button.getAttribute('type')).to.equal('button');
    expect(button.textContent!.trim()).to.equal('Load older');
    button.click();
    await waitUntil(() => api.activityCalls.length === 2);
    expect(api.activityCalls[1]!.request).to.include({ before: 11, limit: 20 });
  });

  it('hides "Load older" when the first page has no older items', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: items(3, 1), next: null });
    await waitUntil(() => shownSeqs(feed).length === 3);
    expect(part(feed, 'load-older')).to.equal(null);
    expect(feed.hasOlder).to.be.false;
  });

  it('shows loading while an older page is on its way, then merges it and hides the button at the end', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: items(5, 4), next: 4 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 2);
    await feed.updateComplete;
    const button = part(feed, 'load-older')!;
    expect(button.dataset['state']).to.equal('loading');
    expect(button.getAttribute('aria-disabled')).to.equal('true');
    expect(part(feed, 'older-status')!.getAttribute('role')).to.equal('status');
    expect(part(feed, 'older-status')!.textContent).to.equal('Loading older activity…');
    expect(part(feed, 'list')!.getAttribute('aria-busy')).to.equal('true');
    // A second click while loading asks nothing more.
    button.click();
    await feed.updateComplete;
    expect(api.activityCalls).to.have.length(2);
    api.activityCalls[1]!.reply.resolve({ items: items(3, 1), next: null });
    await waitUntil(() => shownSeqs(feed).length === 5);
    expect(shownSeqs(feed)).to.deep.equal([5, 4, 3, 2, 1]);
    expect(part(feed, 'load-older')).to.equal(null);
    expect(part(feed, 'list')!.getAttribute('aria-busy')).to.equal('false');
  });

  it('shows an error with retry when an older page fails, fires activity-load-error with its cursor, and retries', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: items(5, 4), next: 4 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 2);
    setTimeout(() => api.activityCalls[1]!.reply.reject(new Error('older boom')));
    const event = (await oneEvent(feed, 'activity-load-error')) as unknown as ActivityLoadErrorEvent;
    expect(event.before).to.equal(4);
    expect((event.error as Error).message).to.equal('older boom');
    await feed.updateComplete;
    const error = part(feed, 'older-error')!;
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent).to.equal('Older activity could not be loaded.');
    const button = part(feed, 'load-older')!;
    expect(button.textContent!.trim()).to.equal('Retry');
    expect(button.getAttribute('aria-describedby')).to.equal(error.id);
    // The first page's error state is not shown: what is listed stays.
    expect(part(feed, 'error')).to.equal(null);
    expect(shownSeqs(feed)).to.deep.equal([5, 4]);
    button.click();
    await waitUntil(() => api.activityCalls.length === 3);
    expect(api.activityCalls[2]!.request).to.include({ before: 4 });
    api.activityCalls[2]!.reply.resolve({ items: items(3, 3), next: 3 });
    await waitUntil(() => shownSeqs(feed).length === 3);
    expect(part(feed, 'older-error')).to.equal(null);
    expect(part(feed, 'load-older')!.textContent!.trim()).to.equal('Load older');
  });

  it('C12: merges the first page, older pages and live events by seq with no duplicates and no gaps', async () => {
    const { connection, api, feed } = await mountFeed();
    // Live events race the first page.
    connection.emit(activityEnvelope(101));
    connection.emit(activityEnvelope(102));
    await feed.updateComplete;
    api.activityCalls[0]!.reply.resolve({ items: [activityItem(102), activityItem(100), activityItem(99)], next: 99 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 2);
    expect(api.activityCalls[1]!.request).to.include({ before: 99 });
    // More live events, including a repeat, while the older page is in flight.
    connection.emit(activityEnvelope(103));
    connection.emit(activityEnvelope(101));
    connection.emit(activityEnvelope(104));
    await feed.updateComplete;
    api.activityCalls[1]!.reply.resolve({ items: [activityItem(98), activityItem(97)], next: 97 });
    await waitUntil(() => feed.items.length === 8);
    connection.emit(activityEnvelope(105));
    await feed.updateComplete;
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 3);
    expect(api.activityCalls[2]!.request).to.include({ before: 97 });
    api.activityCalls[2]!.reply.resolve({ items: [activityItem(97), activityItem(96)], next: null });
    await waitUntil(() => feed.items.length === 10);
    await feed.updateComplete;
    const expected = [105, 104, 103, 102, 101, 100, 99, 98, 97, 96];
    expect(feed.items.map((item) => item.seq)).to.deep.equal(expected);
    expect(shownSeqs(feed)).to.deep.equal(expected);
    expect(part(feed, 'load-older')).to.equal(null);
  });

  it('drops an older page that arrives after live events pushed items out, and asks again from the oldest kept', async () => {
    const { connection, api, feed } = await mountFeed({ max: 3 });
    api.activityCalls[0]!.reply.resolve({ items: items(10, 8), next: 8 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 2);
    connection.emit(activityEnvelope(11));
    await feed.updateComplete;
    expect(feed.items.map((item) => item.seq)).to.deep.equal([11, 10, 9]);
    // 8 left; the page below 8 would leave it missing.
    api.activityCalls[1]!.reply.resolve({ items: items(7, 6), next: 6 });
    await waitUntil(() => part(feed, 'load-older')?.dataset['state'] === 'idle');
    expect(feed.items.map((item) => item.seq)).to.deep.equal([11, 10, 9]);
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 3);
    expect(api.activityCalls[2]!.request).to.include({ before: 9 });
    api.activityCalls[2]!.reply.resolve({ items: items(8, 7), next: 7 });
    await waitUntil(() => feed.items.length === 5);
    // Pages the user asked for stay although they exceed `max`.
    expect(feed.items.map((item) => item.seq)).to.deep.equal([11, 10, 9, 8, 7]);
  });

  it('forgets older pages when the server resets its log, and ignores an answer from before the reset', async () => {
    const { connection, api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: items(10, 9), next: 9 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 2);
    expect(api.activityCalls[1]!.request!.signal!.aborted).to.be.false;
    connection.reset();
    await waitUntil(() => api.activityCalls.length === 3);
    expect(api.activityCalls[1]!.request!.signal!.aborted).to.be.true;
    api.activityCalls[1]!.reply.resolve({ items: items(8, 7), next: 7 });
    api.activityCalls[2]!.reply.resolve({ items: items(2, 1), next: null });
    await waitUntil(() => feed.items.length === 2);
    await feed.updateComplete;
    expect(feed.items.map((item) => item.seq)).to.deep.equal([2, 1]);
    expect(part(feed, 'load-older')).to.equal(null);
  });

  it('moves focus to the first loaded item after "Load older", and to the last item when nothing older is left', async () => {
    // Real focus needs a focused page; two test pages run at once, so emulate it.
    await executeServerCommand('cdp', { method: 'Emulation.setFocusEmulationEnabled', params: { enabled: true } });
    try {
      const { api, feed } = await mountFeed();
      api.activityCalls[0]!.reply.resolve({ items: items(6, 5), next: 5 });
      await waitUntil(() => part(feed, 'load-older') !== null);
      const button = part(feed, 'load-older')!;
      button.focus();
      expect(feed.shadowRoot!.activeElement).to.equal(button);
      button.click();
      await waitUntil(() => api.activityCalls.length === 2);
      await feed.updateComplete;
      // Loading keeps the button (aria-disabled, not disabled), so focus stays on it.
      expect(feed.shadowRoot!.activeElement).to.equal(button);
      api.activityCalls[1]!.reply.resolve({ items: items(4, 3), next: 3 });
      await waitUntil(() => (feed.shadowRoot!.activeElement as HTMLElement | null)?.dataset['seq'] === '4');
      const row = feed.shadowRoot!.activeElement as HTMLElement;
      expect(row.getAttribute('part')).to.equal('item');
      expect(row.getAttribute('tabindex')).to.equal('-1');
      // The last page: the button goes away, focus lands on the last item instead of the page.
      part(feed, 'load-older')!.focus();
      // Rows are focusable only while focused there: a click on a row's text does not take focus.
      expect(row.hasAttribute('tabindex')).to.be.false;
      part(feed, 'load-older')!.click();
      await waitUntil(() => api.activityCalls.length === 3);
      api.activityCalls[2]!.reply.resolve({ items: [], next: null });
      await waitUntil(() => part(feed, 'load-older') === null);
      await waitUntil(() => (feed.shadowRoot!.activeElement as HTMLElement | null)?.dataset['seq'] === '3');
    } finally {
      await executeServerCommand('cdp', { method: 'Emulation.setFocusEmulationEnabled', params: { enabled: false } });
    }
  });

  it('does not move focus after a load it did not start from a focused button', async () => {
    const { api, feed } = await mountFeed();
    api.activityCalls[0]!.reply.resolve({ items: items(6, 5), next: 5 });
    await waitUntil(() => part(feed, 'load-older') !== null);
    const loading = feed.loadOlder();
    expect(api.activityCalls).to.have.length(2);
    api.activityCalls[1]!.reply.resolve({ items: items(4, 3), next: 3 });
    await loading;
    expect(feed.items.length).to.equal(4);
    await feed.updateComplete;
    expect(feed.shadowRoot!.activeElement).to.equal(null);
  });
});

describe('<activity-feed infinite>', () => {
  afterEach(() => {
    for (const observer of FakeIntersectionObserver.live) observer.disconnect();
  });

  it('loads the next page when the sentinel after the list comes into view, and keeps loading while it stays there', async () => {
    const { api, feed } = await mountFeed({ tag: fakeIoTag, attributes: 'infinite' });
    expect(FakeIntersectionObserver.live.size).to.equal(0);
    api.activityCalls[0]!.reply.resolve({ items: items(10, 9), next: 9 });
    await waitUntil(() => FakeIntersectionObserver.live.size === 1);
    const observer = FakeIntersectionObserver.only();
    const sentinel = observer.targets[0]!;
    expect(sentinel.getRootNode()).to.equal(feed.shadowRoot);
    // After the list and its "Load older" controls.
    expect(part(feed, 'list')!.compareDocumentPosition(sentinel) & Node.DOCUMENT_POSITION_FOLLOWING).to.not.equal(0);
    observer.intersect(false);
    expect(api.activityCalls).to.have.length(1);
    observer.intersect(true);
    expect(api.activityCalls).to.have.length(2);
    expect(api.activityCalls[1]!.request).to.include({ before: 9 });
    api.activityCalls[1]!.reply.resolve({ items: items(8, 7), next: 7 });
    // Still in view after the page rendered: the next one is asked for.
    await waitUntil(() => api.activityCalls.length === 3);
    expect(api.activityCalls[2]!.request).to.include({ before: 7 });
    observer.intersect(false);
    api.activityCalls[2]!.reply.resolve({ items: items(6, 5), next: null });
    await waitUntil(() => feed.items.length === 6);
    await feed.updateComplete;
    // Nothing older: no sentinel, no observer.
    expect(FakeIntersectionObserver.live.size).to.equal(0);
    expect(api.activityCalls).to.have.length(3);
  });

  it('stops after a failed page until the sentinel comes into view again', async () => {
    const { api, feed } = await mountFeed({ tag: fakeIoTag, attributes: 'infinite' });
    api.activityCalls[0]!.reply.resolve({ items: items(10, 9), next: 9 });
    await waitUntil(() => FakeIntersectionObserver.live.size === 1);
    FakeIntersectionObserver.only().intersect(true);
    api.activityCalls[1]!.reply.reject(new Error('x'));
    await waitUntil(() => part(feed, 'older-error') !== null);
    await feed.updateComplete;
    expect(api.activityCalls).to.have.length(2);
    // The retry button (or scrolling back into view) tries again.
    part(feed, 'load-older')!.click();
    await waitUntil(() => api.activityCalls.length === 3);
  });

  it('removes its observer when disconnected or when infinite is turned off, and observes again when reconnected', async () => {
    const { api, provider, feed } = await mountFeed({ tag: fakeIoTag, attributes: 'infinite' });
    api.activityCalls[0]!.reply.resolve({ items: items(10, 9), next: 9 });
    await waitUntil(() => FakeIntersectionObserver.live.size === 1);
    feed.remove();
    expect(FakeIntersectionObserver.live.size).to.equal(0);
    provider.append(feed);
    await feed.updateComplete;
    expect(FakeIntersectionObserver.live.size).to.equal(1);
    feed.infinite = false;
    await feed.updateComplete;
    expect(FakeIntersectionObserver.live.size).to.equal(0);
    expect(feed.shadowRoot!.querySelector('[data-sentinel]')).to.equal(null);
  });
});
