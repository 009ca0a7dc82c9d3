// TabSync against in-memory channels and storage: each `scope` plays one tab.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { TabSync, type TabSyncOptions } from '../../src/services/tab-sync.js';
import { FakeBroadcastChannel, FakeOrigin } from './tab-sync-fakes.js';

type Message = { type: 'logout' } | { type: 'note'; text: string };
const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && ((value as Message).type === 'logout' || ((value as Message).type === 'note' && typeof (value as { text?: unknown }).text === 'string'));

let ids = 0;
function sync(scope: object, options: Partial<TabSyncOptions<Message>> = {}): TabSync<Message> {
  return new TabSync<Message>({
    name: 'test',
    accept: isMessage,
    BroadcastChannel: FakeBroadcastChannel,
    storage: null,
    events: null,
    scope,
    randomId: () => `tab${++ids}`,
    ...options,
  });
}

function record(instance: TabSync<Message>) {
  const seen: { message: Message; local: boolean }[] = [];
  instance.on((message, meta) => seen.push({ message, local: meta.local }));
  return seen;
}

describe('TabSync', () => {
  let clock: sinon.SinonFakeTimers;
  const open: TabSync<Message>[] = [];

  beforeEach(() => {
    FakeBroadcastChannel.reset();
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  afterEach(() => {
    for (const instance of open.splice(0)) instance.close();
    clock.restore();
  });

  const keep = (instance: TabSync<Message>): TabSync<Message> => {
    open.push(instance);
    return instance;
  };

  test('a message reaches the other tab once and the sending tab once, locally and at once', async () => {
    const a = keep(sync({}));
    const b = keep(sync({}));
    const inA = record(a);
    const inB = record(b);
    assert.equal(a.post({ type: 'note', text: 'hi' }), true);
    assert.deepEqual(inA, [{ message: { type: 'note', text: 'hi' }, local: true }]);
    assert.deepEqual(inB, []);
    await clock.runAllAsync();
    assert.deepEqual(inA.length, 1);
    assert.deepEqual(inB, [{ message: { type: 'note', text: 'hi' }, local: false }]);
  });

  test('C15: two instances in tab A share one channel, so A hears its logout once per listener and B once', async () => {
    const tabA = {};
    const first = keep(sync(tabA));
    const second = keep(sync(tabA));
    const b = keep(sync({}));
    const heardFirst = record(first);
    const heardSecond = record(second);
    const heardB = record(b);
    first.post({ type: 'logout' });
    await clock.runAllAsync();
    assert.equal(heardFirst.length, 1);
    assert.equal(heardSecond.length, 1);
    assert.equal(heardSecond[0]!.local, true);
    assert.equal(heardB.length, 1);
    assert.equal(FakeBroadcastChannel.created, 2, 'one channel per tab, not per instance');
  });

  test('C14: posting after close is a silent no-op and the channel closes exactly once', async () => {
    const tabA = {};
    const a = sync(tabA);
    const b = keep(sync({}));
    const heardB = record(b);
    a.post({ type: 'logout' });
    a.close();
    a.close();
    assert.equal(a.post({ type: 'note', text: 'late' }), false);
    await clock.runAllAsync();
    assert.deepEqual(heardB.map((entry) => entry.message.type), ['logout']);
    assert.equal(FakeBroadcastChannel.closeCalls, 1);
  });

  test('C14: pagehide closes the channel once; later posts reach no other tab and throw nothing', async () => {
    const origin = new FakeOrigin();
    const page = origin.tab();
    const a = keep(sync({}, { events: page }));
    const b = keep(sync({}));
    const heardA = record(a);
    const heardB = record(b);
    a.post({ type: 'logout' });
    page.fire('pagehide', { persisted: false });
    page.fire('pagehide', { persisted: false });
    assert.equal(a.post({ type: 'note', text: 'after pagehide' }), false);
    await clock.runAllAsync();
    assert.deepEqual(heardB.map((entry) => entry.message.type), ['logout']);
    assert.equal(heardA.length, 2, 'the tab itself still hears its own posts');
    assert.equal(FakeBroadcastChannel.closeCalls, 1);
    a.close();
    assert.equal(FakeBroadcastChannel.closeCalls, 1, 'closing the instance later does not close the channel again');
  });

  test('a page restored from the back/forward cache opens a new channel', async () => {
    const page = new FakeOrigin().tab();
    const a = keep(sync({}, { events: page }));
    const b = keep(sync({}));
    const heardB = record(b);
    page.fire('pagehide', { persisted: true });
    page.fire('pageshow', { persisted: true });
    a.post({ type: 'note', text: 'back' });
    await clock.runAllAsync();
    assert.equal(heardB.length, 1);
    assert.equal(FakeBroadcastChannel.created, 3);
  });

  test('a channel that throws on post (closed under it) is a warning, not an error', async () => {
    const warnings: string[] = [];
    const a = keep(sync({}, { logger: { debug: () => {}, warn: (message) => warnings.push(message) } }));
    for (const channel of FakeBroadcastChannel.open) channel.close();
    assert.equal(a.post({ type: 'logout' }), false);
    assert.equal(warnings.length, 1);
  });

  test('messages that fail validation, or are not tab-sync messages, are dropped', async () => {
    const a = keep(sync({}));
    const heard = record(a);
    const raw = new FakeBroadcastChannel('test');
    raw.postMessage({ rt: 'tab-sync', id: 'x:1', from: 'x', data: { type: 'unknown' } });
    raw.postMessage({ type: 'logout' });
    raw.postMessage({ rt: 'tab-sync', id: 'x:2', from: 'x', data: { type: 'logout' } });
    raw.postMessage({ rt: 'tab-sync', id: 'x:2', from: 'x', data: { type: 'logout' } });
    await clock.runAllAsync();
    raw.close();
    assert.deepEqual(heard, [{ message: { type: 'logout' }, local: false }]);
  });

  test('a listener that throws does not keep the others from hearing', () => {
    const a = keep(sync({}));
    a.on(() => {
      throw new Error('page bug');
    });
    const heard = record(a);
    a.post({ type: 'logout' });
    assert.equal(heard.length, 1);
  });

  test('C15: without BroadcastChannel, messages travel as storage events, once each, and storage is left clean', async () => {
    const origin = new FakeOrigin();
    const tabA = origin.tab();
    const tabB = origin.tab();
    const a1 = keep(sync(tabA, { BroadcastChannel: null, storage: tabA.storage, events: tabA }));
    const a2 = keep(sync(tabA, { BroadcastChannel: null, storage: tabA.storage, events: tabA }));
    const b = keep(sync(tabB, { BroadcastChannel: null, storage: tabB.storage, events: tabB }));
    assert.equal(a1.transport, 'storage');
    const heardA1 = record(a1);
    const heardA2 = record(a2);
    const heardB = record(b);
    assert.equal(a1.post({ type: 'logout' }), true);
    await clock.runAllAsync();
    assert.equal(heardA1.length, 1);
    assert.equal(heardA2.length, 1);
    assert.deepEqual(heardB, [{ message: { type: 'logout' }, local: false }]);
    assert.equal(origin.map.size, 0);
    b.post({ type: 'note', text: 'back' });
    await clock.runAllAsync();
    assert.deepEqual(heardA1.at(-1), { message: { type: 'note', text: 'back' }, local: false });
  });

  test('C15: with neither BroadcastChannel nor storage, it degrades to this tab only without throwing', () => {
    const a = keep(sync({}, { BroadcastChannel: null, storage: null, events: null }));
    const heard = record(a);
    assert.equal(a.transport, 'none');
    assert.equal(a.post({ type: 'logout' }), false);
    assert.equal(heard.length, 1);
  });

  test('storage that refuses writes (quota, private mode) is a warning, not an error', () => {
    const tab = new FakeOrigin().tab();
    const warnings: string[] = [];
    const storage = { getItem: () => null, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); }, removeItem: () => {} };
    const a = keep(sync({}, { BroadcastChannel: null, storage, events: tab, logger: { debug: () => {}, warn: (message) => warnings.push(message) } }));
    assert.equal(a.post({ type: 'logout' }), false);
    assert.equal(warnings.length, 1);
  });

  test('closing the last instance removes its storage and lifecycle listeners', async () => {
    const origin = new FakeOrigin();
    const tabA = origin.tab();
    const tabB = origin.tab();
    const a = sync(tabA, { BroadcastChannel: null, storage: tabA.storage, events: tabA });
    let heard = 0;
    a.on(() => (heard += 1));
    a.close();
    const b = keep(sync(tabB, { BroadcastChannel: null, storage: tabB.storage, events: tabB }));
    b.post({ type: 'logout' });
    await clock.runAllAsync();
    assert.equal(heard, 0);
    // A new instance in tab A gets a fresh hub that hears again.
    const again = keep(sync(tabA, { BroadcastChannel: null, storage: tabA.storage, events: tabA }));
    const heardAgain = record(again);
    b.post({ type: 'logout' });
    await clock.runAllAsync();
    assert.equal(heardAgain.length, 1);
  });
});
