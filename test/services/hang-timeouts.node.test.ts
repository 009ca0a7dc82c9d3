// A token getter, ticket request or stream request that never answers must not hold a connection in
// `connecting` forever: at the connect timeout the attempt fails ('timeout'), the usual backoff
// applies and a later attempt gets through; close() abandons (and aborts) what is under way.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { EventStream, type EventStreamOptions } from '../../src/services/event-stream.js';
import { RealtimeSocket, type RealtimeSocketOptions } from '../../src/services/realtime-socket.js';
import type { ConnectionStatus, RealtimeErrorDetail } from '../../src/services/types.js';
import { createFakeServer, type FakeServer } from './fake-socket.js';

/** Each call takes the next plan entry: 'hang' never settles (and ignores the signal), else the answer. */
function plannedFetch(answer: () => Response) {
  const plan: ('hang' | 'answer')[] = [];
  const signals: AbortSignal[] = [];
  const fetchImpl = ((_input: string | URL | Request, init: RequestInit = {}) => {
    if (init.signal) signals.push(init.signal);
    if ((plan.shift() ?? 'answer') === 'hang') return new Promise<Response>(() => {});
    return Promise.resolve(answer());
  }) as typeof fetch;
  return { plan, signals, fetchImpl };
}

/** A token getter whose first `hangs` calls never settle. */
function hangingTokens(hangs: number) {
  const calls: boolean[] = [];
  const getToken = ({ refresh }: { refresh: boolean }) => {
    calls.push(refresh);
    return calls.length <= hangs ? new Promise<string>(() => {}) : Promise.resolve(`t${calls.length}`);
  };
  return { calls, getToken };
}

function watch(connection: { onStatus(handler: (status: ConnectionStatus) => void): unknown; onError(handler: (error: RealtimeErrorDetail) => void): unknown }) {
  const statuses: ConnectionStatus[] = [];
  const errors: RealtimeErrorDetail[] = [];
  connection.onStatus((status) => statuses.push(status));
  connection.onError((error) => errors.push(error));
  return { statuses, errors };
}

const timing = { connectTimeoutMs: 1_000, random: () => 0.5, backoff: { baseMs: 1_000, maxMs: 1_000 } };

describe('hangs before the connection exists end at the connect timeout', () => {
  let clock: sinon.SinonFakeTimers;
  let server: FakeServer;
  const cleanup: (() => void)[] = [];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    server = createFakeServer();
  });

  afterEach(() => {
    for (const done of cleanup.splice(0)) done();
    clock.restore();
  });

  function socket(options: { getToken: RealtimeSocketOptions['getToken']; fetch?: typeof fetch }) {
    const created = new RealtimeSocket({ url: 'ws://test.invalid/ws', WebSocket: server.WebSocket, ...timing, ...options });
    cleanup.push(() => created.close());
    return { socket: created, ...watch(created) };
  }

  test('RealtimeSocket: a ticket request that never answers → reconnecting with nextRetryAt after the timeout; the next attempt opens', async () => {
    const tickets = plannedFetch(() => new Response(JSON.stringify({ ticket: 'k1' }), { status: 200, headers: { 'content-type': 'application/json' } }));
    tickets.plan.push('hang');
    const { socket: ws, statuses } = socket({ getToken: () => 't', fetch: tickets.fetchImpl });
    ws.connect();
    await clock.tickAsync(999);
    assert.equal(ws.status.state, 'connecting', 'still within the timeout');
    assert.equal(tickets.signals.length, 1);
    assert.equal(tickets.signals[0]!.aborted, false);
    await clock.tickAsync(1);
    assert.equal(ws.status.state, 'reconnecting');
    assert.equal(ws.status.reason, 'timeout');
    assert.equal(ws.status.attempt, 1);
    assert.equal(ws.status.nextRetryAt, Date.now() + 500, 'the usual jittered backoff');
    assert.equal(tickets.signals[0]!.aborted, true, 'the hanging request is aborted');
    assert.equal(server.sockets.length, 0, 'no socket without a ticket');
    await clock.tickAsync(510);
    assert.equal(ws.status.state, 'open');
    assert.equal(server.sockets.length, 1);
    assert.match(server.sockets[0]!.url, /ticket=k1/);
    assert.ok(statuses.some((status) => status.reason === 'timeout' && status.nextRetryAt !== null));
  });

  test('RealtimeSocket: a token getter that never answers times out the same way, and retry() skips the wait', async () => {
    const tokens = hangingTokens(1);
    const tickets = plannedFetch(() => new Response(JSON.stringify({ ticket: 'k2' }), { status: 200 }));
    const { socket: ws, errors } = socket({ getToken: tokens.getToken, fetch: tickets.fetchImpl });
    ws.connect();
    await clock.tickAsync(1_000);
    assert.equal(ws.status.state, 'reconnecting');
    assert.equal(ws.status.reason, 'timeout');
    assert.notEqual(ws.status.nextRetryAt, null);
    assert.equal(tickets.signals.length, 0, 'no ticket asked for without a token');
    ws.retry();
    await clock.tickAsync(10);
    assert.equal(ws.status.state, 'open');
    assert.equal(tokens.calls.length, 2);
    assert.match(server.sockets[0]!.url, /ticket=k2/);
    assert.deepEqual(errors, [], 'a timeout is not an auth error');
  });

  test('RealtimeSocket: close() during a hanging ticket request aborts it and nothing follows', async () => {
    const tickets = plannedFetch(() => new Response(JSON.stringify({ ticket: 'k' }), { status: 200 }));
    tickets.plan.push('hang');
    const { socket: ws } = socket({ getToken: () => 't', fetch: tickets.fetchImpl });
    ws.connect();
    await clock.tickAsync(100);
    ws.close();
    assert.equal(tickets.signals[0]!.aborted, true);
    await clock.tickAsync(10_000);
    assert.equal(ws.status.state, 'closed');
    assert.equal(tickets.signals.length, 1);
    assert.equal(server.sockets.length, 0);
  });

  function stream(options: { getToken?: EventStreamOptions['getToken']; fetch: typeof fetch }) {
    const created = new EventStream({ url: 'http://test.invalid/api/events', ...timing, ...options });
    cleanup.push(() => created.close());
    return { stream: created, ...watch(created) };
  }

  const eventStream = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(new TextEncoder().encode(': hi\n\n')),
      }),
      { status: 200, headers: { 'content-type': 'text/event-stream' } },
    );

  test('EventStream: a request whose headers never come → reconnecting with nextRetryAt after the timeout; the next request opens', async () => {
    const requests = plannedFetch(eventStream);
    requests.plan.push('hang');
    const { stream: sse, statuses } = stream({ fetch: requests.fetchImpl });
    sse.connect();
    await clock.tickAsync(999);
    assert.equal(sse.status.state, 'connecting');
    await clock.tickAsync(1);
    assert.equal(sse.status.state, 'reconnecting');
    assert.equal(sse.status.reason, 'timeout');
    assert.equal(sse.status.nextRetryAt, Date.now() + 500);
    assert.equal(requests.signals[0]!.aborted, true);
    await clock.tickAsync(510);
    assert.equal(sse.status.state, 'open');
    assert.equal(requests.signals.length, 2);
    assert.ok(statuses.some((status) => status.reason === 'timeout' && status.nextRetryAt !== null));
    await clock.tickAsync(5_000);
    assert.equal(sse.status.state, 'open', 'the deadline covers the headers only, not the open stream');
  });

  test('EventStream: a token getter that never answers times out the same way', async () => {
    const tokens = hangingTokens(1);
    const requests = plannedFetch(eventStream);
    const { stream: sse, errors } = stream({ getToken: tokens.getToken, fetch: requests.fetchImpl });
    sse.connect();
    await clock.tickAsync(1_000);
    assert.equal(sse.status.state, 'reconnecting');
    assert.equal(sse.status.reason, 'timeout');
    assert.notEqual(sse.status.nextRetryAt, null);
    assert.equal(requests.signals.length, 0);
    await clock.tickAsync(510);
    assert.equal(sse.status.state, 'open');
    assert.equal(tokens.calls.length, 2);
    assert.deepEqual(errors, []);
  });

  test('EventStream: close() during a hanging request aborts it and nothing follows', async () => {
    const requests = plannedFetch(eventStream);
    requests.plan.push('hang');
    const { stream: sse } = stream({ fetch: requests.fetchImpl });
    sse.connect();
    await clock.tickAsync(100);
    sse.close();
    assert.equal(requests.signals[0]!.aborted, true);
    await clock.tickAsync(10_000);
    assert.equal(sse.status.state, 'closed');
    assert.equal(requests.signals.length, 1);
  });
});
