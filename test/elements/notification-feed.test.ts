import { expect, fixture, oneEvent } from '@open-wc/testing';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import sinon from 'sinon';
import '../../src/define/notification-feed.js';
import type { NotificationFeed } from '../../src/elements/notification-feed/notification-feed.js';
import { NotificationDismissEvent } from '../../src/events/notification-events.js';
import { relativeTimeTickerState } from '../../src/controllers/relative-time-controller.js';
import { langObserverState } from '../../src/controllers/lang-controller.js';
import { FakeConnection, type FakeProvider, defineFakeProvider, notificationEnvelope } from '../support/fakes.js';

const providerTag = unsafeStatic(defineFakeProvider());
const me = { id: 'u-me', name: 'Me', color: '#123456' };

async function mount(attributes: { duration?: number; max?: number } = {}) {
  const connection = new FakeConnection('open');
  const provider = await fixture<FakeProvider>(
    staticHtml`<${providerTag} .connection=${connection} .user=${me}>
      <notification-feed duration=${attributes.duration ?? 0} max=${attributes.max ?? 50}></notification-feed>
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
    const base = feed.shadowRoot!.querySelector('[part="base"]')!;
    expect(base.getAttribute('role')).to.equal('log');
    expect(base.getAttribute('aria-live')).to.equal('polite');
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
    clock.tick(200);
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
    await feed.updateComplete;
    expect(time()).to.equal('2 minutes ago');
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
    await expect(feed).to.be.accessible();
  });

  it('removes every subscription and the ticker when unmounted, however often it is mounted', async () => {
    const { connection, provider, feed } = await mount({ duration: 5000 });
    connection.emit(notificationEnvelope());
    await settle(feed);
    for (let i = 0; i < 20; i += 1) {
      feed.remove();
      provider.append(feed);
    }
    expect(connection.handlerCount).to.equal(2);
    feed.remove();
    expect(connection.handlerCount).to.equal(0);
    expect(relativeTimeTickerState()).to.deep.equal({ hosts: 0, running: false });
    expect(langObserverState()).to.deep.equal({ hosts: 0, running: false });
  });
});
