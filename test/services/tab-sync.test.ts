// TabSync in Chromium: the real BroadcastChannel (two scopes in one page act as two tabs) and the
// storage fallback across two real documents (this page and a same-origin iframe).
import { expect, waitUntil } from '@open-wc/testing';
import { TabSync, type BroadcastChannelConstructor } from '../../src/services/tab-sync.js';

type Message = { type: 'logout' } | { type: 'note'; text: string };
const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && ((value as Message).type === 'logout' || (value as Message).type === 'note');

/** The browser's BroadcastChannel, counting `close()` calls. */
function countingChannel() {
  const counts = { closed: 0 };
  class Counting extends BroadcastChannel {
    override close(): void {
      counts.closed += 1;
      super.close();
    }
  }
  return { ctor: Counting as BroadcastChannelConstructor, counts };
}

describe('TabSync in the browser', () => {
  const open: TabSync<Message>[] = [];
  let name = '';
  beforeEach(() => {
    name = `tab-sync-test-${Math.random()}`;
  });
  afterEach(() => {
    for (const instance of open.splice(0)) instance.close();
  });
  const make = (scope: object, extra: Partial<ConstructorParameters<typeof TabSync<Message>>[0]> = {}) => {
    const instance = new TabSync<Message>({ name, accept: isMessage, scope, events: null, storage: null, ...extra });
    open.push(instance);
    return instance;
  };
  const listen = (instance: TabSync<Message>) => {
    const heard: { type: string; local: boolean }[] = [];
    instance.on((message, meta) => heard.push({ type: message.type, local: meta.local }));
    return heard;
  };

  it('C15: tab A with two instances logs out once per listener; tab B hears it once', async () => {
    const tabA = {};
    const first = make(tabA);
    const second = make(tabA);
    const b = make({});
    expect(first.transport).to.equal('broadcast');
    const [heardFirst, heardSecond, heardB] = [listen(first), listen(second), listen(b)];
    first.post({ type: 'logout' });
    await waitUntil(() => heardB.length === 1, 'tab B heard the logout');
    // A later message proves nothing else was on its way.
    b.post({ type: 'note', text: 'done' });
    await waitUntil(() => heardFirst.length === 2, 'tab A heard the note');
    expect(heardFirst).to.deep.equal([{ type: 'logout', local: true }, { type: 'note', local: false }]);
    expect(heardSecond).to.deep.equal([{ type: 'logout', local: true }, { type: 'note', local: false }]);
    expect(heardB).to.deep.equal([{ type: 'logout', local: false }, { type: 'note', local: true }]);
  });

  it('C14: logout, then pagehide closes the channel; later posts are silent and it closes exactly once', async () => {
    const { ctor, counts } = countingChannel();
    const page = new EventTarget();
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    window.addEventListener('error', onError);
    const a = make({}, { BroadcastChannel: ctor, events: page });
    const b = make({});
    const heardB = listen(b);
    a.post({ type: 'logout' });
    page.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: false }));
    expect(a.post({ type: 'note', text: 'after pagehide' })).to.equal(false);
    a.close();
    a.close();
    expect(a.post({ type: 'note', text: 'after close' })).to.equal(false);
    await waitUntil(() => heardB.length === 1, 'the logout arrived');
    // A marker sent after the silent posts: anything they had sent would have come before it.
    make({}).post({ type: 'note', text: 'marker' });
    await waitUntil(() => heardB.length === 2, 'the marker arrived');
    window.removeEventListener('error', onError);
    expect(heardB.map((entry) => entry.type)).to.deep.equal(['logout', 'note']);
    expect(counts.closed).to.equal(1);
    expect(errors).to.deep.equal([]);
  });

  it('C15: without BroadcastChannel, messages cross between two documents as storage events', async () => {
    const frame = document.createElement('iframe');
    frame.src = 'about:blank';
    document.body.append(frame);
    try {
      const other = frame.contentWindow!;
      const here = make({}, { BroadcastChannel: null, storage: localStorage, events: window });
      const there = make({}, { BroadcastChannel: null, storage: other.localStorage, events: other });
      expect(here.transport).to.equal('storage');
      const heardHere = listen(here);
      const heardThere = listen(there);
      here.post({ type: 'logout' });
      await waitUntil(() => heardThere.length === 1, 'the other document heard it');
      there.post({ type: 'note', text: 'back' });
      await waitUntil(() => heardHere.length === 2, 'this document heard the answer');
      expect(heardHere).to.deep.equal([{ type: 'logout', local: true }, { type: 'note', local: false }]);
      expect(heardThere).to.deep.equal([{ type: 'logout', local: false }, { type: 'note', local: true }]);
      expect(localStorage.getItem(`rt-tab-sync:${name}`)).to.equal(null);
    } finally {
      frame.remove();
    }
  });
});
