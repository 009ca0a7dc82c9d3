import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { EventStream } from '../../src/services/event-stream.js';
import type { ConnectionStatus } from '../../src/services/types.js';
import { createEnvironment } from './fake-socket.js';

/** A fetch that answers from a plan; streams stay open until the test ends them (or the signal aborts). */
function scriptedFetch() {
  const plan: (number | 'stream')[] = [];
  const requests: { at: number; headers: Record<string, string> }[] = [];
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const encoder = new TextEncoder();
  const fetchImpl = (async (_input: string | URL | Request, init: RequestInit = {}) => {
    requests.push({ at: Date.now(), headers: { ...(init.headers as Record<string, string>) } });
    const next = plan.shift() ?? 'stream';
    if (next !== 'stream') return new Response(next === 204 ? null : '{}', { status: next });
    let saved!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (controller) => void (saved = controller) });
    streams.push(saved);
    init.signal?.addEventListener('abort', () => {
      try {
        saved.error(new Error('aborted'));
      } catch {
        // already closed
      }
    });
    saved.enqueue(encoder.encode('retry: 1000\n\n'));
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
  return {
    plan,
    requests,
    fetchImpl,
    write: (text: string) => streams.at(-1)!.enqueue(encoder.encode(text)),
    end: () => streams.at(-1)!.close(),
  };
}

describe('EventStream timing under fake timers', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => clock.restore());

  test('C10: 503 twice then 200: waits the server retry plus jittered, growing backoff, showing reconnecting meanwhile', async () => {
    const server = scriptedFetch();
    const statuses: ConnectionStatus[] = [];
    const waits: number[] = [];
    const stream = new EventStream({ url: 'http://h/api/events', fetch: server.fetchImpl, random: () => 0.5, backoff: { baseMs: 1_000, maxMs: 8_000 } });
    stream.onStatus((status) => {
      statuses.push(status);
      if (status.nextRetryAt !== null) waits.push(status.nextRetryAt - Date.now());
    });
    stream.connect();
    await clock.tickAsync(1);
    assert.equal(stream.status.state, 'open');
    server.plan.push(503, 503);
    server.end();
    await clock.tickAsync(1);
    assert.equal(stream.status.state, 'reconnecting');
    const endedAt = Date.now();
    await clock.tickAsync(1_400);
    assert.equal(server.requests.length, 1, 'no request before the wait is over');
    await clock.tickAsync(5_200);
    assert.equal(server.requests.length, 4);
    assert.equal(stream.status.state, 'open');
    // Each wait is the server's retry (1000) plus 0.5 of a ceiling that doubles: 1000, 2000, 4000.
    assert.deepEqual(waits, [1_500, 2_000, 3_000]);
    const gaps = server.requests.slice(1).map((request, index) => request.at - (index === 0 ? endedAt : server.requests[index]!.at));
    assert.ok(Math.abs(gaps[0]! - 1_500) <= 2 && gaps[1] === 2_000 && gaps[2] === 3_000, `gaps ${gaps.join(',')}`);
    assert.ok(statuses.some((status) => status.state === 'reconnecting' && status.code === 503));
    assert.deepEqual(
      [...new Set(statuses.map((status) => status.state))],
      ['connecting', 'open', 'reconnecting'],
    );
    stream.close();
  });

  test('reopens a stream that stays silent past idleTimeoutMs, but not one that sends comments', async () => {
    const server = scriptedFetch();
    const stream = new EventStream({ url: 'http://h/api/events', fetch: server.fetchImpl, idleTimeoutMs: 45_000, random: () => 0 });
    stream.connect();
    await clock.tickAsync(1);
    for (let i = 0; i < 6; i += 1) {
      await clock.tickAsync(15_000);
      server.write(': ping\n\n');
    }
    assert.equal(server.requests.length, 1, 'pings keep it alive');
    await clock.tickAsync(45_000);
    await clock.tickAsync(1_100);
    assert.equal(server.requests.length, 2, 'silence reopens it');
    assert.equal(stream.status.state, 'open');
    stream.close();
  });

  test('going back online skips the wait; close() stops everything', async () => {
    const server = scriptedFetch();
    const env = createEnvironment();
    const stream = new EventStream({ url: 'http://h/api/events', fetch: server.fetchImpl, environment: env.environment, random: () => 1, backoff: { baseMs: 60_000, maxMs: 60_000 } });
    server.plan.push(500);
    stream.connect();
    await clock.tickAsync(1);
    assert.equal(stream.status.state, 'reconnecting');
    env.goOnline();
    await clock.tickAsync(1);
    assert.equal(server.requests.length, 2);
    assert.equal(stream.status.state, 'open');
    stream.close();
    assert.equal(stream.status.state, 'closed');
    assert.equal(clock.countTimers(), 0);
    assert.equal(env.listeners.online.size, 0);
  });
  test('marks the status stale after staleMs of silence and fresh again when a byte arrives', async () => {
    const server = scriptedFetch();
    const stream = new EventStream({ url: 'http://h/api/events', fetch: server.fetchImpl, staleMs: 10_000, idleTimeoutMs: 60_000 });
    const flags: boolean[] = [];
    stream.onStatus((status) => {
      if (flags.at(-1) !== status.stale) flags.push(status.stale);
    });
    stream.connect();
    await clock.tickAsync(1);
    await clock.tickAsync(9_000);
    assert.equal(stream.status.stale, false);
    await clock.tickAsync(1_100);
    assert.equal(stream.status.stale, true);
    server.write(': ping\n\n');
    await clock.tickAsync(1);
    assert.equal(stream.status.stale, false);
    assert.equal(stream.status.transport, 'sse');
    assert.deepEqual(flags, [false, true, false]);
    stream.close();
    assert.equal(clock.countTimers(), 0);
  });

  test('losing the network while reconnecting shows offline; a tab shown again skips the wait unless offline', async () => {
    const server = scriptedFetch();
    const env = createEnvironment();
    const stream = new EventStream({ url: 'http://h/api/events', fetch: server.fetchImpl, environment: env.environment, random: () => 1, backoff: { baseMs: 60_000, maxMs: 60_000 } });
    server.plan.push(500, 500);
    stream.connect();
    await clock.tickAsync(1);
    assert.equal(stream.status.state, 'reconnecting');
    env.hide();
    env.show();
    await clock.tickAsync(1);
    assert.equal(server.requests.length, 2, 'shown again: attempted at once');
    assert.equal(stream.status.state, 'reconnecting');
    env.goOffline();
    assert.equal(stream.status.state, 'offline');
    assert.equal(stream.status.reason, 'offline');
    env.show();
    await clock.tickAsync(1);
    assert.equal(server.requests.length, 2, 'no attempt while offline');
    stream.close();
    assert.equal(env.listeners.online.size + env.listeners.offline.size + env.listeners.visibility.size, 0, 'listeners removed on close');
  });
});
