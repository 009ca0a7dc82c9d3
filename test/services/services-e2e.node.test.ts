// The client services against the real reference server (server/app.ts) on a free loopback port.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WS from 'ws';
import { startServer, type RunningServer } from '../../server/app.js';
import { EventStream } from '../../src/services/event-stream.js';
import { RealtimeSocket } from '../../src/services/realtime-socket.js';
import { RestApi, RestError } from '../../src/services/rest-api.js';
import type { AnyEnvelope, AppTypeRegistry } from '../../src/protocol/index.js';
import { waitFor } from './wire.js';

const WebSocketImpl = WS as unknown as typeof WebSocket;
const appTypes: AppTypeRegistry = new Map([['app.chat', { validate: (input: unknown) => ({ ok: true as const, value: input }) }]]);

describe('client services against the reference server', () => {
  let server: RunningServer;
  let dataDir: string;
  const cleanup: (() => void)[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'rt-services-'));
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true, maxFrameBytes: 4_096, log: () => {} });
  });

  after(async () => {
    for (const done of cleanup.splice(0)) done();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function socket(user = 'u1') {
    const created = new RealtimeSocket({
      url: '/ws',
      baseUrl: server.url,
      WebSocket: WebSocketImpl,
      user: { id: user },
      appTypes,
      backoff: { baseMs: 20, maxMs: 100 },
    });
    const delivered: AnyEnvelope[] = [];
    created.onAny((frame) => delivered.push(frame));
    cleanup.push(() => created.close());
    return { socket: created, delivered };
  }

  test('a published activity reaches the socket and the event stream, and the REST page lists it', async () => {
    const api = new RestApi({ baseUrl: server.url, userId: 'u1' });
    const ws = socket();
    const stream = new EventStream({ url: '/api/events', baseUrl: server.url, user: { id: 'u1' } });
    const streamed: AnyEnvelope[] = [];
    stream.on('activity.new', (frame) => streamed.push(frame));
    cleanup.push(() => stream.close());
    ws.socket.connect();
    stream.connect();
    await waitFor(() => ws.socket.status.state === 'open' && stream.status.state === 'open', 'both open');
    assert.ok(ws.socket.serverInfo, 'hello received');
    assert.equal(ws.socket.serverInfo!.maxFrameBytes, 4_096);

    const created = await api.publishActivity({ userName: 'Ada', action: 'edited', target: 'doc' });
    await waitFor(() => ws.delivered.some((frame) => frame.seq === created.seq) && streamed.length === 1, 'live event');
    assert.equal(streamed[0]!.seq, created.seq);
    const page = await api.listActivities({ limit: 10 });
    assert.equal(page.items[0]!.seq, created.seq);
    assert.equal(page.items[0]!.target, 'doc');
    assert.equal(stream.cursor, ws.socket.cursor);
  });

  test('a socket that was closed resumes from its cursor and gets what it missed, once each', async () => {
    const api = new RestApi({ baseUrl: server.url });
    const ws = socket();
    ws.socket.connect();
    await waitFor(() => ws.socket.status.state === 'open', 'open');
    const first = await api.publishActivity({ userName: 'Ada', action: 'a', target: '1' });
    await waitFor(() => ws.delivered.some((frame) => frame.seq === first.seq), 'first');
    ws.socket.close();
    const missed = [
      await api.publishActivity({ userName: 'Ada', action: 'a', target: '2' }),
      await api.publishActivity({ userName: 'Ada', action: 'a', target: '3' }),
    ];
    ws.socket.connect();
    await waitFor(() => ws.delivered.some((frame) => frame.seq === missed[1]!.seq), 'replayed');
    const seqs = ws.delivered.filter((frame) => frame.type === 'activity.new').map((frame) => frame.seq);
    assert.deepEqual(seqs, [first.seq, missed[0]!.seq, missed[1]!.seq]);
  });

  test('C04: app messages queued while disconnected reach another client once, after the resume', async () => {
    const sender = socket('alice');
    const receiver = socket('bob');
    receiver.socket.connect();
    await waitFor(() => receiver.socket.status.state === 'open', 'receiver open');
    assert.equal(sender.socket.send('app.chat', { text: 'hello' }, { mid: '42' }), 'queued');
    sender.socket.connect();
    await waitFor(() => receiver.delivered.some((frame) => frame.type === 'app.chat'), 'chat arrives');
    assert.equal(sender.socket.send('app.chat', { text: 'again' }, { mid: '42' }), 'sent');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const chats = receiver.delivered.filter((frame) => frame.type === 'app.chat');
    assert.equal(chats.length, 1, 'the repeat of mid 42 was dropped by the server');
    assert.equal(chats[0]!.mid, '42');
  });

  test('C09: a frame over the server limit is refused before it leaves and the connection stays open', async () => {
    const ws = socket();
    const errors: string[] = [];
    ws.socket.onError((error) => errors.push(error.kind));
    ws.socket.connect();
    await waitFor(() => ws.socket.status.state === 'open', 'open');
    assert.equal(ws.socket.send('app.chat', { text: 'x'.repeat(8_000) }), 'refused');
    assert.deepEqual(errors, ['too-big']);
    assert.equal(ws.socket.send('app.chat', { text: 'small' }), 'sent');
    assert.equal(ws.socket.status.state, 'open');
  });

  test('notifications addressed to a user reach only that user, over the socket and the REST page', async () => {
    const api = new RestApi({ baseUrl: server.url, userId: 'carol' });
    const carol = socket('carol');
    const dave = socket('dave');
    carol.socket.connect();
    dave.socket.connect();
    await waitFor(() => carol.socket.status.state === 'open' && dave.socket.status.state === 'open', 'both open');
    const created = await api.publishNotification({ level: 'info', title: 'for carol', message: '', to: 'carol' });
    const everyone = await api.publishNotification({ level: 'success', title: 'for all', message: '' });
    await waitFor(() => dave.delivered.some((frame) => frame.seq === everyone.seq), 'dave gets the broadcast');
    await waitFor(() => carol.delivered.some((frame) => frame.seq === everyone.seq), 'carol gets both');
    assert.ok(carol.delivered.some((frame) => frame.seq === created.seq));
    assert.ok(!dave.delivered.some((frame) => frame.seq === created.seq));
    const page = await api.listNotifications();
    assert.ok(page.items.some((item) => item.seq === created.seq));
    const davesPage = await new RestApi({ baseUrl: server.url, userId: 'dave' }).listNotifications();
    assert.ok(!davesPage.items.some((item) => item.seq === created.seq));
  });

  test('REST errors carry the status and the field the server named', async () => {
    const api = new RestApi({ base: `${server.url}/api` });
    await assert.rejects(
      api.publishActivity({ userName: '', action: 'a', target: 't' }),
      (error: unknown) => error instanceof RestError && error.status === 400 && error.field === 'userName',
    );
  });
});
