import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define/realtime-provider.js';
import '../../src/define/notification-feed.js';
import type { NotificationFeed } from '../../src/elements/notification-feed/notification-feed.js';
import { type TestServer, startTestServer } from '../support/server.js';

const ada = { id: 'ada', name: 'Ada', color: '#1d4ed8' };

async function publish(server: TestServer, body: object): Promise<{ seq: number; id: string }> {
  const response = await fetch(`${server.url}/api/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ level: 'info', message: '', ...body }),
  });
  expect(response.status).to.equal(201);
  return (await response.json()) as { seq: number; id: string };
}

// One "tab": a provider of its own (its own socket) holding an inbox.
async function openTab(server: TestServer, user = ada): Promise<NotificationFeed> {
  const provider = await fixture(html`<realtime-provider .user=${user} url="${server.wsUrl}/ws" events="${server.url}/api/events" api="${server.url}/api">
    <notification-feed variant="inbox"></notification-feed>
  </realtime-provider>`);
  const feed = provider.querySelector('notification-feed')!;
  await waitUntil(() => feed.shadowRoot!.querySelector('[part="loading"]') === null && provider.getAttribute('state') === 'open', 'tab never ready', {
    timeout: 10_000,
  });
  return feed;
}

function titles(feed: NotificationFeed): string[] {
  return [...feed.shadowRoot!.querySelectorAll('[part~="item"] [part="title"]')].map((node) => node.textContent!);
}

describe('the inbox against the reference server', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
  });

  afterEach(async () => {
    await server.dispose();
  });

  it('lists the user\'s notifications with the server\'s count, and a read in one tab reaches the other', async () => {
    await publish(server, { title: 'for everyone' });
    await publish(server, { title: 'for Ada', to: 'ada' });
    await publish(server, { title: 'for Bob', to: 'bob' });
    const first = await openTab(server);
    const second = await openTab(server);
    expect(titles(first)).to.deep.equal(['for Ada', 'for everyone']);
    expect(first.unreadCount).to.equal(2);

    const live = await publish(server, { title: 'live for Ada', to: 'ada' });
    await waitUntil(() => first.unreadCount === 3 && second.unreadCount === 3, 'live notification not counted');
    expect(titles(second)[0]).to.equal('live for Ada');

    await first.markRead(live.id);
    expect(first.unreadCount).to.equal(2);
    await waitUntil(() => second.unreadCount === 2, 'the read never reached the other tab', { timeout: 5000 });
    await first.markAllRead();
    await waitUntil(() => second.unreadCount === 0, 'mark-all never reached the other tab', { timeout: 5000 });

    // The server kept it: a new tab starts at zero.
    const third = await openTab(server);
    expect(third.unreadCount).to.equal(0);
    expect(third.shadowRoot!.querySelectorAll('[part~="item-unread"]')).to.have.length(0);
  });

  it('archives through the server: the row is gone for a tab opened later', async () => {
    const created = await publish(server, { title: 'archive me', to: 'ada' });
    await publish(server, { title: 'keep me', to: 'ada' });
    const tab = await openTab(server);
    await tab.archive(created.id);
    expect(titles(tab)).to.deep.equal(['keep me']);
    const later = await openTab(server);
    expect(titles(later)).to.deep.equal(['keep me']);
    expect(later.unreadCount).to.equal(1);
  });
});
