import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define/realtime-provider.js';
import '../../src/define/connection-badge.js';
import '../../src/define/notification-feed.js';
import '../../src/define/activity-feed.js';
import type { RealtimeProvider } from '../../src/elements/realtime-provider/realtime-provider.js';
import type { ConnectionState } from '../../src/services/types.js';
import { type TestServer, startTestServer } from '../support/server.js';

async function post(server: TestServer, path: string, body: unknown): Promise<{ seq: number; id: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `POST ${path}`).to.equal(201);
  return (await response.json()) as { seq: number; id: string };
}

const pageUser = { id: 'it-user', name: 'Integration', color: '#1d4ed8' };

async function mountPage(server: TestServer) {
  const states: ConnectionState[] = [];
  const provider = await fixture<RealtimeProvider>(html`
    <realtime-provider
      .user=${pageUser}
      url="${server.wsUrl}/ws"
      events="${server.url}/api/events"
      api="${server.url}/api"
      collab="${server.wsUrl}/collab"
      @realtime-state-change=${(event: { state: ConnectionState }) => states.push(event.state)}
    >
      <connection-badge></connection-badge>
      <notification-feed duration="0"></notification-feed>
      <activity-feed></activity-feed>
    </realtime-provider>
  `);
  const badge = provider.querySelector('connection-badge')!;
  const notifications = provider.querySelector('notification-feed')!;
  const activity = provider.querySelector('activity-feed')!;
  return { provider, badge, notifications, activity, states };
}

describe('elements against the reference server', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer();
  });

  afterEach(async () => {
    await server.dispose();
  });

  it('the badge reaches open', async () => {
    const { provider, badge } = await mountPage(server);
    await waitUntil(() => badge.state === 'open', 'badge never opened', { timeout: 10_000 });
    expect(provider.getAttribute('state')).to.equal('open');
    expect(badge.shadowRoot!.querySelector('[part="label"]')!.textContent).to.equal('Connected');
  });

  it('a posted notification shows in the feed', async () => {
    const { badge, notifications } = await mountPage(server);
    await waitUntil(() => badge.state === 'open', 'badge never opened', { timeout: 10_000 });
    await post(server, '/api/notifications', { level: 'success', title: 'Deploy finished', message: 'v1.2.3 is live' });
    await waitUntil(() => notifications.notifications.length === 1, 'notification never arrived', { timeout: 10_000 });
    await notifications.updateComplete;
    const row = notifications.shadowRoot!.querySelector('[part~="item"]')!;
    expect(row.querySelector('[part="title"]')!.textContent).to.equal('Deploy finished');
    expect(row.querySelector('[part="level"]')!.textContent).to.equal('Success');
  });

  it('a notification addressed to another user does not show, one addressed to this user does', async () => {
    const { badge, notifications } = await mountPage(server);
    await waitUntil(() => badge.state === 'open', 'badge never opened', { timeout: 10_000 });
    await post(server, '/api/notifications', { level: 'info', title: 'for someone else', message: '', to: 'other-user' });
    await post(server, '/api/notifications', { level: 'info', title: 'for me', message: '', to: pageUser.id });
    await waitUntil(() => notifications.notifications.length >= 1, 'notification never arrived', { timeout: 10_000 });
    await post(server, '/api/notifications', { level: 'info', title: 'for everyone', message: '' });
    await waitUntil(() => notifications.notifications.length >= 2, 'broadcast never arrived', { timeout: 10_000 });
    expect(notifications.notifications.map((item) => item.title)).to.deep.equal(['for everyone', 'for me']);
  });

  it('the activity feed shows the first page and then live activity, each once', async () => {
    const first = await post(server, '/api/activities', { userName: 'Ada', action: 'created', target: 'Plan' });
    const second = await post(server, '/api/activities', { userName: 'Lin', action: 'edited', target: 'Plan' });
    const { badge, activity } = await mountPage(server);
    await waitUntil(() => activity.items.length === 2, 'first page never arrived', { timeout: 10_000 });
    expect(activity.items.map((item) => item.seq)).to.deep.equal([second.seq, first.seq]);
    await waitUntil(() => badge.state === 'open', 'badge never opened', { timeout: 10_000 });
    const third = await post(server, '/api/activities', { userName: 'Sam', action: 'closed', target: 'Plan' });
    await waitUntil(() => activity.items.length === 3, 'live activity never arrived', { timeout: 10_000 });
    expect(activity.items.map((item) => item.seq)).to.deep.equal([third.seq, second.seq, first.seq]);
  });

  it('after a server restart the badge goes reconnecting then open and later notifications arrive once', async () => {
    const { badge, notifications, states } = await mountPage(server);
    await waitUntil(() => badge.state === 'open', 'badge never opened', { timeout: 10_000 });
    await post(server, '/api/notifications', { level: 'info', title: 'before restart', message: '' });
    await waitUntil(() => notifications.notifications.length === 1, 'first notification never arrived', { timeout: 10_000 });

    states.length = 0;
    await server.restart();
    await waitUntil(() => states.includes('reconnecting'), 'never reconnecting', { timeout: 10_000 });
    await waitUntil(() => badge.state === 'open', 'never open again', { timeout: 15_000 });
    expect(states.indexOf('reconnecting')).to.be.lessThan(states.lastIndexOf('open'));

    await post(server, '/api/notifications', { level: 'warning', title: 'after restart', message: '' });
    await waitUntil(() => notifications.notifications.length === 2, 'notification after restart never arrived', { timeout: 10_000 });
    await notifications.updateComplete;
    const titles = notifications.notifications.map((item) => item.title);
    expect(titles).to.deep.equal(['after restart', 'before restart']);
    expect(notifications.shadowRoot!.querySelectorAll('[part~="item"]')).to.have.length(2);
  });
});
