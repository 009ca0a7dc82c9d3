// FallbackConnection's step-down and climb-up decisions, with scripted transports under fake timers.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { AnyEnvelope, MessageType } from '../../src/protocol/index.js';
import { ConnectionBase } from '../../src/services/connection-base.js';
import { ConnectionEvents, type StatusChange } from '../../src/services/connection-events.js';
import { FallbackConnection, type FallbackConnectionOptions, type FallbackTransport } from '../../src/services/fallback-connection.js';
import { type ConnectionStatus, type SendResult, type Transport, silentLogger } from '../../src/services/types.js';

/** A transport whose status and frames the test drives. */
class FakeTransport extends ConnectionBase implements FallbackTransport {
  readonly events: ConnectionEvents;
  readonly sent: { type: string; payload: unknown; mid: string | undefined }[] = [];
  cursor: string | null;
  connects = 0;
  closed = false;

  constructor(
    readonly transport: Transport,
    readonly startCursor: string | null,
  ) {
    const events = new ConnectionEvents({ transport, name: `fake-${transport}`, unit: 'a frame', logger: silentLogger });
    super(events);
    this.events = events;
    this.cursor = startCursor;
  }







  send(type: MessageType, payload: unknown, options: { mid?: string } = {}): SendResult {
    this.sent.push({ type, payload, mid: options.mid });
    return 'sent';
  }

  connect(): void {
    this.connects += 1;
    this.events.setStatus({ state: 'connecting', attempt: 0 });
  }

  close(): void {
    this.closed = true;
    this.events.setStatus({ state: 'closed', reason: 'page' });
  }

  retry(): void {}

  set(change: StatusChange): void {
    this.events.setStatus(change);
  }

  open(epoch = 'e1', seq?: number): void {
    if (seq !== undefined || this.cursor === null) this.cursor = `${epoch}:${seq ?? 0}`;
    this.set({ state: 'open', attempt: 0, reason: null, code: null });
  }

  fail(attempt: number, reason = 'closed (1006)'): void {
    this.set({ state: 'reconnecting', attempt, reason, code: 1006 });
  }

  /** Delivers a logged event as the real transports do: cursor first, then the frame. */
  event(seq: number, prev = seq - 1, epoch = 'e1'): void {
    this.cursor = `${epoch}:${seq}`;
    this.events.deliver({ type: 'activity.new', ts: 0, seq, prev, payload: { id: `a${seq}`, userName: 'Ada', action: 'x', target: String(seq) } } as AnyEnvelope);
  }
}

function setup(options: Partial<FallbackConnectionOptions> = {}) {
  const made: FakeTransport[] = [];
  const make = (transport: Transport) => (cursor: string | null) => {
    const fake = new FakeTransport(transport, cursor);
    made.push(fake);
    return fake;
  };
  const posts: { body: Record<string, unknown> }[] = [];
  const postPlan: number[] = [];
  const fetchImpl = (async (_url: string | URL | Request, init: RequestInit = {}) => {
    posts.push({ body: JSON.parse(String(init.body)) as Record<string, unknown> });
    const status = postPlan.shift() ?? 202;
    return new Response(JSON.stringify(status === 202 ? { accepted: true, duplicate: false } : { error: { message: 'no' } }), { status });
  }) as typeof fetch;
  const connection = new FallbackConnection({
    url: 'ws://h/ws',
    baseUrl: 'http://h/',
    create: { websocket: make('websocket'), sse: make('sse'), polling: make('polling') },
    fetch: fetchImpl,
    random: () => 0.5,
    backoff: { baseMs: 100, maxMs: 1_000 },
    ...options,
  });
  const statuses: ConnectionStatus[] = [];
  const seqs: number[] = [];
  connection.onStatus((status) => statuses.push(status));
  connection.on('activity.new', (frame) => seqs.push(frame.seq!));
  const latest = (transport: Transport) => made.filter((fake) => fake.transport === transport).at(-1)!;
  return { connection, made, latest, statuses, seqs, posts, postPlan };
}

describe('FallbackConnection', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => clock.restore());

  test('steps down to sse after 3 failed WebSocket attempts, handing over the cursor; subscriptions keep working', async () => {
    const { connection, latest, statuses, seqs, made } = setup();
    connection.connect();
    const ws = latest('websocket');
    ws.open('e1', 10);
    ws.event(11);
    ws.event(12);
    assert.equal(connection.status.state, 'open');
    ws.fail(1);
    ws.fail(2);
    assert.equal(connection.transport, 'websocket');
    assert.equal(connection.status.state, 'reconnecting');
    ws.fail(3);
    assert.ok(ws.closed, 'the failing socket is closed');
    const sse = latest('sse');
    assert.equal(sse.startCursor, 'e1:12', 'the stream starts where the socket stopped');
    assert.equal(sse.connects, 1);
    assert.equal(connection.status.state, 'reconnecting', 'connecting on a lower rung shows as reconnecting');
    assert.equal(connection.status.transport, 'sse');
    sse.open();
    // A replay overlapping what the socket delivered is dropped.
    sse.event(12, 11);
    sse.event(13, 12);
    assert.deepEqual(seqs, [11, 12, 13]);
    assert.equal(connection.status.state, 'open');
    assert.equal(connection.transport, 'sse');
    assert.deepEqual(
      statuses.filter((s) => s.state === 'open').map((s) => s.transport),
      ['websocket', 'sse'],
    );
    assert.equal(made.length, 2);
    connection.close();
  });

  test('steps down when the active rung has not opened within stepDownMs, and from sse to polling the same way', async () => {
    const { connection, latest } = setup({ stepDownMs: 5_000, stepDownAfter: 100 });
    connection.connect();
    await clock.tickAsync(4_999);
    assert.equal(connection.transport, 'websocket');
    await clock.tickAsync(1);
    assert.equal(connection.transport, 'sse');
    latest('sse').fail(1, 'HTTP 503');
    await clock.tickAsync(5_000);
    assert.equal(connection.transport, 'polling');
    assert.equal(latest('polling').startCursor, null, 'nothing delivered yet: a fresh start');
    connection.close();
  });

  test('does not step down while the browser is offline', async () => {
    const { connection, latest } = setup({ stepDownMs: 5_000 });
    connection.connect();
    latest('websocket').set({ state: 'offline', reason: 'offline', attempt: 5 });
    await clock.tickAsync(20_000);
    assert.equal(connection.transport, 'websocket');
    assert.equal(connection.status.state, 'offline');
    connection.close();
  });

  test('an auth refusal fails the chain instead of stepping down', async () => {
    const { connection, latest, made } = setup();
    connection.connect();
    latest('websocket').set({ state: 'failed', reason: 'forbidden', code: 4003 });
    assert.equal(connection.status.state, 'failed');
    assert.equal(connection.status.reason, 'forbidden');
    assert.equal(made.length, 1);
    connection.retry();
    assert.equal(made.length, 2, 'retry starts over on the socket');
    assert.equal(connection.transport, 'websocket');
    connection.close();
  });

  test('probes the socket after probeMs, doubling after a failed probe, and climbs back without losing or doubling events', async () => {
    const { connection, latest, seqs, made } = setup({ probeMs: 1_000, probeMaxMs: 8_000 });
    connection.connect();
    latest('websocket').open('e1', 0);
    latest('websocket').event(1);
    latest('websocket').fail(3);
    const sse = latest('sse');
    sse.open();
    sse.event(2);
    const socketsBefore = made.filter((fake) => fake.transport === 'websocket').length;
    // Round 0: between 500 and 1000 ms (half fixed, half jitter; random 0.5 → 750).
    await clock.tickAsync(749);
    assert.equal(made.filter((fake) => fake.transport === 'websocket').length, socketsBefore);
    await clock.tickAsync(1);
    const probe1 = latest('websocket');
    assert.notEqual(made.indexOf(probe1), socketsBefore - 1);
    assert.equal(probe1.startCursor, 'e1:2', 'a probe starts from the current cursor');
    probe1.fail(1, 'HTTP 503');
    assert.ok(probe1.closed, 'a failed probe is closed');
    assert.equal(connection.transport, 'sse');
    sse.event(3);
    // Round 1: ceiling 2000 → 1500 ms.
    await clock.tickAsync(1_499);
    assert.equal(latest('websocket'), probe1);
    await clock.tickAsync(1);
    const probe2 = latest('websocket');
    assert.notEqual(probe2, probe1);
    assert.equal(probe2.startCursor, 'e1:3');
    sse.event(4);
    probe2.open();
    assert.equal(connection.transport, 'websocket');
    assert.ok(sse.closed, 'the lower rung closes once the socket is open');
    // The socket replays from its start cursor: 4 was already delivered by the stream.
    probe2.event(4, 3);
    probe2.event(5, 4);
    sse.event(6); // closed: ignored
    assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
    await clock.tickAsync(60_000);
    assert.equal(made.filter((fake) => !fake.closed).length, 1, 'no probes at the top');
    connection.close();
  });

  test('from polling it probes every better rung and climbs to the best that opens', async () => {
    const { connection, latest } = setup({ probeMs: 1_000 });
    connection.connect();
    latest('websocket').fail(3);
    latest('sse').fail(3);
    const polling = latest('polling');
    polling.open('e1', 7);
    assert.equal(connection.transport, 'polling');
    await clock.tickAsync(750);
    const ws = latest('websocket');
    const sse = latest('sse');
    assert.equal(ws.startCursor, 'e1:7');
    assert.equal(sse.startCursor, 'e1:7');
    sse.open();
    assert.equal(connection.transport, 'sse');
    assert.ok(polling.closed);
    assert.ok(!ws.closed, 'the socket probe keeps going');
    ws.open();
    assert.equal(connection.transport, 'websocket');
    assert.ok(sse.closed);
    connection.close();
  });

  test('probe waits grow up to probeMaxMs, and start small again when the active rung itself reopens', async () => {
    const { connection, latest, made } = setup({ probeMs: 1_000, probeMaxMs: 4_000, transports: ['websocket', 'sse'] });
    connection.connect();
    latest('websocket').fail(3);
    const sse = latest('sse');
    sse.open('e1', 0);
    const probeTimes: number[] = [];
    const failProbes = async (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        const before = made.length;
        while (made.length === before) await clock.tickAsync(50);
        probeTimes.push(Date.now());
        latest('websocket').fail(1);
      }
    };
    await failProbes(4);
    const gaps = probeTimes.slice(1).map((t, i) => t - probeTimes[i]!);
    // 750, then 1500, 3000, 3000 (capped at 4000 × 0.75), give or take the 50 ms steps.
    assert.ok(Math.abs(probeTimes[0]! - 750) <= 50, String(probeTimes));
    assert.ok(Math.abs(gaps[0]! - 1_500) <= 50 && Math.abs(gaps[1]! - 3_000) <= 50 && Math.abs(gaps[2]! - 3_000) <= 50, String(gaps));
    // The server restarts: the stream drops and comes back; the next probe comes soon.
    sse.fail(1);
    sse.open();
    const at = Date.now();
    const before = made.length;
    while (made.length === before) await clock.tickAsync(50);
    assert.ok(Date.now() - at <= 800, `probed ${Date.now() - at} ms after the stream reopened`);
    connection.close();
  });

  test('the last rung giving up fails the chain', async () => {
    const { connection, latest } = setup({ transports: ['websocket', 'polling'] });
    connection.connect();
    latest('websocket').set({ state: 'failed', reason: 'max-retries', code: 1006 });
    assert.equal(connection.transport, 'polling');
    latest('polling').set({ state: 'failed', reason: 'max-retries', code: 503 });
    assert.equal(connection.status.state, 'failed');
    assert.equal(connection.status.transport, 'polling');
    connection.close();
  });

  test('sends: through the open socket; queued in order while it reconnects and flushed through it; posted with one mid on a lower rung', async () => {
    const { connection, latest, posts, postPlan } = setup({ probeMs: 60_000 });
    connection.connect();
    const ws = latest('websocket');
    ws.open();
    assert.equal(connection.send('app.chat' as never, { n: 0 } as never), 'sent');
    assert.equal(ws.sent.length, 1);
    assert.ok(ws.sent[0]!.mid, 'a mid is generated');
    ws.fail(1);
    assert.equal(connection.send('app.chat' as never, { n: 1 } as never, { mid: 'm1' }), 'queued');
    assert.equal(connection.send('app.chat' as never, { n: 2 } as never, { mid: 'm2' }), 'queued');
    assert.equal(connection.send('sys.ping' as never, {} as never), 'dropped');
    ws.open();
    await clock.tickAsync(0);
    assert.deepEqual(
      ws.sent.map((m) => m.mid),
      [ws.sent[0]!.mid, 'm1', 'm2'],
    );
    ws.fail(3);
    const sse = latest('sse');
    assert.equal(connection.send('app.chat' as never, { n: 3 } as never, { mid: 'm3' }), 'queued', 'held until the stream opens');
    await clock.tickAsync(10);
    assert.equal(posts.length, 0);
    postPlan.push(503);
    sse.open();
    await clock.tickAsync(0);
    assert.equal(posts.length, 1, 'posted once the stream is open');
    assert.equal(connection.send('app.chat' as never, { n: 4 } as never, { mid: 'm4' }), 'queued', 'behind the one being retried');
    await clock.tickAsync(1_000);
    assert.deepEqual(
      posts.map((p) => p.body['mid']),
      ['m3', 'm3', 'm4'],
      'the failed post is repeated with the same mid, then the next in order',
    );
    assert.equal(posts[0]!.body['type'], 'app.chat');
    assert.deepEqual(posts[2]!.body['payload'], { n: 4 });
    assert.equal(connection.queued, 0);
    connection.close();
  });

  test('a message too big to post waits for the socket, and is dropped with too-big if it must be posted', async () => {
    const { connection, latest, posts } = setup();
    const errors: string[] = [];
    connection.onError((error) => errors.push(error.kind));
    connection.connect();
    assert.equal(connection.send('app.chat' as never, { text: 'x'.repeat(70_000) } as never), 'queued');
    assert.equal(connection.send('app.chat' as never, { text: 'small' } as never), 'queued');
    latest('websocket').fail(3);
    latest('sse').open();
    await clock.tickAsync(0);
    assert.deepEqual(errors, ['too-big']);
    assert.equal(posts.length, 1);
    assert.deepEqual(posts[0]!.body['payload'], { text: 'small' });
    connection.close();
  });

  test('a sys.reset seen on two rungs is one reset, and a new epoch is not mistaken for repeats', async () => {
    const { connection, latest, seqs } = setup({ probeMs: 1_000 });
    let resets = 0;
    connection.onReset(() => resets++);
    connection.connect();
    const ws = latest('websocket');
    ws.open('e1', 50);
    ws.event(51);
    const reset = { type: 'sys.reset', ts: 0, payload: { epoch: 'e2', seq: 3, reason: 'truncated' } } as AnyEnvelope;
    ws.cursor = 'e2:3';
    ws.events.deliver(reset);
    ws.fail(3);
    const sse = latest('sse');
    assert.equal(sse.startCursor, 'e2:3');
    sse.open();
    sse.events.deliver(reset);
    assert.equal(resets, 1);
    sse.event(4, 3, 'e2');
    assert.deepEqual(seqs, [51, 4]);
    connection.close();
  });
});

describe('FallbackConnection sends: hung posts, a closing socket, echoes', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => clock.restore());

  const chat = (mid: string, text = mid) => ({ type: 'app.chat', ts: 0, mid, payload: { text } }) as unknown as AnyEnvelope;

  test('C01: a POST that never answers times out; the socket that opened meanwhile sends the queue, each once, in order', async () => {
    const signals: AbortSignal[] = [];
    const posted: unknown[] = [];
    const hang = ((_url: string | URL | Request, init: RequestInit = {}) => {
      signals.push(init.signal!);
      posted.push((JSON.parse(String(init.body)) as Record<string, unknown>)['mid']);
      return new Promise<Response>(() => {});
    }) as typeof fetch;
    const { connection, latest } = setup({ fetch: hang, probeMs: 1_000 });
    const errors: string[] = [];
    connection.onError((error) => errors.push(error.kind));
    connection.connect();
    latest('websocket').fail(3);
    latest('sse').open('e1', 0);
    for (const mid of ['m1', 'm2', 'm3']) connection.send('app.chat' as never, { mid } as never, { mid });
    await clock.tickAsync(0);
    assert.deepEqual(posted, ['m1'], 'the first post hangs');
    await clock.tickAsync(750);
    const probe = latest('websocket');
    probe.open();
    assert.equal(connection.transport, 'websocket');
    assert.equal(probe.sent.length, 0, 'nothing yet: m1 may still be on its way');
    await clock.tickAsync(10_000);
    assert.equal(signals[0]!.aborted, true);
    assert.deepEqual(
      probe.sent.map((m) => m.mid),
      ['m1', 'm2', 'm3'],
    );
    assert.equal(connection.queued, 0);
    await clock.tickAsync(60_000);
    assert.equal(probe.sent.length, 3);
    assert.deepEqual(posted, ['m1']);
    assert.deepEqual(errors, []);
    connection.close();
  });

  test('C01: a socket that says open but answers dropped (it is closing): the message goes out once via the next route, in order, no error', async () => {
    const { connection, latest, posts } = setup({ probeMs: 60_000 });
    const errors: string[] = [];
    connection.onError((error) => errors.push(error.kind));
    connection.connect();
    const ws = latest('websocket');
    ws.open('e1', 0);
    const tried: string[] = [];
    // What RealtimeSocket with queueLimit 0 does when its socket is already closing.
    ws.send = (type: MessageType, _payload: unknown, options: { mid?: string } = {}) => {
      tried.push(options.mid!);
      ws.events.error({ kind: 'queue-overflow', dropped: 1, type });
      return 'dropped';
    };
    assert.equal(connection.send('app.chat' as never, { n: 1 } as never, { mid: 'm1' }), 'queued');
    assert.equal(connection.send('app.chat' as never, { n: 2 } as never, { mid: 'm2' }), 'queued');
    assert.equal(connection.queued, 2);
    assert.deepEqual(errors, [], 'the inner overflow report is not passed on');
    ws.fail(3);
    const sse = latest('sse');
    sse.open();
    await clock.tickAsync(0);
    assert.deepEqual(
      posts.map((p) => p.body['mid']),
      ['m1', 'm2'],
    );
    await clock.tickAsync(60_000);
    assert.equal(posts.length, 2);
    assert.equal(ws.sent.length, 0);
    assert.ok(tried.every((mid) => mid === 'm1' || mid === 'm2'));
    assert.deepEqual(errors, []);
    connection.close();
  });

  test('a socket answering dropped keeps the message until the socket reopens; then it goes once through the socket', async () => {
    const { connection, latest, posts } = setup({ probeMs: 60_000 });
    connection.connect();
    const ws = latest('websocket');
    ws.open('e1', 0);
    const realSend = ws.send.bind(ws);
    ws.send = () => 'dropped';
    assert.equal(connection.send('app.chat' as never, { n: 1 } as never, { mid: 'm1' }), 'queued');
    ws.fail(1);
    ws.send = realSend;
    ws.open();
    await clock.tickAsync(0);
    assert.deepEqual(
      ws.sent.map((m) => m.mid),
      ['m1'],
    );
    assert.equal(posts.length, 0);
    assert.equal(connection.queued, 0);
    connection.close();
  });

  test('over sse a sent app message coming back from the server is not delivered to the sender; others get it', async () => {
    const sender = setup({ transports: ['sse'] });
    const other = setup({ transports: ['sse'] });
    const got = { sender: [] as string[], other: [] as string[] };
    sender.connection.on('app.chat' as never, (frame: AnyEnvelope) => got.sender.push(frame.mid!));
    other.connection.on('app.chat' as never, (frame: AnyEnvelope) => got.other.push(frame.mid!));
    for (const side of [sender, other]) {
      side.connection.connect();
      side.latest('sse').open('e1', 0);
    }
    assert.equal(sender.connection.send('app.chat' as never, { text: 'hi' } as never, { mid: 'own' }), 'sent');
    const generated = sender.connection.send('app.chat' as never, { text: 'no mid given' } as never);
    assert.equal(generated, 'queued');
    await clock.tickAsync(0);
    const mids = sender.posts.map((p) => String(p.body['mid']));
    assert.equal(mids.length, 2);
    // The server fans each post out to every stream, the sender's included.
    for (const mid of [...mids, 'from-someone-else']) {
      for (const side of [sender, other]) side.latest('sse').events.deliver(chat(mid));
    }
    assert.deepEqual(got.sender, ['from-someone-else']);
    assert.deepEqual(got.other, [...mids, 'from-someone-else']);
    sender.connection.close();
    other.connection.close();
  });
});
