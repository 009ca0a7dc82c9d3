import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import '../../src/define/notification-feed.js';
import type { NotificationFeed } from '../../src/elements/notification-feed/notification-feed.js';
import type { NotificationMarkErrorEvent, NotificationUnreadChangeEvent } from '../../src/events/notification-events.js';
import type { NotificationItem, NotificationPage } from '../../src/protocol/index.js';
import { FakeApi, FakeConnection, type FakeProvider, defineFakeProvider, notificationEnvelope } from '../support/fakes.js';

const providerTag = unsafeStatic(defineFakeProvider());
const me = { id: 'u-me', name: 'Me', color: '#123456' };

function item(seq: number, flags: Partial<Pick<NotificationItem, 'read' | 'seen' | 'archived'>> = {}): NotificationItem {
  return { id: `n-${seq}`, seq, ts: Date.now() - seq, level: 'info', title: `item ${seq}`, message: '', ...flags };
}

async function mount(attributes: { max?: number } = {}) {
  const connection = new FakeConnection('open');
  const api = new FakeApi();
  const provider = await fixture<FakeProvider>(
    staticHtml`<${providerTag} .connection=${connection} .api=${api} .user=${me}>
      <notification-feed variant="inbox" max=${attributes.max ?? 50}></notification-feed>
    </${providerTag}>`,
  );
  const feed = provider.querySelector('notification-feed')!;
  await feed.updateComplete;
  return { connection, api, provider, feed };
}

// Rows fade in; axe would judge a half-transparent row's contrast, so finish the animations first.
async function accessible(feed: NotificationFeed): Promise<void> {
  for (const animation of feed.shadowRoot!.getAnimations()) animation.finish();
  await expect(feed).to.be.accessible();
}

async function answer(api: FakeApi, feed: NotificationFeed, page: NotificationPage, call = api.notificationCalls.length - 1): Promise<void> {
  api.notificationCalls[call]!.reply.resolve(page);
  await waitUntil(() => feed.shadowRoot!.querySelector('[part="loading"]') === null, 'page not listed');
  await feed.updateComplete;
}

function rows(feed: NotificationFeed): HTMLElement[] {
  return [...feed.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')];
}

function ids(feed: NotificationFeed): string[] {
  return rows(feed).map((row) => row.dataset['id']!);
}

function unreadIds(feed: NotificationFeed): string[] {
  return rows(feed)
    .filter((row) => row.part.contains('item-unread'))
    .map((row) => row.dataset['id']!);
}

describe('<notification-feed variant="inbox">', () => {
  it('lists the first page with the user\'s read state, hides archived ones and takes the server\'s unread count', async () => {
    const { api, feed } = await mount();
    expect(feed.shadowRoot!.querySelector('[part="loading"]')!.textContent).to.equal('Loading notifications…');
    await accessible(feed);
    await answer(api, feed, { items: [item(5), item(4, { read: true }), item(3, { archived: true }), item(2)], next: 2, unread: 12 });
    expect(ids(feed)).to.deep.equal(['n-5', 'n-4', 'n-2']);
    expect(unreadIds(feed)).to.deep.equal(['n-5', 'n-2']);
    expect(rows(feed)[0]!.querySelector('[part="unread"]')!.textContent).to.equal('Unread');
    expect(feed.unreadCount).to.equal(12);
    expect(feed.getAttribute('unread-count')).to.equal('12');
    expect(feed.shadowRoot!.querySelector('[part="unread-count"]')!.textContent).to.equal('12 unread');
    await accessible(feed);
  });

  it('merges live notifications that arrive while the first page loads, each counted once', async () => {
    const { api, connection, feed } = await mount();
    connection.emit(notificationEnvelope({ id: 'n-7', title: 'item 7' }, { seq: 7 }));
    connection.emit(notificationEnvelope({ id: 'n-8', title: 'item 8' }, { seq: 8 }));
    await feed.updateComplete;
    // The server answered after 7 was logged: its count has 7 in it, but not 8.
    await answer(api, feed, { items: [item(7), item(6)], next: null, unread: 2 });
    expect(ids(feed)).to.deep.equal(['n-8', 'n-7', 'n-6']);
    expect(feed.unreadCount).to.equal(3);
    connection.emit(notificationEnvelope({ id: 'n-9', title: 'item 9' }, { seq: 9 }));
    await feed.updateComplete;
    expect(feed.unreadCount).to.equal(4);
  });

  it('marks one read at once, tells the server, and fires notification-unread-change', async () => {
    const { api, feed } = await mount();
    await answer(api, feed, { items: [item(2), item(1)], next: null, unread: 2 });
    const change = oneEvent(feed, 'notification-unread-change') as unknown as Promise<NotificationUnreadChangeEvent>;
    rows(feed)[0]!.querySelector<HTMLButtonElement>('[part="mark-read"]')!.click();
    expect((await change).count).to.equal(1);
    expect(unreadIds(feed)).to.deep.equal(['n-1']);
    expect(api.markCalls.map((call) => call.change)).to.deep.equal([{ state: 'read', ids: ['n-2'] }]);
    expect(rows(feed)[0]!.querySelector('[part="mark-read"]')).to.equal(null);
  });

  it('undoes a mark that the server refuses, says so assertively and fires notification-mark-error', async () => {
    const { api, feed } = await mount();
    await answer(api, feed, { items: [item(2), item(1)], next: null, unread: 2 });
    api.holdMarks = true;
    const all = feed.markAllRead();
    await feed.updateComplete;
    expect(feed.unreadCount).to.equal(0);
    expect(unreadIds(feed)).to.deep.equal([]);
    const failed = oneEvent(feed, 'notification-mark-error') as unknown as Promise<NotificationMarkErrorEvent>;
    api.markCalls[0]!.reply.reject(new Error('500'));
    const event = await failed;
    await all;
    await feed.updateComplete;
    expect(event.state).to.equal('read');
    expect(event.ids).to.equal('all');
    expect(feed.unreadCount).to.equal(2);
    expect(unreadIds(feed)).to.deep.equal(['n-2', 'n-1']);
    expect(feed.shadowRoot!.querySelector('[aria-live="assertive"]')!.textContent!.trim()).to.equal('The change could not be saved and was undone.');
  });

  it('keeps notifications that arrive during a refused mark-all when it undoes it', async () => {
    const { api, connection, feed } = await mount();
    await answer(api, feed, { items: [item(2)], next: null, unread: 1 });
    api.holdMarks = true;
    const all = feed.markAllRead();
    connection.emit(notificationEnvelope({ id: 'n-3', title: 'item 3' }, { seq: 3 }));
    await feed.updateComplete;
    expect(feed.unreadCount).to.equal(1);
    api.markCalls[0]!.reply.reject(new Error('offline'));
    await all;
    await feed.updateComplete;
    expect(ids(feed)).to.deep.equal(['n-3', 'n-2']);
    expect(feed.unreadCount).to.equal(2);
  });

  it('archives a row: it leaves the list and the count, and focus moves to the next row', async () => {
    const { api, feed } = await mount();
    await answer(api, feed, { items: [item(3), item(2, { read: true }), item(1)], next: null, unread: 2 });
    rows(feed)[0]!.querySelector<HTMLButtonElement>('[part="archive"]')!.click();
    await feed.updateComplete;
    await feed.updateComplete;
    expect(ids(feed)).to.deep.equal(['n-2', 'n-1']);
    expect(feed.unreadCount).to.equal(1);
    expect(api.markCalls.map((call) => call.change)).to.deep.equal([{ state: 'archived', ids: ['n-3'] }]);
    expect(feed.shadowRoot!.activeElement).to.equal(rows(feed)[0]!.querySelector('[part="archive"]'));
  });

  it('follows reads made in another tab, and asks the server again for ids it never held', async () => {
    const { api, connection, feed } = await mount();
    await answer(api, feed, { items: [item(3), item(2)], next: 2, unread: 5 });
    connection.emit({ type: 'notification.read', seq: 10, ts: Date.now(), payload: { state: 'read', ids: ['n-3'] } });
    await feed.updateComplete;
    expect(feed.unreadCount).to.equal(4);
    expect(unreadIds(feed)).to.deep.equal(['n-2']);
    expect(api.notificationCalls).to.have.length(1);
    // n-1 is older than anything loaded: only the server knows whether it was unread.
    connection.emit({ type: 'notification.read', seq: 11, ts: Date.now(), payload: { state: 'read', ids: ['n-1'] } });
    await waitUntil(() => api.notificationCalls.length === 2, 'no recount');
    expect(api.notificationCalls[1]!.request?.limit).to.equal(1);
    await answer(api, feed, { items: [item(3, { read: true })], next: 2, unread: 2 });
    expect(feed.unreadCount).to.equal(2);
    connection.emit({ type: 'notification.read', seq: 12, ts: Date.now(), payload: { state: 'read', all: true } });
    await feed.updateComplete;
    expect(feed.unreadCount).to.equal(0);
  });

  it('loads older pages by cursor from a "Load older" button until there are none', async () => {
    const { api, feed } = await mount({ max: 2 });
    await answer(api, feed, { items: [item(9), item(8)], next: 8, unread: 4 });
    const button = () => feed.shadowRoot!.querySelector<HTMLButtonElement>('[part="load-older"]');
    button()!.click();
    await feed.updateComplete;
    expect(api.notificationCalls[1]!.request?.before).to.equal(8);
    expect(button()!.getAttribute('aria-busy')).to.equal('true');
    await accessible(feed);
    api.notificationCalls[1]!.reply.resolve({ items: [item(7), item(6)], next: 6, unread: 4 });
    await waitUntil(() => ids(feed).length === 4, 'older page not listed');
    // The page the user asked for is kept although the cap is 2.
    expect(ids(feed)).to.deep.equal(['n-9', 'n-8', 'n-7', 'n-6']);
    button()!.click();
    api.notificationCalls[2]!.reply.reject(new Error('502'));
    await waitUntil(() => feed.shadowRoot!.querySelector('[part="error"]') !== null, 'no error');
    expect(button()).to.equal(null);
    await accessible(feed);
    feed.shadowRoot!.querySelector<HTMLButtonElement>('[part="error"] [part="retry"]')!.click();
    api.notificationCalls[3]!.reply.resolve({ items: [item(5)], next: null, unread: 4 });
    await waitUntil(() => ids(feed).length === 5, 'retry not listed');
    expect(button()).to.equal(null);
    expect(feed.unreadCount).to.equal(4);
  });

  it('shows the empty state, and the error state with a retry', async () => {
    const { api, feed } = await mount();
    api.notificationCalls[0]!.reply.reject(new Error('503'));
    await waitUntil(() => feed.shadowRoot!.querySelector('[part="error"]') !== null, 'no error state');
    await accessible(feed);
    feed.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!.click();
    await answer(api, feed, { items: [], next: null, unread: 0 });
    expect(feed.shadowRoot!.querySelector('[part="empty"]')!.textContent!.trim()).to.equal('No notifications.');
    expect(feed.shadowRoot!.querySelector<HTMLButtonElement>('[part="mark-all"]')!.disabled).to.equal(true);
    await accessible(feed);
  });

  it('C22: 10,000 live notifications keep the DOM at the cap while the unread count takes every one', async () => {
    const { api, connection, feed } = await mount({ max: 50 });
    await answer(api, feed, { items: [item(3), item(2), item(1)], next: null, unread: 3 });
    for (let i = 1; i <= 10_000; i += 1) {
      connection.emit(notificationEnvelope({ id: `c22-${i}`, title: `c22 ${i}` }, { seq: 100 + i }));
      if (i % 2000 === 0) {
        await feed.updateComplete;
        expect(rows(feed).length).to.be.at.most(50);
      }
    }
    await feed.updateComplete;
    expect(rows(feed)).to.have.length(50);
    expect(ids(feed)[0]).to.equal('c22-10000');
    expect(feed.unreadCount).to.equal(10_003);
    expect(feed.shadowRoot!.querySelector('[part="more"]')!.textContent).to.equal('+9953 more');
    // A read of one the cap pushed out still lowers the count.
    await feed.markRead('c22-9990');
    expect(feed.unreadCount).to.equal(10_002);
    // The feed remembers a bounded number of ids: for one it forgot, it asks the server.
    const read = feed.markRead('c22-1');
    await waitUntil(() => api.notificationCalls.length === 2, 'no recount');
    api.notificationCalls[1]!.reply.resolve({ items: [], next: null, unread: 10_001 });
    await read;
    expect(feed.unreadCount).to.equal(10_001);
    await feed.markAllRead();
    await feed.updateComplete;
    expect(feed.unreadCount).to.equal(0);
    expect(unreadIds(feed)).to.deep.equal([]);
  });

  it('speaks French when the page does', async () => {
    const { api, feed } = await mount();
    feed.lang = 'fr';
    await answer(api, feed, { items: [item(1)], next: 1, unread: 1 });
    expect(feed.shadowRoot!.querySelector('[part="mark-all"]')!.textContent!.trim()).to.equal('Tout marquer comme lu');
    expect(feed.shadowRoot!.querySelector('[part="load-older"]')!.textContent!.trim()).to.equal('Charger les plus anciennes');
    expect(feed.shadowRoot!.querySelector('[part="unread-count"]')!.textContent).to.equal('1 non lues');
  });
});
