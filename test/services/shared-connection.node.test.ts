// SharedConnection with in-memory tabs: each tab has its own channel scope and page events; all
// share one FakeLocks (the origin's Web Locks). The leader's live connection is a scripted fake.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { type AnyEnvelope, type AppTypeRegistry, type MessageType, type PayloadOf, envelope, formatCursor, valid } from '../../src/protocol/index.js';
import { ConnectionBase } from '../../src/services/connection-base.js';
import { ConnectionEvents, type StatusChange } from '../../src/services/connection-events.js';
import type { FallbackTransport } from '../../src/services/fallback-connection.js';
import { SharedConnection } from '../../src/services/shared-connection.js';
import { type SendOptions, type SendResult, silentLogger } from '../../src/services/types.js';
import { FakeBroadcastChannel, FakeLocks, FakeOrigin, type FakeTab } from './tab-sync-fakes.js';

const EPOCH = 'e1';
const APP_TYPES: AppTypeRegistry = new Map([['app.chat', { validate: (input: unknown) => valid(input) }]]);

/** The leader's connection: records sends, emits what the test tells it to. */
class ScriptedTransport extends ConnectionBase implements FallbackTransport {
  readonly events: ConnectionEvents;
  readonly sent: { type: string; payload: unknown; mid: string | undefined }[] = [];
  connects = 0;
  closes = 0;
  lastSeq: number | null;
  sendResult: SendResult = 'sent';

  constructor(readonly startCursor: string | null) {
    const events = new ConnectionEvents({ transport: 'websocket', name: 'scripted', unit: 'a frame', logger: silentLogger });
    super(events);
    this.events = events;
    this.lastSeq = startCursor ? Number(startCursor.split(':')[1]) : null;
  }

  get cursor(): string | null {
    return this.lastSeq === null ? null : formatCursor({ epoch: EPOCH, seq: this.lastSeq });
  }

  connect(): void {
    this.connects += 1;
    this.events.setStatus({ state: 'connecting' });
  }

  close(): void {
    this.closes += 1;
    this.events.setStatus({ state: 'closed', reason: 'page' });
  }

  retry(): void {}

  send<T extends MessageType>(type: T, payload: PayloadOf<T>, options: SendOptions = {}): SendResult {
    this.sent.push({ type, payload, mid: options.mid });
    return this.sendResult;
  }

  open(head: number): void {
    this.lastSeq ??= head;
    this.events.setStatus({ state: 'open' } satisfies StatusChange);
  }

  notify(seq: number): void {
    this.lastSeq = seq;
    this.events.deliver(envelope('notification.new', { id: `n${seq}`, level: 'info', title: `t${seq}`, message: 'm' }, { seq, prev: seq - 1, ts: 1 }) as AnyEnvelope);
  }
}

interface Tab {
  readonly page: FakeTab;
  readonly conn: SharedConnection;
  readonly made: ScriptedTransport[];
  readonly seqs: number[];
  readonly apps: string[];
}

describe('SharedConnection', () => {
  let clock: sinon.SinonFakeTimers;
  let origin: FakeOrigin;
  let locks: FakeLocks;
  let ids = 0;
  const tabs: Tab[] = [];

  beforeEach(() => {
    FakeBroadcastChannel.reset();
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    origin = new FakeOrigin();
    locks = new FakeLocks();
  });

  afterEach(() => {
    for (const tab of tabs.splice(0)) tab.conn.close();
    clock.restore();
  });

  function tab(options: { locks?: FakeLocks | null } = {}): Tab {
    const page = origin.tab();
    const made: ScriptedTransport[] = [];
    const conn = new SharedConnection({
      name: 'shared-test',
      create: (cursor) => {
        const transport = new ScriptedTransport(cursor);
        made.push(transport);
        return transport;
      },
      channel: { BroadcastChannel: FakeBroadcastChannel, scope: {}, storage: null, events: page },
      locks: options.locks === undefined ? locks : options.locks,
      events: page,
      userId: 'u1',
      appTypes: APP_TYPES,
      randomId: () => `tab-${++ids}`,
    });
    const seqs: number[] = [];
    const apps: string[] = [];
    conn.on('notification.new', (frame) => seqs.push(frame.seq!));
    conn.onAny((frame) => {
      if (frame.type.startsWith('app.')) apps.push(frame.mid ?? '?');
    });
    const entry = { page, conn, made, seqs, apps };
    tabs.push(entry);
    return entry;
  }

  const settle = () => clock.runAllAsync();

  /** A tab whose connection has started and settled (elected or following). */
  async function join(): Promise<Tab> {
    const joined = tab();
    joined.conn.connect();
    await settle();
    return joined;
  }

  test('one tab leads and holds the only connection; the others receive every envelope and status once', async () => {
    const a = await join();
    const b = await join();
    assert.equal(a.conn.role, 'leader');
    assert.equal(b.conn.role, 'follower');
    assert.equal(a.made.length + b.made.length, 1);
    const live = a.made[0]!;
    live.open(10);
    await settle();
    assert.equal(b.conn.status.state, 'open');
    live.notify(11);
    live.notify(12);
    await settle();
    assert.deepEqual(a.seqs, [11, 12]);
    assert.deepEqual(b.seqs, [11, 12]);
    assert.equal(b.conn.cursor, `${EPOCH}:12`);
  });

  test('a degraded leader (SSE) shows as degraded in every tab', async () => {
    const a = await join();
    const b = await join();
    a.made[0]!.events.setStatus({ state: 'open', transport: 'sse' });
    await settle();
    assert.equal(b.conn.status.transport, 'sse');
    assert.equal(b.conn.status.state, 'open');
  });

  test('a late tab learns the status and the resume point from the leader', async () => {
    const a = await join();
    a.made[0]!.open(40);
    await settle();
    const b = await join();
    assert.equal(b.conn.status.state, 'open');
    assert.equal(b.conn.cursor, `${EPOCH}:40`);
  });

  test("a follower's sends go through the leader's connection with their mid, and are acknowledged", async () => {
    const a = await join();
    const b = await join();
    a.made[0]!.open(1);
    await settle();
    assert.equal(b.conn.send('notification.read', { state: 'read', ids: ['n1'] }, { mid: 'm-1' }), 'sent');
    assert.equal(b.conn.queued, 1);
    await settle();
    assert.deepEqual(a.made[0]!.sent, [{ type: 'notification.read', payload: { state: 'read', ids: ['n1'] }, mid: 'm-1' }]);
    assert.equal(b.conn.queued, 0);
  });

  test('app messages one tab sends reach the other tabs once, as separate connections would', async () => {
    const a = await join();
    const b = tab();
    b.conn.connect();
    const c = await join();
    a.made[0]!.open(1);
    await settle();
    b.conn.send('app.chat' as MessageType, { text: 'hi' } as PayloadOf<MessageType>, { mid: 'chat-1' });
    a.conn.send('app.chat' as MessageType, { text: 'yo' } as PayloadOf<MessageType>, { mid: 'chat-2' });
    await settle();
    assert.deepEqual(a.apps, ['chat-1']);
    assert.deepEqual(b.apps, ['chat-2']);
    assert.deepEqual(c.apps.sort(), ['chat-1', 'chat-2']);
  });

  test('hand-over: when the leader closes, the next tab resumes from its last seq and nothing is lost or doubled', async () => {
    const a = await join();
    const b = tab();
    b.conn.connect();
    const c = await join();
    const first = a.made[0]!;
    first.open(0);
    first.notify(1);
    first.notify(2);
    await settle();
    a.conn.close();
    await settle();
    const next = [...b.made, ...c.made];
    assert.equal(next.length, 1, 'exactly one tab took over');
    const second = next[0]!;
    assert.equal(second.startCursor, `${EPOCH}:2`);
    assert.equal(first.closes, 1);
    // The server replays what was published meanwhile (3, 4), overlapping what was seen (2).
    second.open(4);
    second.notify(2);
    second.notify(3);
    second.notify(4);
    await settle();
    assert.deepEqual(b.seqs, [1, 2, 3, 4]);
    assert.deepEqual(c.seqs, [1, 2, 3, 4]);
  });

  test('hand-over: sends the old leader never acknowledged go to the new leader with the same mid', async () => {
    const a = await join();
    const b = tab();
    b.conn.connect();
    const c = await join();
    a.made[0]!.open(0);
    await settle();
    a.conn.close();
    // Sent before this tab heard that the leader left: to a tab that is gone, so never acknowledged.
    assert.notEqual(c.conn.send('notification.read', { state: 'read', all: true }, { mid: 'late' }), 'dropped');
    await settle();
    const second = [...b.made, ...c.made][0]!;
    const sends = second.sent.filter((entry) => entry.mid === 'late');
    assert.equal(sends.length, 1);
    assert.equal(c.conn.queued, 0);
  });

  test('pagehide in the leading tab hands the connection over, and pageshow from the cache rejoins', async () => {
    const a = await join();
    const b = await join();
    a.made[0]!.open(0);
    await settle();
    a.page.fire('pagehide', { persisted: true });
    await settle();
    assert.equal(a.made[0]!.closes, 1);
    assert.equal(b.conn.role, 'leader');
    a.page.fire('pageshow', { persisted: true });
    await settle();
    assert.equal(a.conn.role, 'follower');
    assert.equal(a.made.length, 1);
    // Back from the cache, the tab found the new leader again.
    b.made[0]!.open(0);
    await settle();
    assert.equal(a.conn.send('notification.read', { state: 'read', all: true }, { mid: 'back' }), 'sent');
    await settle();
    assert.deepEqual(b.made[0]!.sent.map((entry) => entry.mid), ['back']);
  });

  test('a follower that was closed and connects again hands its waiting sends to the leader', async () => {
    const a = await join();
    const b = await join();
    a.made[0]!.open(0);
    await settle();
    b.conn.close();
    assert.equal(b.conn.send('notification.read', { state: 'read', all: true }, { mid: 'kept' }), 'queued');
    b.conn.connect();
    await settle();
    assert.deepEqual(a.made[0]!.sent.map((entry) => entry.mid), ['kept']);
    assert.equal(b.conn.queued, 0);
  });

  test('without Web Locks every tab keeps its own connection and nothing is relayed', async () => {
    const a = tab({ locks: null });
    const b = tab({ locks: null });
    a.conn.connect();
    b.conn.connect();
    await settle();
    assert.equal(a.made.length, 1);
    assert.equal(b.made.length, 1);
    a.made[0]!.open(0);
    a.made[0]!.notify(1);
    await settle();
    assert.deepEqual(a.seqs, [1]);
    assert.deepEqual(b.seqs, []);
  });

  test('a relayed frame that fails validation is dropped', async () => {
    const a = await join();
    const b = await join();
    a.made[0]!.open(0);
    await settle();
    // Straight onto the channel, as a buggy or hostile tab would.
    const rogue = new FakeBroadcastChannel('shared-test');
    rogue.postMessage({ rt: 'tab-sync', id: 'x:1', from: 'x', data: { v: 1, from: 'x', k: 'frame', cursor: null, frame: { type: 'notification.new', seq: 5, ts: 1, payload: { id: 1 } } } });
    await settle();
    rogue.close();
    assert.deepEqual(b.seqs, []);
  });

  test('close() in every tab leaves no connection and no lock behind', async () => {
    const a = tab();
    const b = tab();
    a.conn.connect();
    b.conn.connect();
    await settle();
    a.conn.close();
    b.conn.close();
    await settle();
    assert.equal(a.conn.status.state, 'closed');
    assert.equal(b.conn.status.state, 'closed');
    const total = [...a.made, ...b.made];
    assert.ok(total.every((t) => t.closes === 1), 'every connection made was closed');
    assert.equal(FakeBroadcastChannel.open.size, 0);
  });
});
