import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/define/realtime-provider.js';
import '../../src/define/notification-feed.js';
import '../../src/define/activity-feed.js';
import type { ActivityFeed } from '../../src/elements/activity-feed/activity-feed.js';
import type { NotificationFeed } from '../../src/elements/notification-feed/notification-feed.js';
import type { RealtimeProvider } from '../../src/elements/realtime-provider/realtime-provider.js';
import type { RealtimeConnection, Transport, Unsubscribe } from '../../src/services/types.js';
import { type ChaosBlock, type ChaosFigures, type ChaosServer, startChaosServer } from '../support/server.js';

// The issue's figures: 2,000 numbered notifications and 2,000 numbered activities, 20 kills.
const COUNT = 2000;
const KILLS = 20;

/** What one page's services delivered, in arrival order. */
interface Delivered {
  /** `seq` of every numbered event from `onAny`, both types. */
  readonly seqs: number[];
  /** Titles from `on('notification.new')`. */
  readonly notifications: string[];
  /** Targets from `on('activity.new')`. */
  readonly activities: string[];
  /** Status changes and delivered envelopes whose `prev` is not the seq delivered before, for failure messages. */
  readonly trace: string[];
  /** Transports in the order the connection reported them (repeats collapsed). */
  readonly transports: Transport[];
}

interface Page {
  readonly name: string;
  readonly provider: RealtimeProvider;
  readonly delivered: Delivered;
  readonly notificationFeed: NotificationFeed | null;
  readonly activityFeed: ActivityFeed | null;
  stop(): void;
}

const numbered = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`);
const expectedNotifications = numbered('n');
const expectedActivities = numbered('a');

/** Subscribes to the provider's connection, and again should the provider hand down another one. */
function record(provider: RealtimeProvider): { delivered: Delivered; stop(): void } {
  const delivered: Delivered = { seqs: [], notifications: [], activities: [], trace: [], transports: [] };
  const t0 = performance.now();
  const note = (line: string) => {
    if (delivered.trace.length < 400) delivered.trace.push(`${Math.round(performance.now() - t0)}ms ${line}`);
  };
  let current: RealtimeConnection | undefined;
  let subscriptions: Unsubscribe[] = [];
  const follow = () => {
    const connection = provider.connection;
    if (connection === current) return;
    for (const unsubscribe of subscriptions) unsubscribe();
    current = connection;
    subscriptions = connection
      ? [
          connection.onAny((envelope) => {
            if ((envelope.type === 'notification.new' || envelope.type === 'activity.new') && envelope.seq !== undefined) {
              const last = delivered.seqs[delivered.seqs.length - 1];
              if (envelope.prev !== last) note(`seq ${envelope.seq} prev ${envelope.prev} after ${last}`);
              delivered.seqs.push(envelope.seq);
            } else note(`${envelope.type} ${JSON.stringify(envelope.payload).slice(0, 120)}`);
          }),
          connection.onStatus((status) => {
            note(`${status.state} ${status.transport} reason=${status.reason} code=${status.code} attempt=${status.attempt}`);
            if (status.state === 'open' && delivered.transports.at(-1) !== status.transport) delivered.transports.push(status.transport);
          }),
          connection.on('notification.new', (envelope) => delivered.notifications.push(envelope.payload.title)),
          connection.on('activity.new', (envelope) => delivered.activities.push(envelope.payload.target)),
        ]
      : [];
  };
  follow();
  provider.addEventListener('realtime-state-change', follow);
  return {
    delivered,
    stop: () => {
      provider.removeEventListener('realtime-state-change', follow);
      for (const unsubscribe of subscriptions) unsubscribe();
      subscriptions = [];
    },
  };
}

async function mountPage(server: ChaosServer, name: string, withFeeds: boolean): Promise<Page> {
  const user = { id: `chaos-${name}`, name, color: '#1d4ed8' };
  const provider = await fixture<RealtimeProvider>(html`
    <realtime-provider .user=${user} url="${server.wsUrl}/ws" events="${server.url}/api/events" api="${server.url}/api" collab="${server.wsUrl}/collab">
      ${withFeeds
        ? html`<notification-feed duration="0" max="2000"></notification-feed>
            <activity-feed max="2000"></activity-feed>`
        : null}
    </realtime-provider>
  `);
  const { delivered, stop } = record(provider);
  return {
    name,
    provider,
    delivered,
    notificationFeed: provider.querySelector('notification-feed'),
    activityFeed: provider.querySelector('activity-feed'),
    stop,
  };
}

/** Lost and doubled numbers of a delivered list against the expected one. */
function tally(got: readonly string[], expected: readonly string[]): { lost: number; doubled: number } {
  const seen = new Set(got);
  return { lost: expected.filter((item) => !seen.has(item)).length, doubled: got.length - seen.size };
}

function complete(page: Page): boolean {
  const { delivered, notificationFeed, activityFeed } = page;
  return (
    delivered.notifications.length >= COUNT &&
    delivered.activities.length >= COUNT &&
    (!notificationFeed || notificationFeed.notifications.length >= COUNT) &&
    (!activityFeed || activityFeed.items.length >= COUNT)
  );
}

const progress = (pages: readonly Page[]) =>
  pages.map((page) => `${page.delivered.seqs.length}/${page.notificationFeed?.notifications.length}/${page.activityFeed?.items.length}`).join(',');

/** Until every page has everything, or nothing changed for 15 s (then the checks name what is missing), at most 45 s. */
async function settle(pages: readonly Page[]): Promise<void> {
  const until = performance.now() + 45_000;
  let last = progress(pages);
  let changed = performance.now();
  await waitUntil(
    () => {
      if (pages.every(complete)) return true;
      const now = performance.now();
      const current = progress(pages);
      if (current !== last) {
        last = current;
        changed = now;
      }
      return now - changed > 15_000 || now > until;
    },
    undefined,
    { timeout: 50_000, interval: 200 },
  );
}

interface Tally {
  readonly lost: number;
  readonly doubled: number;
  readonly summary: string;
  readonly feedN: readonly string[] | null;
  readonly feedA: readonly string[] | null;
}

/** Lost and doubled numbers of one page, on the services' lists and in the feeds (the worse of the two). */
async function tallyPage(page: Page): Promise<Tally> {
  const { name, delivered, notificationFeed, activityFeed } = page;
  const n = tally(delivered.notifications, expectedNotifications);
  const a = tally(delivered.activities, expectedActivities);
  let lost = n.lost + a.lost;
  let doubled = n.doubled + a.doubled;
  let feedN: string[] | null = null;
  let feedA: string[] | null = null;
  let feeds = '';
  if (notificationFeed && activityFeed) {
    await notificationFeed.updateComplete;
    await activityFeed.updateComplete;
    feedN = notificationFeed.notifications.map((item) => item.title);
    feedA = activityFeed.items.map((item) => item.target);
    const fn = tally(feedN, expectedNotifications);
    const fa = tally(feedA, expectedActivities);
    lost = Math.max(lost, fn.lost + fa.lost);
    doubled = Math.max(doubled, fn.doubled + fa.doubled);
    feeds = `; feeds lost ${fn.lost + fa.lost} doubled ${fn.doubled + fa.doubled}`;
  }
  const summary =
    `${name}: notifications lost ${n.lost} doubled ${n.doubled}, activities lost ${a.lost} doubled ${a.doubled}${feeds}` +
    `; transports ${delivered.transports.join('>')}`;
  return { lost, doubled, summary, feedN, feedA };
}

/** Every number once, in order, on the services' lists (both types by `seq`, each type by number) and in the feeds, newest first. */
function assertPage(page: Page, { summary, feedN, feedA, lost, doubled }: Tally): void {
  const { name, delivered } = page;
  if (lost + doubled > 0) console.warn(`${summary}\n${delivered.trace.join('\n')}`);
  expect(delivered.notifications, `${summary}; notification order`).to.deep.equal(expectedNotifications);
  expect(delivered.activities, `${summary}; activity order`).to.deep.equal(expectedActivities);
  expect(delivered.seqs.length, `${summary}; onAny count`).to.equal(COUNT * 2);
  const backwards = delivered.seqs.findIndex((seq, i) => i > 0 && seq <= delivered.seqs[i - 1]!);
  expect(backwards, `${name}: seq list strictly increasing (first break at index ${backwards})`).to.equal(-1);
  if (feedN) expect(feedN, `${summary}; notification feed, newest first`).to.deep.equal([...expectedNotifications].reverse());
  if (feedA) expect(feedA, `${summary}; activity feed, newest first`).to.deep.equal([...expectedActivities].reverse());
}

async function chaosVariant(this: Mocha.Context, label: string, block: ChaosBlock | undefined, transport: Transport): Promise<void> {
  this.timeout(120_000);
  const server = await startChaosServer(block ? { block } : {});
  const pages: Page[] = [];
  const started = performance.now();
  try {
    pages.push(await mountPage(server, 'feeds', true), await mountPage(server, 'bare', false));
    // A fresh subscription starts from now: nothing may be published before every page listens.
    await waitUntil(
      () => pages.every((page) => page.provider.state === 'open' && page.provider.transport === transport),
      `pages never opened over ${transport}`,
      { timeout: 30_000 },
    );

    const figures: ChaosFigures = await server.run({ count: COUNT, kills: KILLS, seed: 7 });
    // Let the stragglers arrive; the checks below name what is missing if they never do.
    const ran = performance.now();
    await settle(pages);
    const catchUp = Math.round(performance.now() - ran);
    const tallies: Tally[] = [];
    for (const page of pages) tallies.push(await tallyPage(page));
    // The figures the issue asks for, one line per variant in the runner's output, pass or fail.
    console.log(
      `chaos ${label}: kills ${figures.kills}, items ${figures.published}, ` +
        `lost ${Math.max(...tallies.map((t) => t.lost))}, doubled ${Math.max(...tallies.map((t) => t.doubled))}, ` +
        `retries ${figures.retries}, idempotent replays ${figures.replays} (answers dropped on purpose ${figures.lostAnswers}), ` +
        `down ${figures.downMs} ms, publish ${figures.ms} ms, catch-up after the run ${catchUp} ms, wall ${Math.round(performance.now() - started)} ms; ` +
        tallies.map((t) => t.summary).join('; '),
    );

    expect(figures.kills).to.equal(KILLS);
    expect(figures.published).to.equal(COUNT * 2);
    expect(figures.epochs, 'the log kept its epoch through every kill').to.equal(1);
    expect(figures.lostAnswers, 'every other kill drops a stored item\'s answer').to.equal(KILLS / 2);
    expect(figures.replays, 'each re-sent stored item is answered from its Idempotency-Key').to.be.at.least(figures.lostAnswers);
    expect(figures.log.notifications).to.deep.equal({ distinct: COUNT, doubled: 0 });
    expect(figures.log.activities).to.deep.equal({ distinct: COUNT, doubled: 0 });

    pages.forEach((page, i) => assertPage(page, tallies[i]!));
  } finally {
    for (const page of pages) {
      page.stop();
      page.provider.remove();
    }
    await server.dispose();
  }
}

describe('chaos: the real server killed 20 times while it publishes 2,000 notifications and 2,000 activities', () => {
  it('over WebSocket every page gets each number exactly once, in order, and the feeds hold each once', async function () {
    await chaosVariant.call(this, 'websocket', undefined, 'websocket');
  });

  it('with WebSocket blocked (SSE) every page gets each number exactly once, in order, and the feeds hold each once', async function () {
    await chaosVariant.call(this, 'sse', { websocket: true }, 'sse');
  });

  it('with WebSocket and SSE blocked (polling) every page gets each number exactly once, in order, and the feeds hold each once', async function () {
    await chaosVariant.call(this, 'polling', { websocket: true, sse: true }, 'polling');
  });
});
