// C08: a server whose log was replaced (a new data dir, so a new epoch) makes every transport reset
// once, so lists reload instead of skipping the new log's small seqs; the first connect and a
// restart on the same data dir (same epoch) reset nothing. Runs against the reference server.
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WS from 'ws';
import { startServer, type RunningServer } from '../../server/app.js';
import type { AnyEnvelope } from '../../src/protocol/index.js';
import { ConnectionBase } from '../../src/services/connection-base.js';
import { ConnectionEvents, EPOCH_CHANGED } from '../../src/services/connection-events.js';
import { EventStream } from '../../src/services/event-stream.js';
import { FallbackConnection, type FallbackTransport } from '../../src/services/fallback-connection.js';
import { Poller } from '../../src/services/poller.js';
import { RealtimeSocket } from '../../src/services/realtime-socket.js';
import { RestApi } from '../../src/services/rest-api.js';
import { SequenceTracker } from '../../src/services/sequence-tracker.js';
import { type RealtimeConnection, type SendResult, type Transport, silentLogger } from '../../src/services/types.js';
import { waitFor } from './wire.js';

const WebSocketImpl = WS as unknown as typeof WebSocket;
const backoff = { baseMs: 20, maxMs: 100 };

/** Node's fetch may reuse a pooled connection to the server that just closed: try again. */
const patientFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  for (let tries = 0; ; tries++) {
    try {
      return await fetch(input, init);
    } catch (error) {
      if (tries >= 5) throw error;
    }
  }
}) as typeof fetch;

interface Subject extends RealtimeConnection {
  readonly cursor: string | null;
  connect(): void;
  close(): void;
}

type Make = (url: string) => Subject;

const transports: [string, Make][] = [
  ['RealtimeSocket', (url) => new RealtimeSocket({ url: '/ws', baseUrl: url, WebSocket: WebSocketImpl, user: { id: 'u1' }, backoff })],
  ['EventStream', (url) => new EventStream({ url: '/api/events', baseUrl: url, user: { id: 'u1' }, backoff })],
  ['Poller', (url) => new Poller({ api: `${url}/api`, user: { id: 'u1' }, intervalMs: 30, backoff })],
  [
    'FallbackConnection',
    (url) => new FallbackConnection({ url: '/ws', baseUrl: url, WebSocket: WebSocketImpl, user: { id: 'u1' }, backoff, stepDownAfter: 1_000, stepDownMs: 60_000 }),
  ],
];

describe('C08: a new epoch resets once', () => {
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  const subjects: Subject[] = [];

  function dataDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'rt-epoch-'));
    dirs.push(dir);
    return dir;
  }

  async function serve(dir: string, port = 0): Promise<RunningServer> {
    const server = await startServer({ port, host: '127.0.0.1', dataDir: dir, demo: true, log: () => {} });
    servers.push(server);
    return server;
  }

  async function stop(server: RunningServer): Promise<void> {
    servers.splice(servers.indexOf(server), 1);
    await server.close();
  }

  afterEach(async () => {
    for (const subject of subjects.splice(0)) subject.close();
    for (const server of servers.splice(0)) await server.close();
  });

  after(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test('SequenceTracker.start reports a change of a known epoch only', () => {
    const tracker = new SequenceTracker();
    assert.equal(tracker.start('e1', 4), false, 'the first epoch of a fresh tracker is no change');
    assert.equal(tracker.start('e1', 9), false);
    assert.equal(tracker.start('e1', 2), false, 'a log behind ours in the same epoch is no epoch change');
    assert.equal(tracker.start('e2', 0), true);
    assert.equal(tracker.cursor, 'e2:0');
    assert.equal(tracker.start('e2', 0), false);
    const seeded = new SequenceTracker();
    seeded.reset('e1', 3);
    assert.equal(seeded.start('e2', 1), true, 'a cursor handed over from an older log counts');
  });

  for (const [name, make] of transports) {
    test(`${name}: one reset and the new seq 1 after a restart on a fresh data dir; none on first connect or the same data dir`, async () => {
      const first = await serve(dataDir());
      const port = first.port;
      const subject = make(first.url);
      subjects.push(subject);
      let resets = 0;
      const frames: AnyEnvelope[] = [];
      subject.onReset(() => resets++);
      subject.onAny((frame) => frames.push(frame));
      const seqs = () => frames.filter((frame) => frame.type === 'activity.new').map((frame) => frame.seq);
      const publish = (url: string, n: number) => new RestApi({ baseUrl: url, userId: 'u1', fetch: patientFetch }).publishActivity({ userName: 'Ada', action: 'did', target: String(n) });

      subject.connect();
      await waitFor(() => subject.status.state === 'open' && subject.cursor !== null, 'first open');
      for (let n = 1; n <= 3; n += 1) await publish(first.url, n);
      await waitFor(() => seqs().length === 3, 'seqs 1..3');
      assert.deepEqual(seqs(), [1, 2, 3]);
      assert.equal(resets, 0, 'no reset on the first connect');
      const oldEpoch = subject.cursor!.split(':')[0];

      await stop(first);
      const freshDir = dataDir();
      const second = await serve(freshDir, port);
      await waitFor(() => resets === 1 && subject.status.state === 'open', 'reset and reopen on the new epoch', 8_000);
      const reset = frames.find((frame) => frame.type === 'sys.reset');
      assert.ok(reset && reset.type === 'sys.reset');
      assert.equal(reset.payload.reason, EPOCH_CHANGED);
      assert.notEqual(reset.payload.epoch, oldEpoch);
      const created = await publish(second.url, 1);
      assert.equal(created.seq, 1, 'the new log starts over');
      await waitFor(() => seqs().length === 4, 'the new seq 1', 8_000);
      assert.deepEqual(seqs(), [1, 2, 3, 1]);
      assert.equal(resets, 1, 'exactly one reset');
      assert.equal(frames.filter((frame) => frame.type === 'sys.reset').length, 1);
      assert.equal(subject.cursor!.split(':')[0], reset.payload.epoch);

      // Same data dir, same epoch: a plain reconnect that resumes (and replays what it missed), no reset.
      await stop(second);
      const third = await serve(freshDir, port);
      await publish(third.url, 2);
      await waitFor(() => seqs().length === 5, 'seq 2 of the new log', 8_000);
      assert.deepEqual(seqs(), [1, 2, 3, 1, 2]);
      assert.equal(resets, 1, 'no reset for the same epoch');
    });
  }
});

/** A rung the test drives: status, logged events, and the epoch-change reset a real transport makes. */
class Rung extends ConnectionBase implements FallbackTransport {
  readonly events: ConnectionEvents;
  cursor: string | null;

  constructor(
    readonly transport: Transport,
    readonly startCursor: string | null,
  ) {
    const events = new ConnectionEvents({ transport, name: `rung-${transport}`, unit: 'a frame', logger: silentLogger });
    super(events);
    this.events = events;
    this.cursor = startCursor;
  }

  send(): SendResult {
    return 'dropped';
  }
  connect(): void {
    this.events.setStatus({ state: 'connecting', attempt: 0 });
  }
  close(): void {
    this.events.setStatus({ state: 'closed', reason: 'page' });
  }
  retry(): void {}
  open(): void {
    this.events.setStatus({ state: 'open', attempt: 0, reason: null, code: null });
  }
  /** What RealtimeSocket / EventStream / Poller do on a hello or answer of another epoch. */
  newEpoch(epoch: string, seq: number): void {
    this.cursor = `${epoch}:${seq}`;
    this.events.epochChanged(epoch, seq, 0);
  }
  event(seq: number, epoch: string): void {
    this.cursor = `${epoch}:${seq}`;
    this.events.deliver({ type: 'activity.new', ts: 0, seq, prev: seq - 1, payload: { id: `a${seq}`, userName: 'Ada', action: 'x', target: String(seq) } } as AnyEnvelope);
  }
}

describe('C08: FallbackConnection forwards an epoch-change reset once', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  afterEach(() => clock.restore());

  test('from the active rung it is not swallowed; the same epoch found again by a probe is not doubled; a later server reset still counts', async () => {
    const made: Rung[] = [];
    const make = (transport: Transport) => (cursor: string | null) => {
      const rung = new Rung(transport, cursor);
      made.push(rung);
      return rung;
    };
    const latest = (transport: Transport) => made.filter((rung) => rung.transport === transport).at(-1)!;
    const connection = new FallbackConnection({
      url: 'ws://h/ws',
      create: { websocket: make('websocket'), sse: make('sse'), polling: make('polling') },
      transports: ['websocket', 'sse'],
      random: () => 0.5,
      stepDownAfter: 1,
      probeMs: 1_000,
      probeTimeoutMs: 60_000,
    });
    let resets = 0;
    const seqs: number[] = [];
    connection.onReset(() => resets++);
    connection.on('activity.new', (frame) => seqs.push(frame.seq!));
    connection.connect();
    const ws = latest('websocket');
    ws.cursor = 'e1:0';
    ws.open();
    ws.event(1, 'e1');
    ws.event(2, 'e1');
    ws.events.setStatus({ state: 'reconnecting', attempt: 1, reason: 'closed (1006)', code: 1006 });
    const sse = latest('sse');
    assert.equal(sse.startCursor, 'e1:2');
    await clock.tickAsync(2_000);
    const probe = latest('websocket');
    assert.notEqual(probe, ws, 'a probe of the socket runs, still on the old cursor');
    assert.equal(probe.startCursor, 'e1:2');

    sse.open();
    sse.newEpoch('e2', 0);
    assert.equal(resets, 1, 'the active rung reset reaches the page');
    assert.equal(connection.cursor, 'e2:0');
    sse.event(1, 'e2');
    probe.newEpoch('e2', 1);
    assert.equal(resets, 1, 'the probe finding the same new epoch is the same reset');
    probe.open();
    await clock.tickAsync(0);
    assert.equal(connection.transport, 'websocket');
    probe.event(2, 'e2');
    assert.deepEqual(seqs, [1, 2, 1, 2]);
    probe.events.reset({ type: 'sys.reset', ts: 0, payload: { epoch: 'e2', seq: 9, reason: 'cursor is older than the retained log' } });
    assert.equal(resets, 2, 'a server reset in that epoch is still a reset');
    connection.close();
  });
});
