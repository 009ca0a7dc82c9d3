import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WS from 'ws';
import { RealtimeSocket, type RealtimeSocketOptions } from '../../src/services/realtime-socket.js';
import type { ConnectionState, RealtimeErrorDetail } from '../../src/services/types.js';
import type { AnyEnvelope, AppTypeRegistry } from '../../src/protocol/index.js';
import { startWire, waitFor, type Wire } from './wire.js';

const WebSocketImpl = WS as unknown as typeof WebSocket;
const fastBackoff = { baseMs: 20, maxMs: 60, factor: 2 };

const appTypes: AppTypeRegistry = new Map([
  ['app.typing', { validate: (input: unknown) => ({ ok: true as const, value: input }), volatile: true }],
  ['app.chat', { validate: (input: unknown) => ({ ok: true as const, value: input }) }],
]);

function note(n: number) {
  return { id: `n${n}`, level: 'info', title: `title ${n}`, message: '' };
}

function logged(seq: number, prev: number) {
  return { type: 'notification.new', seq, prev, ts: 1, payload: note(seq) };
}

describe('RealtimeSocket over a real ws server', () => {
  let wire: Wire;
  const sockets: RealtimeSocket[] = [];

  function make(options: Partial<RealtimeSocketOptions> = {}) {
    const socket = new RealtimeSocket({ url: wire.wsUrl, WebSocket: WebSocketImpl, backoff: fastBackoff, appTypes, ...options });
    sockets.push(socket);
    const states: ConnectionState[] = [];
    const errors: RealtimeErrorDetail[] = [];
    const delivered: AnyEnvelope[] = [];
    socket.onStatus((status) => {
      if (states.at(-1) !== status.state) states.push(status.state);
    });
    socket.onError((error) => errors.push(error));
    socket.onAny((frame) => delivered.push(frame));
    return { socket, states, errors, delivered };
  }

  beforeEach(async () => {
    wire = await startWire();
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await wire.close();
  });

  test('moves idle → connecting → open only after sys.hello, and closed on close()', async () => {
    const { socket, states } = make();
    assert.equal(socket.status.state, 'idle');
    socket.connect();
    assert.equal(socket.status.state, 'connecting');
    await waitFor(() => socket.status.state === 'open', 'open');
    assert.equal(wire.clients.length, 1);
    assert.equal(socket.cursor, 'e1:0');
    socket.close();
    assert.deepEqual(states, ['connecting', 'open', 'closed']);
    assert.equal(socket.status.reason, 'page');
  });

  test('goes reconnecting after a drop and opens again, resuming from its cursor', async () => {
    const { socket, states } = make();
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    wire.clients[0]!.send(logged(1, 0));
    await waitFor(() => socket.cursor === 'e1:1', 'cursor e1:1');
    wire.options = { seq: 1 };
    wire.clients[0]!.close(1001, 'restart');
    await waitFor(() => wire.clients.length === 2 && socket.status.state === 'open', 'second open');
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
    await waitFor(() => wire.clients[1]!.frames.length === 1, 'resume frame');
    assert.deepEqual(wire.clients[1]!.frames[0], { type: 'sys.resume', ts: wire.clients[1]!.frames[0]!['ts'], payload: { cursor: 'e1:1' } });
  });

  test('sends sys.resume first after hello, then the queued messages in order with their mids', async () => {
    const { socket } = make({ user: { id: 'u1' } });
    assert.equal(socket.send('app.chat', { text: 'one' }), 'queued');
    assert.equal(socket.send('app.chat', { text: 'two' }, { mid: 'm-2' }), 'queued');
    socket.connect();
    await waitFor(() => (wire.clients[0]?.frames.length ?? 0) === 3, 'three frames');
    const [resume, first, second] = wire.clients[0]!.frames;
    assert.equal(resume!['type'], 'sys.resume');
    assert.deepEqual(resume!['payload'], { cursor: 'e1:0', user: 'u1' });
    assert.deepEqual([first!['payload'], second!['payload']], [{ text: 'one' }, { text: 'two' }]);
    assert.equal(typeof first!['mid'], 'string');
    assert.equal(second!['mid'], 'm-2');
    assert.equal(socket.send('app.chat', { text: 'three' }), 'sent');
  });

  test('C01: queued m1, m2, m3 survive a token refresh that replaces the socket, and arrive once, in order', async () => {
    let token = 't1';
    const asked: boolean[] = [];
    const { socket, states } = make({
      getToken: ({ refresh }) => {
        asked.push(refresh);
        return token;
      },
    });
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    assert.match(wire.clients[0]!.url, /ticket=ticket-for-t1/);
    // The server goes away, rejecting t1 as expired and refusing for a while.
    wire.refuseWith = 1013;
    wire.expiredTokens.add('t1');
    token = 't2';
    wire.clients[0]!.close(4001, 'token expired');
    await waitFor(() => socket.status.state === 'reconnecting', 'reconnecting');
    for (const text of ['m1', 'm2', 'm3']) assert.equal(socket.send('app.chat', { text }), 'queued');
    await waitFor(() => wire.tickets.length >= 3, 'a few refused attempts');
    wire.refuseWith = null;
    await waitFor(() => socket.status.state === 'open', 'open again');
    const last = wire.clients.at(-1)!;
    assert.match(last.url, /ticket=ticket-for-t2/);
    await waitFor(() => last.frames.length === 4, 'resume + 3');
    assert.deepEqual(
      last.frames.map((frame) => frame['type'] === 'sys.resume' ? 'resume' : (frame['payload'] as { text: string }).text),
      ['resume', 'm1', 'm2', 'm3'],
    );
    const appFrames = wire.all.filter((frame) => frame['type'] === 'app.chat');
    assert.equal(appFrames.length, 3, 'each message reaches the server exactly once');
    assert.equal(asked[1], true, 'the attempt after 4001 asks for a refreshed token');
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open']);
    assert.equal(socket.queued, 0);
  });

  test('C02: with a queue cap of 2, the newest two are sent and each dropped message is reported', async () => {
    const { socket, errors } = make({ queueLimit: 2 });
    for (const text of ['a', 'b', 'c', 'd', 'e']) socket.send('app.chat', { text });
    assert.deepEqual(
      errors.map((error) => error.kind),
      ['queue-overflow', 'queue-overflow', 'queue-overflow'],
    );
    socket.connect();
    await waitFor(() => (wire.clients[0]?.frames.length ?? 0) === 3, 'resume + 2');
    assert.deepEqual(
      wire.clients[0]!.frames.slice(1).map((frame) => (frame['payload'] as { text: string }).text),
      ['d', 'e'],
    );
  });

  test('C04: resume goes first, volatile types are never queued, app.chat 42 is sent once with its id', async () => {
    const { socket } = make();
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    wire.refuseWith = 1013;
    wire.clients[0]!.close(1001, 'restart');
    await waitFor(() => socket.status.state === 'reconnecting', 'reconnecting');
    assert.equal(socket.send('app.typing', { on: true }), 'dropped');
    assert.equal(socket.send('app.chat', { text: 'hi' }, { mid: '42' }), 'queued');
    wire.refuseWith = null;
    await waitFor(() => socket.status.state === 'open', 'open again');
    const last = wire.clients.at(-1)!;
    await waitFor(() => last.frames.length === 2, 'resume + chat');
    assert.equal(last.frames[0]!['type'], 'sys.resume');
    assert.equal(last.frames[1]!['type'], 'app.chat');
    assert.equal(last.frames[1]!['mid'], '42');
    assert.equal(wire.all.filter((frame) => frame['type'] === 'app.typing').length, 0);
    assert.equal(wire.all.filter((frame) => frame['mid'] === '42').length, 1);
  });

  test('C07: every attempt asks the getter, the attempt after expiry carries t2, and 4003 ends in failed', async () => {
    let token = 't1';
    let calls = 0;
    const { socket, states } = make({
      getToken: () => {
        calls += 1;
        return token;
      },
    });
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    assert.equal(calls, 1);
    wire.expiredTokens.add('t1');
    token = 't2';
    wire.clients[0]!.close(4001, 'token expired');
    await waitFor(() => wire.clients.length === 2 && socket.status.state === 'open', 'open with t2');
    assert.equal(calls, 2);
    assert.match(wire.clients[1]!.url, /ticket=ticket-for-t2/);
    assert.deepEqual(wire.tickets.map((ticket) => ticket.token), ['t1', 't2']);
    wire.clients[1]!.close(4003, 'not a member');
    await waitFor(() => socket.status.state === 'failed', 'failed');
    assert.equal(socket.status.reason, 'not a member');
    assert.equal(socket.status.code, 4003);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(wire.clients.length, 2, 'no retry after forbidden');
    assert.deepEqual(states, ['connecting', 'open', 'reconnecting', 'open', 'failed']);
    socket.retry();
    await waitFor(() => socket.status.state === 'open', 'open after retry()');
  });

  test('C07: a ticket refused as expired refreshes the token and the next attempt carries the new one', async () => {
    wire.expiredTokens.add('old');
    const asked: boolean[] = [];
    const { socket } = make({
      getToken: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? 'new' : 'old';
      },
    });
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    assert.deepEqual(asked, [false, true]);
    assert.match(wire.clients[0]!.url, /ticket=ticket-for-new/);
  });

  test('C08: a gap (4 with prev 3 after 2) resumes from 2 and applies 3 and 4 once each, in order', async () => {
    const { socket, delivered } = make();
    wire.onFrame = (client, frame) => {
      const cursor = (frame['payload'] as { cursor?: string }).cursor;
      if (frame['type'] === 'sys.resume' && cursor === 'e1:2') {
        client.send(logged(3, 2));
        client.send(logged(4, 3));
      }
    };
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    const client = wire.clients[0]!;
    client.send(logged(1, 0));
    client.send(logged(2, 1));
    client.send(logged(4, 3));
    client.send(logged(5, 4)); // live frame already on the way before the replay
    await waitFor(() => delivered.length === 4, 'four delivered');
    assert.deepEqual(delivered.map((frame) => frame.seq), [1, 2, 3, 4]);
    const resumes = client.frames.filter((frame) => frame['type'] === 'sys.resume');
    assert.deepEqual(resumes.map((frame) => (frame['payload'] as { cursor: string }).cursor), ['e1:0', 'e1:2']);
    client.send(logged(5, 4));
    client.send(logged(4, 3));
    await waitFor(() => socket.cursor === 'e1:5', 'cursor e1:5');
    assert.deepEqual(delivered.map((frame) => frame.seq), [1, 2, 3, 4, 5]);
  });

  test('asks for batch frames and reads one as its envelopes in order, reporting an invalid one and keeping the rest', async () => {
    const { socket, delivered, errors } = make();
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    const client = wire.clients[0]!;
    assert.equal(new URL(client.url, 'ws://x').searchParams.get('batch'), '1');
    client.send([logged(1, 0), { type: 'notification.new', seq: 2, payload: 'not an object' }, logged(2, 1), logged(3, 2)]);
    await waitFor(() => delivered.length === 3, 'three delivered');
    assert.deepEqual(delivered.map((frame) => frame.seq), [1, 2, 3]);
    assert.equal(errors.filter((error) => error.kind === 'invalid-frame').length, 1);
    assert.equal(socket.cursor, 'e1:3');
  });

  test('C08: after the server restarts with a new epoch, no false gap is reported', async () => {
    const { socket, delivered } = make();
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    wire.clients[0]!.send(logged(1, 0));
    wire.clients[0]!.send(logged(2, 1));
    await waitFor(() => delivered.length === 2, 'two');
    wire.options = { epoch: 'e2', seq: 0 };
    wire.clients[0]!.close(1001, 'restart');
    await waitFor(() => wire.clients.length === 2 && socket.status.state === 'open', 'reopened');
    const fresh = wire.clients[1]!;
    await waitFor(() => fresh.frames.length === 1, 'resume frame');
    assert.deepEqual(fresh.frames[0]!['payload'], { cursor: 'e2:0' });
    fresh.send(logged(1, 0));
    await waitFor(() => delivered.filter((frame) => frame.seq !== undefined).length === 3, 'third');
    // The new epoch is announced as a reset (lists reload), never as a gap.
    assert.deepEqual(
      delivered.filter((frame) => frame.type === 'sys.reset').map((frame) => (frame.payload as { reason: string }).reason),
      ['epoch-changed'],
    );
    assert.equal(socket.cursor, 'e2:1');
    assert.equal(fresh.frames.filter((frame) => frame['type'] === 'sys.resume').length, 1, 'no resume for a gap');
  });

  test('C09: a frame over maxFrameBytes is refused before it leaves, an error says why, and the queue moves on', async () => {
    wire.options = { maxFrameBytes: 1_000 };
    const { socket, errors } = make();
    socket.send('app.chat', { text: 'x'.repeat(2_000) });
    socket.send('app.chat', { text: 'small' });
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    await waitFor(() => wire.clients[0]!.frames.length === 2, 'resume + small');
    assert.equal((wire.clients[0]!.frames[1]!['payload'] as { text: string }).text, 'small');
    assert.equal(errors[0]?.kind, 'too-big');
    assert.equal(socket.send('app.chat', { text: 'y'.repeat(2_000) }), 'refused');
    const tooBig = errors.filter((error) => error.kind === 'too-big');
    assert.equal(tooBig.length, 2);
    assert.deepEqual(tooBig[1], { kind: 'too-big', bytes: tooBig[1]!.kind === 'too-big' ? tooBig[1]!.bytes : 0, limit: 1_000, type: 'app.chat' });
    assert.equal(socket.send('app.chat', { text: 'after' }), 'sent');
  });

  test('C09: a 1009 close raises an error event and is not retried in a loop', async () => {
    const { socket, errors } = make();
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    wire.onFrame = (client, frame) => {
      if (frame['type'] === 'app.chat') client.close(1009, 'too big');
    };
    socket.send('app.chat', { text: 'big' });
    await waitFor(() => wire.clients.length === 2 && socket.status.state === 'open', 'reopened');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(wire.all.filter((frame) => frame['type'] === 'app.chat').length, 1);
    assert.equal(wire.clients.length, 2);
    assert.ok(errors.some((error) => error.kind === 'too-big' && error.type === 'app.chat'));
  });

  test('an invalid frame raises invalid-frame, is dropped, and the socket keeps running', async () => {
    const { socket, errors, delivered } = make();
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    const client = wire.clients[0]!;
    client.socket.send('not json');
    client.send({ type: 'notification.new', seq: 1, ts: 1, payload: { id: 'x', level: 'loud', title: 't', message: '' } });
    client.send({ type: 'something.else', ts: 1, payload: {} });
    client.send(logged(1, 0));
    await waitFor(() => delivered.length === 1, 'valid frame delivered');
    assert.deepEqual(
      errors.map((error) => (error.kind === 'invalid-frame' ? error.field : error.kind)),
      ['', 'payload.level'],
    );
    assert.equal(socket.status.state, 'open');
  });

  test('drops repeated seqs and delivers each seq once to typed subscribers', async () => {
    const { socket } = make();
    const seen: number[] = [];
    socket.on('notification.new', (frame) => seen.push(frame.seq ?? -1));
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    const client = wire.clients[0]!;
    for (const [seq, prev] of [[1, 0], [2, 1], [2, 1], [1, 0], [3, 2]] as const) client.send(logged(seq, prev));
    await waitFor(() => socket.cursor === 'e1:3', 'cursor e1:3');
    assert.deepEqual(seen, [1, 2, 3]);
  });

  test('sys.reset takes the new position and tells subscribers; sys.error becomes a server-error', async () => {
    const { socket, errors } = make();
    let resets = 0;
    socket.onReset(() => (resets += 1));
    socket.connect();
    await waitFor(() => socket.status.state === 'open', 'open');
    wire.clients[0]!.send({ type: 'sys.reset', ts: 1, payload: { epoch: 'e1', seq: 50, reason: 'too old' } });
    wire.clients[0]!.send({ type: 'sys.error', ts: 1, payload: { code: 'bad', message: 'nope' } });
    await waitFor(() => errors.length === 1, 'server error');
    assert.equal(resets, 1);
    assert.equal(socket.cursor, 'e1:50');
    assert.deepEqual(errors[0], { kind: 'server-error', code: 'bad', message: 'nope' });
  });

  test('gives up as failed after maxRetries and retry() starts over', async () => {
    wire.refuseWith = 1013;
    const { socket } = make({ maxRetries: 2 });
    socket.connect();
    await waitFor(() => socket.status.state === 'failed', 'failed');
    assert.equal(socket.status.reason, 'max-retries');
    wire.refuseWith = null;
    socket.retry();
    await waitFor(() => socket.status.state === 'open', 'open');
  });

  test('C07: a second 4001 right after a token refresh ends in failed instead of looping', async () => {
    wire.refuseWith = 4001;
    const asked: boolean[] = [];
    const { socket } = make({
      getToken: ({ refresh }) => {
        asked.push(refresh);
        return 'tok';
      },
    });
    socket.connect();
    await waitFor(() => socket.status.state === 'failed', 'failed');
    assert.equal(socket.status.code, 4001);
    assert.deepEqual(asked, [false, true]);
  });
});
