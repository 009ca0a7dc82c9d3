import { expect, fixture, fixtureSync, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js';
import sinon from 'sinon';
import { ConnectionController } from '../../src/controllers/connection-controller.js';
import { FRAME_FALLBACK_MS, FrameBatcher, type FrameScheduler } from '../../src/controllers/frame-batcher.js';
import {
  RELATIVE_TIME_TICK_MS,
  RelativeTimeController,
  formatRelativeTime,
  relativeTimeTickerState,
} from '../../src/controllers/relative-time-controller.js';
import { FakeConnection, type FakeProvider, defineFakeProvider, notificationEnvelope, uniqueTag } from '../support/fakes.js';

/** A frame scheduler the test advances by hand. */
class ManualFrames implements FrameScheduler {
  callbacks = new Map<number, () => void>();
  next = 1;
  request(callback: () => void): number {
    const handle = this.next++;
    this.callbacks.set(handle, callback);
    return handle;
  }
  cancel(handle: unknown): void {
    this.callbacks.delete(handle as number);
  }
  frame(): void {
    const callbacks = [...this.callbacks.values()];
    this.callbacks.clear();
    for (const callback of callbacks) callback();
  }
}

class BatchHost extends LitElement {
  frames = new ManualFrames();
  flushed: number[][] = [];
  renders = 0;
  batcher = new FrameBatcher<number>(this, (items) => this.flushed.push(items), { scheduler: this.frames, max: 5 });
  protected override render() {
    this.renders += 1;
    return html`${this.flushed.length}`;
  }
}
const batchTag = uniqueTag('batch-host');
customElements.define(batchTag, BatchHost);

class TimeHost extends LitElement {
  times = new RelativeTimeController(this);
  renders = 0;
  protected override render() {
    this.renders += 1;
    return html``;
  }
}
const timeTag = uniqueTag('time-host');
customElements.define(timeTag, TimeHost);

class StatusHost extends LitElement {
  received: string[] = [];
  controller = new ConnectionController(this, {
    subscribe: (connection) => [connection.on('notification.new', (envelope) => this.received.push(envelope.payload.title))],
  });
  protected override render() {
    return html`${this.controller.status.state}`;
  }
}
const statusTag = uniqueTag('status-host');
customElements.define(statusTag, StatusHost);
const providerTag = unsafeStatic(defineFakeProvider());

describe('FrameBatcher', () => {
  it('flushes everything added in one frame once and renders once', async () => {
    const host = await fixture<BatchHost>(staticHtml`<${unsafeStatic(batchTag)}></${unsafeStatic(batchTag)}>`);
    const rendersBefore = host.renders;
    for (let i = 1; i <= 3; i += 1) host.batcher.add(i);
    expect(host.flushed).to.deep.equal([]);
    expect(host.frames.callbacks.size).to.equal(1);
    host.frames.frame();
    await host.updateComplete;
    expect(host.flushed).to.deep.equal([[1, 2, 3]]);
    expect(host.renders).to.equal(rendersBefore + 1);
  });

  it('keeps only the newest `max` items between frames and counts the rest', async () => {
    const host = await fixture<BatchHost>(staticHtml`<${unsafeStatic(batchTag)}></${unsafeStatic(batchTag)}>`);
    for (let i = 1; i <= 8; i += 1) host.batcher.add(i);
    host.frames.frame();
    expect(host.flushed).to.deep.equal([[4, 5, 6, 7, 8]]);
    expect(host.batcher.dropped).to.equal(3);
  });

  it('reads a bound given as a function on every add, so a list keeps everything its own cap allows', async () => {
    const host = await fixture<BatchHost>(staticHtml`<${unsafeStatic(batchTag)}></${unsafeStatic(batchTag)}>`);
    let cap = 2;
    const batcher = new FrameBatcher<number>(host, (items) => host.flushed.push(items), { scheduler: host.frames, max: () => cap });
    cap = 1500;
    for (let i = 1; i <= 1500; i += 1) batcher.add(i);
    host.frames.frame();
    expect(host.flushed.at(-1)).to.have.length(1500);
    expect(batcher.dropped).to.equal(0);
  });

  it('cancels its frame when the host leaves and flushes after it returns', async () => {
    const host = await fixture<BatchHost>(staticHtml`<${unsafeStatic(batchTag)}></${unsafeStatic(batchTag)}>`);
    const parent = host.parentElement!;
    host.batcher.add(1);
    host.remove();
    expect(host.frames.callbacks.size).to.equal(0);
    parent.append(host);
    expect(host.frames.callbacks.size).to.equal(1);
    host.frames.frame();
    expect(host.flushed).to.deep.equal([[1]]);
  });
});

describe('RelativeTimeController', () => {
  afterEach(() => sinon.restore());

  it('runs one shared ticker for every host, started lazily and stopped with the last host', async () => {
    const clock = sinon.useFakeTimers({ now: 0, toFake: ['setInterval', 'clearInterval'] });
    expect(relativeTimeTickerState()).to.deep.equal({ hosts: 0, running: false });
    const root = fixtureSync<HTMLElement>(
      staticHtml`<div><${unsafeStatic(timeTag)}></${unsafeStatic(timeTag)}><${unsafeStatic(timeTag)}></${unsafeStatic(timeTag)}></div>`,
    );
    const [a, b] = [...root.children] as TimeHost[];
    await a!.updateComplete;
    await b!.updateComplete;
    expect(relativeTimeTickerState()).to.deep.equal({ hosts: 2, running: true });
    expect(clock.countTimers()).to.equal(1);
    const before = [a!.renders, b!.renders];
    clock.tick(RELATIVE_TIME_TICK_MS);
    await a!.updateComplete;
    await b!.updateComplete;
    expect([a!.renders, b!.renders]).to.deep.equal([before[0]! + 1, before[1]! + 1]);
    a!.remove();
    expect(relativeTimeTickerState()).to.deep.equal({ hosts: 1, running: true });
    b!.remove();
    expect(relativeTimeTickerState()).to.deep.equal({ hosts: 0, running: false });
    expect(clock.countTimers()).to.equal(0);
  });

  it('formats in the element language, falling back to the page language', async () => {
    const root = fixtureSync<HTMLElement>(
      staticHtml`<div lang="de"><${unsafeStatic(timeTag)}></${unsafeStatic(timeTag)}></div>`,
    );
    const host = root.firstElementChild as TimeHost;
    const now = Date.now();
    expect(host.times.format(now - 5 * 60_000, now)).to.equal('vor 5 Minuten');
    host.lang = 'en';
    expect(host.times.format(now - 5 * 60_000, now)).to.equal('5 minutes ago');
    expect(host.times.format(now - 10_000, now)).to.equal('now');
  });

  it('picks sensible units and survives an invalid language tag', () => {
    const now = 1_000_000_000_000;
    expect(formatRelativeTime(now - 3 * 3600_000, now, 'en')).to.equal('3 hours ago');
    expect(formatRelativeTime(now - 24 * 3600_000, now, 'en')).to.equal('yesterday');
    expect(formatRelativeTime(now + 2 * 60_000, now, 'en')).to.equal('in 2 minutes');
    expect(formatRelativeTime(now - 60_000, now, 'not a tag!')).to.equal('1 minute ago');
  });
});

describe('ConnectionController', () => {
  it('is idle without a provider', async () => {
    const host = await fixture<StatusHost>(staticHtml`<${unsafeStatic(statusTag)}></${unsafeStatic(statusTag)}>`);
    expect(host.controller.status.state).to.equal('idle');
    expect(host.controller.connection).to.equal(undefined);
    expect(host.shadowRoot!.textContent).to.equal('idle');
  });

  it('subscribes while connected, follows a swapped connection and unsubscribes on disconnect', async () => {
    const first = new FakeConnection('open');
    const provider = await fixture<FakeProvider>(
      staticHtml`<${providerTag} .connection=${first}><${unsafeStatic(statusTag)}></${unsafeStatic(statusTag)}></${providerTag}>`,
    );
    const host = provider.firstElementChild as StatusHost;
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.equal('open');
    first.emit(notificationEnvelope({ title: 'one' }));
    const second = new FakeConnection('reconnecting');
    provider.connection = second;
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.equal('reconnecting');
    expect(first.handlerCount).to.equal(0);
    first.emit(notificationEnvelope({ title: 'lost' }));
    second.emit(notificationEnvelope({ title: 'two' }));
    expect(host.received).to.deep.equal(['one', 'two']);
    host.remove();
    expect(second.handlerCount).to.equal(0);
    provider.connection = undefined;
    provider.append(host);
    await host.updateComplete;
    expect(host.controller.status.state).to.equal('idle');
  });
});

describe('FrameBatcher in a tab without animation frames', () => {
  afterEach(() => sinon.restore());

  function bareHost() {
    return { requestUpdate: () => {}, addController: () => {} } as unknown as ConstructorParameters<typeof FrameBatcher>[0];
  }

  it('flushes on the next frame and cancels its fallback timer', () => {
    const clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    const flushed: number[][] = [];
    const batcher = new FrameBatcher<number>(bareHost(), (items) => flushed.push(items));
    batcher.hostConnected();
    batcher.add(1);
    batcher.add(2);
    clock.tick(16);
    expect(flushed).to.deep.equal([[1, 2]]);
    expect(clock.countTimers()).to.equal(0);
  });

  it('flushes on a timer when no animation frame comes, as in hidden tabs', async () => {
    const clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout'] });
    // Hidden tabs never run animation frames.
    sinon.stub(globalThis, 'requestAnimationFrame').returns(1);
    sinon.stub(globalThis, 'cancelAnimationFrame');
    const flushed: number[][] = [];
    const batcher = new FrameBatcher<number>(bareHost(), (items) => flushed.push(items));
    batcher.hostConnected();
    batcher.add(1);
    const settled = batcher.settled;
    clock.tick(FRAME_FALLBACK_MS);
    expect(flushed).to.deep.equal([[1]]);
    await settled;
  });
});
