import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import sinon from 'sinon';
import '../../src/define/notification-feed.js';
import { MIN_TOAST_MS, RESUME_MIN_MS, type NotificationFeed } from '../../src/elements/notification-feed/notification-feed.js';
import { ANNOUNCE_INTERVAL_MS } from '../../src/controllers/live-announcer.js';
import { NotificationDismissEvent } from '../../src/events/notification-events.js';
import { relativeTimeTickerState } from '../../src/controllers/relative-time-controller.js';
import { langObserverState } from '../../src/controllers/lang-controller.js';
import { FakeConnection, type FakeProvider, defineFakeProvider, notificationEnvelope } from '../support/fakes.js';

const providerTag = unsafeStatic(defineFakeProvider());
const cdp = (method: string, params: object) => executeServerCommand('cdp', { method, params });
const me = { id: 'u-me', name: 'Me', color: '#123456' };

async function mount(attributes: { duration?: number; max?: number; groupWindow?: number } = {}) {
  const connection = new FakeConnection('open');
  const provider = await fixture<FakeProvider>(
    staticHtml`<${providerTag} .connection=${connection} .user=${me}>
      <notification-feed duration=${attributes.duration ?? 0} max=${attributes.max ?? 50} group-window=${attributes.groupWindow ?? 10_000}></notification-feed>
    </${providerTag}>`,
  );
  const feed = provider.querySelector('notification-feed')!;
  await feed.updateComplete;
  return { connection, provider, feed };
}

// updateComplete also waits for the frame that flushes live events (a timer stands in for hidden tabs).
async function settle(feed: NotificationFeed): Promise<void> {
  await feed.updateComplete;
}

// Rows fade in; axe would judge a half-transparent row's contrast, so finish the animations first.
async function accessible(feed: NotificationFeed): Promise<void> {
  for (const animation of feed.shadowRoot!.getAnimations()) animation.finish();
  await expect(feed).to.be.accessible();
}

function rows(feed: NotificationFeed): HTMLElement[] {
  return [...feed.shadowRoot!.querySelectorAll<HTMLElement>('[part~="item"]')];
}

function titles(feed: NotificationFeed): string[] {
  return rows(feed).map((row) => row.querySelector('[part="title"]')!.textContent!.trim());
}

describe('<notification-feed>', () => {
  afterEach(() => sinon.restore());

  it('shows a live notification with its level in words, an icon, title, message and time', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ level: 'warning', title: 'Disk almost full', message: '92% used' }));
    await settle(feed);
    const [row] = rows(feed);
    expect(row).to.exist;
    expect(row!.querySelector('[part="level"]')!.textContent).to.equal('Warning');
    expect(row!.querySelector('[part="icon"]')).to.exist;
    expect(row!.querySelector('[part="title"]')!.textContent).to.equal('Disk almost full');
    expect(row!.querySelector('[part="message"]')!.textContent).to.equal('92% used');
    expect(row!.querySelector('[part="time"]')!.textContent).to.equal('now');
    // Said once through the polite live region, not by a live list that would read every row.
    expect(feed.shadowRoot!.querySelector('[role="status"][aria-live="polite"]')!.textContent).to.equal('Warning: Disk almost full');
    expect(feed.shadowRoot!.querySelector('[part="list"]')!.hasAttribute('aria-live')).to.equal(false);
    expect(feed.variant).to.equal('toast');
    expect(feed.getAttribute('placement')).to.equal('bottom-end');
  });

  it('renders text from the network as text, never as HTML', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: '<img src=x onerror=alert(1)>', message: '<b>bold</b>' }));
    await settle(feed);
    expect(feed.shadowRoot!.querySelector('img, b')).to.equal(null);
    expect(titles(feed)).to.deep.equal(['<img src=x onerror=alert(1)>']);
  });

  it('ignores notifications addressed to another user and shows those for this one', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: 'for someone else', to: 'u-other' }));
    connection.emit(notificationEnvelope({ title: 'for me', to: 'u-me' }));
    connection.emit(notificationEnvelope({ title: 'for everyone' }));
    await settle(feed);
    expect(titles(feed)).to.deep.equal(['for everyone', 'for me']);
  });

  it('links the title only when the notification has a link', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: 'plain' }));
    connection.emit(notificationEnvelope({ title: 'linked', link: '/orders/7' }));
    await settle(feed);
    const [linked, plain] = rows(feed);
    expect(linked!.querySelector('a[part="title"]')!.getAttribute('href')).to.equal('/orders/7');
    expect(plain!.querySelector('a')).to.equal(null);
  });

  it('dismisses a notification from its labelled button and fires notification-dismiss', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: 'Build finished' }));
    await settle(feed);
    const button = rows(feed)[0]!.querySelector<HTMLButtonElement>('[part="dismiss"]')!;
    expect(button.getAttribute('aria-label')).to.equal('Dismiss notification: Build finished');
    setTimeout(() => button.click());
    const event = (await oneEvent(feed, 'notification-dismiss')) as unknown as NotificationDismissEvent;
    expect(event).to.be.instanceOf(NotificationDismissEvent);
    expect(event.reason).to.equal('user');
    expect(event.notification.title).to.equal('Build finished');
    await feed.updateComplete;
    expect(rows(feed)).to.have.length(0);
  });

  it('moves focus to the next dismiss button after a keyboard dismiss', async () => {
    const { connection, feed } = await mount();
    for (const title of ['a', 'b', 'c']) connection.emit(notificationEnvelope({ title }));
    await settle(feed);
    const buttonOf = (title: string) =>
      rows(feed)
        .find((row) => row.querySelector('[part="title"]')!.textContent === title)!
        .querySelector<HTMLButtonElement>('[part="dismiss"]')!;
    buttonOf('b').focus();
    buttonOf('b').click();
    await feed.updateComplete;
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['c', 'a']);
    expect(feed.shadowRoot!.activeElement).to.equal(buttonOf('a'));
  });

  it('moves focus to the list itself when the last notification is dismissed', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: 'only' }));
    await settle(feed);
    const button = rows(feed)[0]!.querySelector<HTMLButtonElement>('[part="dismiss"]')!;
    button.focus();
    button.click();
    await feed.updateComplete;
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal([]);
    expect(feed.shadowRoot!.activeElement).to.equal(feed.shadowRoot!.querySelector('[part="base"]'));
  });

  it('keeps a notification when a listener cancels the dismiss event', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: 'Keep me' }));
    await settle(feed);
    feed.addEventListener('notification-dismiss', (event) => event.preventDefault(), { once: true });
    rows(feed)[0]!.querySelector<HTMLButtonElement>('[part="dismiss"]')!.click();
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['Keep me']);
  });

  it('dismisses after `duration` ms and keeps notifications with duration 0', async () => {
    const { connection, feed } = await mount({ duration: 5000 });
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    const reasons: string[] = [];
    feed.addEventListener('notification-dismiss', (event) => reasons.push(event.reason));
    connection.emit(notificationEnvelope({ title: 'short-lived' }));
    clock.tick(20);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['short-lived']);
    clock.tick(4900);
    await feed.updateComplete;
    expect(titles(feed)).to.have.length(1);
    clock.tick(200);
    await feed.updateComplete;
    expect(titles(feed)).to.have.length(0);
    expect(reasons).to.deep.equal(['timeout']);

    feed.duration = 0;
    connection.emit(notificationEnvelope({ title: 'stays' }));
    clock.tick(60_000);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['stays']);
  });

  it('pauses auto-dismiss on hover and focus and resumes with the time left', async () => {
    const { connection, feed } = await mount({ duration: 5000 });
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    connection.emit(notificationEnvelope({ title: 'read me' }));
    clock.tick(16);
    await feed.updateComplete;
    clock.tick(3000);
    feed.dispatchEvent(new PointerEvent('pointerenter'));
    clock.tick(60_000);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['read me']);
    feed.dispatchEvent(new PointerEvent('pointerleave'));
    // About 2 s were left when the pointer arrived.
    clock.tick(1900);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['read me']);

    // Real focus is unreliable in a background test tab (no window focus), so send the events a
    // focus move produces; the feed listens for exactly these.
    const dismiss = rows(feed)[0]!.querySelector<HTMLButtonElement>('[part="dismiss"]')!;
    dismiss.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    clock.tick(60_000);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['read me']);
    dismiss.dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true, relatedTarget: null }));
    // About 100 ms were left, but a resumed toast stays at least RESUME_MIN_MS more.
    clock.tick(RESUME_MIN_MS - 50);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['read me']);
    clock.tick(100);
    await feed.updateComplete;
    expect(titles(feed)).to.have.length(0);
  });

  it('keeps only the newest `max` notifications', async () => {
    const { connection, feed } = await mount({ max: 3 });
    for (let i = 1; i <= 5; i += 1) connection.emit(notificationEnvelope({ title: `n${i}` }));
    await settle(feed);
    expect(titles(feed)).to.deep.equal(['n5', 'n4', 'n3']);
  });

  it('drops the oldest when `max` is lowered', async () => {
    const { connection, feed } = await mount({ max: 5 });
    for (let i = 1; i <= 5; i += 1) connection.emit(notificationEnvelope({ title: `n${i}` }));
    await settle(feed);
    feed.max = 2;
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['n5', 'n4']);
  });

  it('resumes auto-dismiss after being moved while the pointer was over it', async () => {
    const { connection, provider, feed } = await mount({ duration: 5000 });
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    connection.emit(notificationEnvelope({ title: 'moved' }));
    clock.tick(16);
    await feed.updateComplete;
    feed.dispatchEvent(new PointerEvent('pointerenter'));
    feed.remove();
    provider.append(feed);
    clock.tick(5100);
    await feed.updateComplete;
    expect(titles(feed)).to.have.length(0);
  });

  it('renders a burst once per animation frame', async () => {
    const { connection, feed } = await mount();
    let renders = 0;
    feed.addController({ hostUpdated: () => void (renders += 1) });
    for (let i = 0; i < 100; i += 1) connection.emit(notificationEnvelope());
    await settle(feed);
    expect(renders).to.equal(1);
    expect(rows(feed)).to.have.length(50);
  });

  it('in a stream of bursts waits 250 ms between renders instead of replacing every row each frame', async () => {
    const { connection, feed } = await mount({ max: 5 });
    // Fake frames and timers after mounting (a frame every 16 ms of fake time).
    const clock = sinon.useFakeTimers({
      now: Date.now(),
      toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'Date'],
    });
    try {
      let renders = 0;
      feed.addController({ hostUpdated: () => void (renders += 1) });
      const burst = (from: number) => {
        for (let i = from; i < from + 100; i += 1) connection.emit(notificationEnvelope({ id: `s-${i}`, title: `s ${i}` }));
      };
      const first = () => rows(feed)[0]?.querySelector('[part="title"]')?.textContent;
      burst(0);
      await clock.tickAsync(20);
      expect(first()).to.equal('s 99');
      // 100 more a frame later: a burst. They render in the next frame; the next ones wait.
      burst(100);
      await clock.tickAsync(20);
      expect(first()).to.equal('s 199');
      const before = renders;
      burst(200);
      await clock.tickAsync(200);
      expect(renders, 'rendered within the burst wait').to.equal(before);
      expect(first()).to.equal('s 199');
      await clock.tickAsync(100);
      expect(first()).to.equal('s 299');
      expect(renders).to.equal(before + 1);
      expect(rows(feed)).to.have.length(5);
      expect(feed.unreadCount).to.equal(300);
    } finally {
      clock.restore();
    }
  });

  it('C22: 10,000 notifications never hold more DOM rows than the cap and keep the newest', async () => {
    const { connection, feed } = await mount({ max: 50 });
    let shown = 0;
    feed.addEventListener('notification-show', () => void (shown += 1));
    for (let i = 1; i <= 10_000; i += 1) {
      connection.emit(notificationEnvelope({ id: `c22-${i}`, title: `c22 ${i}` }));
      if (i % 1000 === 0) {
        await settle(feed);
        expect(rows(feed).length).to.be.at.most(50);
      }
    }
    await settle(feed);
    expect(rows(feed)).to.have.length(50);
    expect(feed.notifications).to.have.length(50);
    expect(titles(feed)[0]).to.equal('c22 10000');
    expect(titles(feed)[49]).to.equal('c22 9951');
    expect(shown).to.be.at.most(10_000);
    // The bell counts every one, not just the rows the cap kept.
    expect(feed.unreadCount).to.equal(10_000);
    expect(feed.getAttribute('unread-count')).to.equal('10000');
  });

  it('keeps every notification of a burst larger than a frame holds when its cap allows (chaos regression)', async () => {
    const { connection, feed } = await mount({ max: 2000, duration: 0 });
    for (let i = 1; i <= 1500; i += 1) connection.emit(notificationEnvelope({ id: `burst-${i}`, title: `burst ${i}` }));
    await settle(feed);
    expect(feed.notifications).to.have.length(1500);
    expect(feed.notifications[0]!.title).to.equal('burst 1500');
    expect(feed.notifications.at(-1)!.title).to.equal('burst 1');
  });

  it('ticks relative times on the shared ticker', async () => {
    // The shared ticker starts with its first host, so fake the clock before mounting.
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: 'ticking' }, { ts: Date.now() }));
    await settle(feed);
    const time = () => rows(feed)[0]!.querySelector('[part="time"]')!.textContent;
    expect(time()).to.equal('now');
    clock.tick(120_000);
    // The tick renders in the next animation frame, with anything else that frame flushes.
    await waitUntil(() => time() === '2 minutes ago', 'the time never ticked');
  });

  it('formats times in the element language', async () => {
    const { connection, feed } = await mount();
    feed.lang = 'fr';
    connection.emit(notificationEnvelope({ level: 'error', title: 'x' }, { ts: Date.now() - 3 * 3600_000 }));
    await settle(feed);
    expect(rows(feed)[0]!.querySelector('[part="time"]')!.textContent).to.equal('il y a 3 heures');
    expect(rows(feed)[0]!.querySelector('[part="level"]')!.textContent).to.equal('Erreur');
  });

  it('is accessible with every level shown', async () => {
    const { connection, feed } = await mount();
    for (const level of ['info', 'success', 'warning', 'error'] as const) {
      connection.emit(notificationEnvelope({ level, title: `A ${level}`, link: level === 'info' ? '/x' : undefined }));
    }
    await settle(feed);
    await accessible(feed);
  });

  it('removes every subscription and the ticker when unmounted, however often it is mounted', async () => {
    const { connection, provider, feed } = await mount({ duration: 5000 });
    connection.emit(notificationEnvelope());
    await settle(feed);
    for (let i = 0; i < 20; i += 1) {
      feed.remove();
      provider.append(feed);
    }
    // Status, notification.new, notification.read and reset.
    expect(connection.handlerCount).to.equal(4);
    feed.remove();
    expect(connection.handlerCount).to.equal(0);
    expect(relativeTimeTickerState()).to.deep.equal({ hosts: 0, running: false });
    expect(langObserverState()).to.deep.equal({ hosts: 0, running: false });
  });

  it('never lets a toast leave sooner than the minimum display time', async () => {
    const { connection, feed } = await mount({ duration: 1000 });
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    connection.emit(notificationEnvelope({ title: 'brief' }));
    clock.tick(16);
    await feed.updateComplete;
    clock.tick(MIN_TOAST_MS - 100);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['brief']);
    clock.tick(200);
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal([]);
  });

  it('dismisses the focused toast on Escape, and the newest when focus is on the stack', async () => {
    const { connection, feed } = await mount();
    for (const title of ['a', 'b', 'c']) connection.emit(notificationEnvelope({ title }));
    await settle(feed);
    const dismissed: string[] = [];
    feed.addEventListener('notification-dismiss', (event) => dismissed.push(event.notification.title));
    const rowB = rows(feed).find((row) => row.textContent!.includes('b'))!;
    rowB.querySelector('[part="dismiss"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['c', 'a']);
    feed.shadowRoot!.querySelector('[part="base"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await feed.updateComplete;
    expect(titles(feed)).to.deep.equal(['a']);
    expect(dismissed).to.deep.equal(['b', 'c']);
  });

  it('keeps five toasts by default and sums up the rest as "+N more"', async () => {
    const connection = new FakeConnection('open');
    const provider = await fixture<FakeProvider>(staticHtml`<${providerTag} .connection=${connection} .user=${me}><notification-feed duration="0"></notification-feed></${providerTag}>`);
    const feed = provider.querySelector('notification-feed')!;
    for (let i = 1; i <= 8; i += 1) connection.emit(notificationEnvelope({ title: `t${i}` }));
    await settle(feed);
    expect(titles(feed)).to.deep.equal(['t8', 't7', 't6', 't5', 't4']);
    expect(feed.shadowRoot!.querySelector('[part="more"]')!.textContent).to.equal('+3 more');
    // Once the stack is empty the summary starts over.
    for (const title of ['t8', 't7', 't6', 't5', 't4']) feed.dismiss(feed.notifications.find((n) => n.title === title)!.id);
    await feed.updateComplete;
    expect(feed.shadowRoot!.querySelector('[part="more"]')).to.equal(null);
  });

  it('floats at each of six placements', async () => {
    const { feed } = await mount();
    const inset = () => {
      const box = feed.getBoundingClientRect();
      const block = box.top < innerHeight / 2 ? 'top' : 'bottom';
      const inline = box.left < 40 ? 'start' : box.right > innerWidth - 40 ? 'end' : 'center';
      return [getComputedStyle(feed).position, block, inline];
    };
    const expected = {
      'top-start': ['fixed', 'top', 'start'],
      'top-center': ['fixed', 'top', 'center'],
      'top-end': ['fixed', 'top', 'end'],
      'bottom-start': ['fixed', 'bottom', 'start'],
      'bottom-center': ['fixed', 'bottom', 'center'],
      'bottom-end': ['fixed', 'bottom', 'end'],
    } as const;
    for (const [placement, want] of Object.entries(expected)) {
      feed.placement = placement as keyof typeof expected;
      await feed.updateComplete;
      expect(inset(), placement).to.deep.equal(want);
    }
  });

  it('merges the same group within the window into one row with a count, and starts a new row after it', async () => {
    const { connection, feed } = await mount({ groupWindow: 10_000 });
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    for (let i = 1; i <= 3; i += 1) connection.emit(notificationEnvelope({ title: `build ${i} failed`, group: 'ci' }));
    connection.emit(notificationEnvelope({ title: 'other' }));
    await settle(feed);
    expect(titles(feed)).to.deep.equal(['other', 'build 3 failed']);
    const merged = rows(feed)[1]!;
    expect(merged.querySelector('[part="count"]')!.textContent).to.equal('×3');
    clock.tick(10_001);
    connection.emit(notificationEnvelope({ title: 'build 4 failed', group: 'ci' }));
    await settle(feed);
    expect(titles(feed)).to.deep.equal(['build 4 failed', 'other', 'build 3 failed']);
    expect(rows(feed)[0]!.querySelector('[part="count"]')).to.equal(null);
  });

  it('shows a replayed notification once, without a count', async () => {
    const { connection, feed } = await mount();
    const envelope = notificationEnvelope({ id: 'once', title: 'once' });
    connection.emit(envelope);
    connection.emit(envelope);
    await settle(feed);
    connection.emit(envelope);
    await settle(feed);
    expect(titles(feed)).to.deep.equal(['once']);
    expect(feed.shadowRoot!.querySelector('[part="count"]')).to.equal(null);
    expect(feed.unreadCount).to.equal(1);
  });

  it('announces one notification as itself, a burst as a count, and errors assertively', async () => {
    const { connection, feed } = await mount();
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    const polite = () => feed.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent!.trim();
    const assertive = () => feed.shadowRoot!.querySelector('[aria-live="assertive"]')!.textContent!.trim();
    connection.emit(notificationEnvelope({ title: 'first' }));
    clock.tick(16);
    await feed.updateComplete;
    expect(polite()).to.equal('Info: first');
    for (let i = 0; i < 5; i += 1) connection.emit(notificationEnvelope({ title: `more ${i}` }));
    connection.emit(notificationEnvelope({ level: 'error', title: 'Payment failed' }));
    connection.emit(notificationEnvelope({ level: 'error', title: 'Sync failed' }));
    clock.tick(16);
    await feed.updateComplete;
    // The errors' channel had said nothing yet: its first goes at once, the polite ones wait.
    expect(polite()).to.equal('Info: first');
    expect(assertive()).to.equal('Error: Payment failed');
    clock.tick(ANNOUNCE_INTERVAL_MS + 16);
    await feed.updateComplete;
    expect(polite()).to.equal('5 new notifications');
    expect(assertive()).to.equal('Error: Sync failed');
  });

  it('renders a custom item template from renderItem, as text', async () => {
    const { connection, feed } = await mount();
    feed.renderItem = (notification, context) => html`<strong class="custom">${notification.title} (${context.count}, ${context.variant})</strong>`;
    connection.emit(notificationEnvelope({ title: '<i>x</i>' }));
    await settle(feed);
    const custom = rows(feed)[0]!.querySelector('.custom')!;
    expect(custom.textContent).to.equal('<i>x</i> (1, toast)');
    expect(rows(feed)[0]!.querySelector('[part="dismiss"]')).to.exist;
  });

  it('turns animation off for reduced motion and keeps edges in forced colours', async () => {
    const { connection, feed } = await mount();
    connection.emit(notificationEnvelope({ title: 'still' }));
    await settle(feed);
    const row = () => rows(feed)[0]!;
    expect(getComputedStyle(row()).animationName).to.equal('rt-enter');
    await cdp('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-reduced-motion', value: 'reduce' }, { name: 'forced-colors', value: 'active' }] });
    try {
      expect(getComputedStyle(row()).animationName).to.equal('none');
      expect(getComputedStyle(row()).boxShadow).to.equal('none');
      await accessible(feed);
    } finally {
      await cdp('Emulation.setEmulatedMedia', { features: [] });
    }
  });

  it('is accessible as an empty toast stack and with a "+N more" summary', async () => {
    const { connection, feed } = await mount({ max: 2 });
    await accessible(feed);
    for (let i = 0; i < 4; i += 1) connection.emit(notificationEnvelope({ level: i % 2 ? 'error' : 'success', title: `t${i}` }));
    await settle(feed);
    expect(feed.shadowRoot!.querySelector('[part="more"]')).to.exist;
    await accessible(feed);
  });
});
