import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatCursor, parseCursor } from '../../src/protocol/index.js';
import { SseReader, type TestServer, publishActivity, publishNotification, startTemp } from './harness.js';

describe('SSE /api/events', () => {
  let t: TestServer;
  before(async () => {
    t = await startTemp({ sseCommentMs: 50 });
  });
  after(async () => {
    await t.dispose();
  });

  test('opens with retry: 2000 and a sys.hello whose id is the starting cursor, then streams live events', async () => {
    const head = await publishActivity(t.server.url);
    const stream = await SseReader.open(`${t.server.url}/api/events`);
    assert.equal(stream.status, 200);
    assert.match(stream.contentType ?? '', /^text\/event-stream/);
    const hello = await stream.next();
    assert.equal(hello.event, 'sys.hello');
    assert.equal(stream.retry, 2000);
    const cursor = parseCursor(hello.id);
    assert.equal(cursor?.seq, head.seq);
    assert.equal(cursor?.epoch, hello.data.payload['epoch']);

    const live = await publishActivity(t.server.url, 'live');
    const event = await stream.next('activity.new');
    assert.equal(event.id, formatCursor({ epoch: cursor!.epoch, seq: live.seq }));
    assert.equal(event.data.seq, live.seq);
    assert.equal(event.data.prev, head.seq);
    assert.equal(event.data.type, 'activity.new');
    assert.equal(event.data.payload['target'], 'live');
    await stream.close();
  });

  test('replays from Last-Event-ID in order with the prev chain', async () => {
    const first = await SseReader.open(`${t.server.url}/api/events`);
    const hello = await first.next('sys.hello');
    await first.close();
    const a = await publishActivity(t.server.url, 'a');
    const b = await publishActivity(t.server.url, 'b');
    const stream = await SseReader.open(`${t.server.url}/api/events`, { 'Last-Event-ID': hello.id! });
    const start = parseCursor(hello.id)!.seq;
    const replayed = [await stream.next('activity.new'), await stream.next('activity.new')];
    assert.deepEqual(replayed.map((e) => [e.data.seq, e.data.prev]), [
      [a.seq, start],
      [b.seq, a.seq],
    ]);
    await stream.close();
    // ?cursor= works the same.
    const byQuery = await SseReader.open(`${t.server.url}/api/events?cursor=${encodeURIComponent(replayed[0]!.id!)}`);
    assert.equal((await byQuery.next('activity.new')).data.seq, b.seq);
    await byQuery.close();
  });

  test('sends only the user\'s own addressed notifications (X-RT-User in demo mode)', async () => {
    const stream = await SseReader.open(`${t.server.url}/api/events`, { 'X-RT-User': 'ada' });
    const hello = await stream.next('sys.hello');
    assert.deepEqual(hello.data.payload['user'], { id: 'ada' });
    await publishNotification(t.server.url, { to: 'bob', title: 'bob' });
    const mine = await publishNotification(t.server.url, { to: 'ada', title: 'ada' });
    const event = await stream.next('notification.new');
    assert.equal(event.data.seq, mine.seq);
    assert.equal(event.data.prev, parseCursor(hello.id)!.seq, 'the skipped event does not advance prev');
    await stream.close();
  });

  test('sends sys.reset with a fresh cursor when Last-Event-ID is older than the retained log', async () => {
    const short = await startTemp({ retain: 2 });
    try {
      const probe = await SseReader.open(`${short.server.url}/api/events`);
      const epoch = parseCursor((await probe.next('sys.hello')).id)!.epoch;
      await probe.close();
      for (let i = 0; i < 5; i++) await publishActivity(short.server.url);
      const stream = await SseReader.open(`${short.server.url}/api/events`, { 'Last-Event-ID': formatCursor({ epoch, seq: 1 }) });
      const reset = await stream.next('sys.reset');
      assert.equal(reset.id, formatCursor({ epoch, seq: 5 }));
      assert.equal(reset.data.payload['seq'], 5);
      await stream.close();
    } finally {
      await short.dispose();
    }
  });

  test('writes ": ping" comments while idle', async () => {
    const stream = await SseReader.open(`${t.server.url}/api/events`);
    await stream.next('sys.hello');
    const deadline = Date.now() + 2000;
    while (stream.comments < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(stream.comments >= 2);
    await stream.close();
  });

  test('logs sse open and close without tokens', async () => {
    const stream = await SseReader.open(`${t.server.url}/api/events`, { Authorization: 'Bearer secret-token', 'X-RT-User': 'lin' });
    await stream.next('sys.hello');
    await stream.close();
    const deadline = Date.now() + 2000;
    while (!t.lines.includes('sse close user=lin') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(t.lines.includes('sse open user=lin ip=127.0.0.1'));
    assert.ok(t.lines.includes('sse close user=lin'));
    assert.ok(!t.lines.some((line) => line.includes('secret-token')));
  });

  test('C10: answers 401 as JSON before any stream when the token is refused', async () => {
    const strict = await startTemp({ demo: false, authenticate: (token) => (token === 'ok' ? { id: 'u' } : null) });
    try {
      const refused = await fetch(`${strict.server.url}/api/events`, { headers: { Authorization: 'Bearer expired' } });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('content-type') ?? '', /application\/json/);
      await refused.body?.cancel();
      const stream = await SseReader.open(`${strict.server.url}/api/events`, { Authorization: 'Bearer ok' });
      assert.deepEqual((await stream.next('sys.hello')).data.payload['user'], { id: 'u' });
      await stream.close();
    } finally {
      await strict.dispose();
    }
  });

  test('passes app messages from other clients on without an id', async () => {
    const stream = await SseReader.open(`${t.server.url}/api/events`);
    await stream.next('sys.hello');
    const message = { type: 'app.chat', ts: Date.now(), payload: { text: 'hi' }, mid: 'sse-1' };
    const res = await fetch(`${t.server.url}/api/messages`, { method: 'POST', body: JSON.stringify(message) });
    assert.equal(res.status, 202);
    await res.body?.cancel();
    const event = await stream.next('app.chat');
    assert.equal(event.id, undefined);
    assert.deepEqual(event.data, message);
    await stream.close();
  });
});
