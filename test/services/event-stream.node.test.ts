import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStream, type EventStreamOptions } from '../../src/services/event-stream.js';
import type { ConnectionState, RealtimeErrorDetail } from '../../src/services/types.js';
import type { AnyEnvelope } from '../../src/protocol/index.js';
import { waitFor } from './wire.js';

type Answer = { status: number } | { stream: string[] };

/** An SSE endpoint that answers from a plan: a status, or a stream that stays open until ended. */
async function startSse() {
  const state = {
    plan: [] as Answer[],
    /** Used when the plan is empty. */
    fallback: { stream: [] } as Answer,
    requests: [] as IncomingHttpHeaders[],
    open: [] as ServerResponse[],
    url: '',
  };
  const server: Server = createServer((request, response) => {
    state.requests.push(request.headers);
    const answer = state.plan.shift() ?? state.fallback;
    if ('status' in answer) {
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.status === 204 ? undefined : '{}');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    response.write('retry: 10\n\n');
    for (const chunk of answer.stream) response.write(chunk);
    state.open.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
  return {
    state,
    /** Writes to every open stream. */
    push: (chunk: string) => state.open.forEach((response) => response.write(chunk)),
    /** Ends every open stream, as a restarting server would. */
    endAll: () => state.open.splice(0).forEach((response) => response.end()),
    close: async () => {
      state.open.splice(0).forEach((response) => response.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sse(seq: number, prev: number, epoch = 'e1', type = 'activity.new') {
  const payload = { id: `a${seq}`, userName: 'Ada', action: 'did', target: `thing ${seq}` };
  return `event: ${type}\nid: ${epoch}:${seq}\ndata: ${JSON.stringify({ type, seq, prev, ts: 1, payload })}\n\n`;
}

describe('EventStream', () => {
  let sseServer: Awaited<ReturnType<typeof startSse>>;
  const streams: EventStream[] = [];

  function make(options: Partial<EventStreamOptions> = {}) {
    const stream = new EventStream({ url: sseServer.state.url, backoff: { baseMs: 20, maxMs: 60 }, ...options });
    streams.push(stream);
    const states: ConnectionState[] = [];
    const errors: RealtimeErrorDetail[] = [];
    const delivered: AnyEnvelope[] = [];
    stream.onStatus((status) => {
      if (states.at(-1) !== status.state) states.push(status.state);
    });
    stream.onError((error) => errors.push(error));
    stream.onAny((frame) => delivered.push(frame));
    return { stream, states, errors, delivered };
  }

  beforeEach(async () => {
    sseServer = await startSse();
  });

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await sseServer.close();
  });

  test('opens, delivers named events to subscribers added before and after connect, and reports transport sse', async () => {
    const { stream, delivered, states } = make();
    const early: number[] = [];
    stream.on('activity.new', (frame) => early.push(frame.seq!));
    stream.connect();
    await waitFor(() => stream.status.state === 'open', 'open');
    assert.equal(stream.status.transport, 'sse');
    const late: number[] = [];
    stream.on('activity.new', (frame) => late.push(frame.seq!));
    sseServer.push(sse(1, 0) + sse(2, 1));
    await waitFor(() => delivered.length === 2, 'two events');
    assert.deepEqual(early, [1, 2]);
    assert.deepEqual(late, [1, 2]);
    assert.equal(stream.cursor, 'e1:2');
    stream.close();
    assert.deepEqual(states, ['connecting', 'open', 'closed']);
  });

  test('C10: after the stream ends it retries through 503, 503 with backoff, sends Last-Event-ID each time, and opens on 200', async () => {
    const { stream, states, delivered } = make();
    stream.connect();
    await waitFor(() => stream.status.state === 'open', 'open');
    sseServer.push(sse(1, 0) + sse(2, 1));
    await waitFor(() => delivered.length === 2, 'two events');
    sseServer.state.plan.push({ status: 503 }, { status: 503 }, { stream: [sse(3, 2)] });
    sseServer.endAll();
    await waitFor(() => delivered.length === 3, 'replayed event after reopening');
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
    assert.equal(sseServer.state.requests.length, 4);
    assert.deepEqual(
      sseServer.state.requests.map((headers) => headers['last-event-id']),
      [undefined, 'e1:2', 'e1:2', 'e1:2'],
    );
    assert.equal(stream.cursor, 'e1:3');
  });

  test('C10: a 401 refreshes the token and the next request carries the new one', async () => {
    const asked: boolean[] = [];
    const { stream, states } = make({
      getToken: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? 't2' : 't1';
      },
    });
    sseServer.state.plan.push({ status: 401 });
    stream.connect();
    await waitFor(() => stream.status.state === 'open', 'open');
    assert.deepEqual(asked, [false, true]);
    assert.deepEqual(
      sseServer.state.requests.map((headers) => headers.authorization),
      ['Bearer t1', 'Bearer t2'],
    );
    assert.deepEqual(states, ['connecting', 'reconnecting', 'open']);
  });

  test('C10: a 204 means stop: closed, and no further requests', async () => {
    const { stream } = make();
    stream.connect();
    await waitFor(() => stream.status.state === 'open', 'open');
    sseServer.state.plan.push({ status: 204 });
    sseServer.endAll();
    await waitFor(() => stream.status.state === 'closed', 'closed');
    assert.equal(stream.status.reason, 'no-content');
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(sseServer.state.requests.length, 2);
  });

  test('a 403 or a second 401 right after a refresh ends in failed', async () => {
    const first = make({ getToken: () => 't' });
    sseServer.state.plan.push({ status: 401 }, { status: 401 });
    first.stream.connect();
    await waitFor(() => first.stream.status.state === 'failed', 'failed on second 401');
    assert.equal(first.stream.status.reason, 'unauthorized');
    const second = make();
    sseServer.state.plan.push({ status: 403 });
    second.stream.connect();
    await waitFor(() => second.stream.status.state === 'failed', 'failed on 403');
    assert.equal(second.stream.status.code, 403);
  });

  test('dedupes by seq, reopens from the cursor on a gap, and starts a new epoch without a false gap', async () => {
    const { stream, delivered } = make();
    stream.connect();
    await waitFor(() => stream.status.state === 'open', 'open');
    sseServer.state.plan.push({ stream: [sse(3, 2), sse(4, 3)] });
    sseServer.push(sse(1, 0) + sse(2, 1) + sse(2, 1) + sse(4, 3));
    await waitFor(() => delivered.length === 4, 'four delivered');
    assert.deepEqual(delivered.map((frame) => frame.seq), [1, 2, 3, 4]);
    assert.equal(sseServer.state.requests[1]!['last-event-id'], 'e1:2');
    sseServer.push(sse(1, 0, 'e2'));
    await waitFor(() => delivered.length === 5, 'new epoch event');
    assert.equal(stream.cursor, 'e2:1');
    assert.equal(sseServer.state.requests.length, 2, 'no reopen for the new epoch');
  });

  test('an invalid event raises invalid-frame and the stream keeps going', async () => {
    const { stream, errors, delivered } = make();
    stream.connect();
    await waitFor(() => stream.status.state === 'open', 'open');
    sseServer.push('event: activity.new\ndata: {not json\n\n');
    sseServer.push('event: x\ndata: {"type":"mystery.type","ts":1,"payload":{}}\n\n');
    sseServer.push(sse(1, 0));
    await waitFor(() => delivered.length === 1, 'valid event');
    assert.deepEqual(errors.map((error) => error.kind), ['invalid-frame']);
    assert.equal(stream.status.state, 'open');
  });

  test('send() is refused with a transport error: the stream is receive-only', () => {
    const { stream, errors } = make();
    assert.equal(stream.send('app.chat', {}), 'refused');
    assert.equal(errors[0]?.kind, 'transport');
  });
});
