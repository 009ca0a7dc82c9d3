import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { RealtimeSocket, type RealtimeSocketOptions } from '../../src/services/realtime-socket.js';
import type { Clock, ConnectionState } from '../../src/services/types.js';
import { createEnvironment, createFakeServer, type FakeServer } from './fake-socket.js';
import { seeded } from './wire.js';

describe('RealtimeSocket timing under fake timers', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServer;
  let sockets: RealtimeSocket[];

  function make(options: Partial<RealtimeSocketOptions> = {}) {
    const socket = new RealtimeSocket({ url: 'ws://test.invalid/ws', WebSocket: server.WebSocket, random: seeded(7), ...options });
    sockets.push(socket);
    const states: ConnectionState[] = [];
    socket.onStatus((status) => {
      if (states.at(-1) !== status.state) states.push(status.state);
    });
    return { socket, states };
  }

  const pings = (index: number) => server.sockets[index]!.sent.filter((frame) => frame['type'] === 'sys.ping').length;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    server = createFakeServer();
    sockets = [];
  });

  afterEach(() => {
    for (const socket of sockets) socket.close();
    clock.restore();
  });

  test('pings after heartbeatMs of quiet and reconnects when no pong comes within pongTimeoutMs', async () => {
    const { socket, states } = make({ heartbeatMs: 1_000, pongTimeoutMs: 500 });
    const reasons: (string | null)[] = [];
    socket.onStatus((status) => reasons.push(status.reason));
    socket.connect();
    await clock.tickAsync(10);
    assert.equal(socket.status.state, 'open');
    await clock.tickAsync(1_000);
    assert.equal(pings(0), 1, 'one ping after a quiet second');
    await clock.tickAsync(1_000);
    assert.equal(pings(0), 2, 'answered, so the next ping comes a heartbeat later');
    server.script.pong = false;
    await clock.tickAsync(1_010);
    assert.equal(pings(0), 3);
    await clock.tickAsync(500);
    assert.equal(server.sockets[0]!.closedBy, 'client');
    assert.ok(reasons.includes('heartbeat-timeout'));
    server.script.pong = true;
    await clock.tickAsync(600);
    assert.equal(socket.status.state, 'open');
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
  });

  test('any inbound frame counts as liveness: a chatty line is never pinged', async () => {
    const { socket } = make({ heartbeatMs: 1_000, pongTimeoutMs: 500 });
    socket.connect();
    await clock.tickAsync(10);
    for (let i = 1; i <= 20; i += 1) {
      server.sockets[0]!.receive({ type: 'presence.update', ts: 1, payload: { userId: 'u', status: 'online' } });
      await clock.tickAsync(400);
    }
    assert.equal(pings(0), 0);
  });

  test('marks the status stale after staleMs of quiet and fresh again on the next frame', async () => {
    server.script.pong = false;
    const { socket } = make({ heartbeatMs: 10_000, pongTimeoutMs: 10_000, staleMs: 3_000 });
    socket.connect();
    await clock.tickAsync(10);
    assert.equal(socket.status.stale, false);
    await clock.tickAsync(3_000);
    assert.equal(socket.status.stale, true);
    server.sockets[0]!.receive({ type: 'sys.pong', ts: 1, payload: {} });
    assert.equal(socket.status.stale, false);
  });

  test('C05: a hidden tab whose timers fire only every 60 s keeps a healthy connection for 5 minutes, then pings at once when visible', async () => {
    let throttled = false;
    // Timers aligned to whole minutes while hidden, like a browser's intensive throttling.
    const lateClock: Clock = {
      now: () => Date.now(),
      setTimeout: (callback, ms) => {
        const due = Date.now() + ms;
        const delay = throttled ? Math.ceil(due / 60_000) * 60_000 - Date.now() : ms;
        return setTimeout(callback, Math.max(delay, 0));
      },
      clearTimeout: (handle) => clearTimeout(handle as number),
    };
    const env = createEnvironment();
    const { socket, states } = make({ clock: lateClock, environment: env.environment, heartbeatMs: 25_000, pongTimeoutMs: 10_000 });
    socket.connect();
    await clock.tickAsync(10);
    assert.equal(socket.status.state, 'open');
    throttled = true;
    env.hide();
    await clock.tickAsync(5 * 60_000);
    assert.equal(server.sockets.length, 1, 'no reconnect');
    assert.equal(server.sockets[0]!.closedBy, null, 'never force-closed');
    assert.deepEqual(states, ['connecting', 'open']);
    const before = pings(0);
    assert.ok(before >= 1, 'it still checked the line while hidden');
    throttled = false;
    env.show();
    assert.equal(pings(0), before + 1, 'an immediate ping on becoming visible');
    await clock.tickAsync(10_000);
    assert.equal(socket.status.state, 'open');
  });

  test('C06: 1,000 seeded clients dropped at t=0 spread their first retries and grow their waits to the cap, jittered after it', async () => {
    const count = 1_000;
    // waits[client][attempt] = the wait the client announced (nextRetryAt - now) before that attempt.
    const waits: number[][] = [];
    for (let i = 0; i < count; i += 1) {
      // The kit's default policy: the case is about what ships.
      const { socket } = make({ random: seeded(1_000 + i) });
      const mine: number[] = [];
      waits.push(mine);
      socket.onStatus((status) => {
        if (status.state === 'reconnecting' && status.nextRetryAt !== null) mine[status.attempt] = status.nextRetryAt - Date.now();
      });
      socket.connect();
    }
    await clock.tickAsync(10);
    assert.ok(sockets.every((socket) => socket.status.state === 'open'));
    const t0 = Date.now();
    server.script.answer = 1013;
    const before = server.sockets.length;
    for (const fake of server.sockets.slice()) fake.serverClose(1001, 'restart');
    await clock.tickAsync(120_000);
    const attempts = server.sockets.slice(before).map((fake) => fake.createdAt - t0);
    assert.ok(attempts.length > count * 5, `retries kept coming (${attempts.length})`);

    // First retries: spread over the whole first jitter window [0, 3 s), no slice crowded, and no
    // one-second bucket holding most of them.
    const first = waits.map((mine) => mine[1]!);
    assert.ok(first.every((ms) => ms >= 0 && ms < 3_000));
    const slices = Array.from({ length: 10 }, () => 0);
    for (const ms of first) slices[Math.floor(ms / 300)]! += 1;
    assert.ok(Math.max(...slices) < 0.15 * count, `first retries spread evenly: ${slices.join(',')}`);
    assert.ok(Math.min(...slices) > 0.05 * count, `first retries spread evenly: ${slices.join(',')}`);
    const firstPerSecond = [0, 0, 0];
    for (const ms of first) firstPerSecond[Math.floor(ms / 1_000)]! += 1;
    const largestShare = Math.max(...firstPerSecond) / count;
    assert.ok(largestShare < 0.4, `largest share of first retries in one second: ${(largestShare * 100).toFixed(1)} %`);
    console.info(`C06: largest share of first retries in any one second: ${(largestShare * 100).toFixed(1)} %`);

    // Over the two minutes, no one-second bucket holds most of the attempts.
    const perSecond = new Map<number, number>();
    for (const ms of attempts) perSecond.set(Math.floor(ms / 1_000), (perSecond.get(Math.floor(ms / 1_000)) ?? 0) + 1);
    assert.ok(Math.max(...perSecond.values()) < attempts.length / 2, 'no one-second bucket holds most attempts');

    // The ceiling doubles per attempt up to the cap: the largest wait seen at attempt n is close to it.
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      const ceiling = Math.min(30_000, 3_000 * 2 ** (attempt - 1));
      const seen = waits.map((mine) => mine[attempt]).filter((ms): ms is number => ms !== undefined);
      assert.ok(seen.length > 0.9 * count, `most clients reached attempt ${attempt}`);
      assert.ok(Math.max(...seen) < ceiling, `attempt ${attempt} stays under its ceiling ${ceiling}`);
      assert.ok(Math.max(...seen) > 0.95 * ceiling, `attempt ${attempt} reaches near its ceiling ${ceiling}`);
    }
    // Jitter after the cap: capped waits still cover the whole window instead of bunching at 30 s.
    const capped = waits.flatMap((mine) => mine.slice(5).filter((ms) => ms !== undefined));
    const mean = capped.reduce((sum, ms) => sum + ms, 0) / capped.length;
    assert.ok(Math.abs(mean - 15_000) < 1_500, `capped waits average about half the cap (${Math.round(mean)})`);
    assert.ok(capped.filter((ms) => ms < 3_000).length > 0.05 * capped.length, 'some capped waits are short');
    assert.ok(sockets.every((socket) => socket.status.state === 'reconnecting'));
  });

  test('waits in offline while the environment has no network and attempts at once when it comes back', async () => {
    const env = createEnvironment();
    env.goOffline();
    const { socket, states } = make({ environment: env.environment });
    socket.connect();
    await clock.tickAsync(5_000);
    assert.equal(socket.status.state, 'offline');
    assert.equal(server.sockets.length, 0);
    env.goOnline();
    await clock.tickAsync(5);
    assert.equal(socket.status.state, 'open');
    assert.deepEqual(states, ['connecting', 'offline', 'connecting', 'open']);
    socket.close();
    assert.equal(env.listeners.online.size + env.listeners.offline.size + env.listeners.visibility.size, 0, 'listeners removed on close');
  });

  test('online and retry() cut a long backoff short; a 4008 close waits longer', async () => {
    const env = createEnvironment();
    const { socket } = make({ environment: env.environment, backoff: { baseMs: 60_000, maxMs: 60_000 }, random: () => 0.9 });
    socket.connect();
    await clock.tickAsync(5);
    server.script.answer = 1013;
    server.sockets[0]!.serverClose(1001);
    await clock.tickAsync(5);
    assert.equal(socket.status.state, 'reconnecting');
    assert.ok(Math.abs(socket.status.nextRetryAt! - Date.now() - 54_000) <= 10);
    env.goOnline();
    await clock.tickAsync(5);
    assert.equal(server.sockets.length, 2, 'attempted at once');
    await clock.tickAsync(5);
    socket.retry();
    await clock.tickAsync(5);
    assert.equal(server.sockets.length, 3, 'retry() attempted at once');

    server.script.answer = 'accept';
    const limited = make({ backoff: { baseMs: 10, maxMs: 30_000 }, random: () => 0.01 }).socket;
    limited.connect();
    await clock.tickAsync(5);
    server.sockets.at(-1)!.serverClose(4008, 'slow down');
    await clock.tickAsync(1);
    assert.equal(limited.status.code, 4008);
    assert.ok(limited.status.nextRetryAt! - Date.now() >= 5_000 - 1, 'rate limited: at least 5 s');
  });

  test('every timer and listener is gone after close()', async () => {
    const env = createEnvironment();
    const { socket } = make({ environment: env.environment });
    socket.connect();
    await clock.tickAsync(5);
    socket.close();
    assert.equal(socket.status.state, 'closed');
    assert.equal(server.sockets[0]!.closedBy, 'client');
    assert.equal(clock.countTimers(), 0, 'no timers left');
  });
  test('while open, going offline or showing the tab again checks the line with a ping at once', async () => {
    const env = createEnvironment();
    const { socket } = make({ environment: env.environment, heartbeatMs: 60_000 });
    socket.connect();
    await clock.tickAsync(5);
    assert.equal(socket.status.state, 'open');
    env.goOffline();
    assert.equal(pings(0), 1, 'offline: pinged');
    assert.equal(socket.status.state, 'open', 'an open socket does not show offline on the flag alone');
    await clock.tickAsync(10);
    env.goOnline();
    assert.equal(pings(0), 2, 'online: pinged');
    await clock.tickAsync(10);
    env.hide();
    assert.equal(pings(0), 2, 'hiding does not ping');
    env.show();
    assert.equal(pings(0), 3, 'shown again: pinged');
    await clock.tickAsync(10);
    assert.equal(socket.status.state, 'open');
  });
});
