import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloseCode, formatCursor, validateHello } from '../../src/protocol/index.js';
import { Client, type TestServer, post, publishActivity, publishNotification, settle, startTemp } from './harness.js';

describe('WebSocket /ws', () => {
  let t: TestServer;
  before(async () => {
    t = await startTemp({ heartbeatMs: 5000 });
  });
  after(async () => {
    await t.dispose();
  });

  test('sends a valid sys.hello with the epoch, limits, user and head seq on connect', async () => {
    const { seq } = await publishActivity(t.server.url);
    const client = new Client(`${t.wsUrl}?user=ada`);
    const hello = await client.next();
    assert.equal(hello.type, 'sys.hello');
    const checked = validateHello(hello.payload);
    assert.ok(checked.ok);
    assert.equal(checked.value.version, 1);
    assert.equal(checked.value.maxFrameBytes, 1_048_576);
    assert.equal(checked.value.heartbeatMs, 5000);
    assert.deepEqual(checked.value.user, { id: 'ada' });
    assert.equal(checked.value.seq, seq);
    await client.close();
  });

  test('sends nothing but the hello until the client resumes', async () => {
    const client = await Client.open(t.wsUrl);
    await publishActivity(t.server.url);
    await settle(client);
    assert.deepEqual(client.unread(), []);
    client.resume();
    const { seq } = await publishActivity(t.server.url);
    const event = await client.next('activity.new');
    assert.equal(event.seq, seq);
    await client.close();
  });

  test('C08: replays missed events after the cursor in order, each with prev chaining to the one before', async () => {
    const first = await Client.open(t.wsUrl);
    const epoch = (first.frames[0]!.payload as { epoch: string }).epoch;
    const start = (first.frames[0]!.payload as { seq: number }).seq;
    await first.close();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await publishActivity(t.server.url, `t${i}`)).seq);

    const client = await Client.open(t.wsUrl);
    client.resume({ cursor: formatCursor({ epoch, seq: start }) });
    const events = await client.events(5);
    assert.deepEqual(events.map((e) => e.seq), seqs);
    assert.deepEqual(events.map((e) => e.prev), [start, ...seqs.slice(0, 4)]);
    assert.deepEqual(events.map((e) => e.payload['target']), ['t0', 't1', 't2', 't3', 't4']);
    // Live events continue the same chain.
    const live = await publishActivity(t.server.url, 'live');
    const next = await client.next('activity.new');
    assert.equal(next.seq, live.seq);
    assert.equal(next.prev, seqs[4]);
    await client.close();
  });

  test('packs events sent together into one array frame for clients that ask, and only for them', async () => {
    const first = await Client.open(t.wsUrl);
    const { epoch, seq: start } = first.frames[0]!.payload as { epoch: string; seq: number };
    await first.close();
    const seqs: number[] = [];
    for (let i = 0; i < 4; i++) seqs.push((await publishActivity(t.server.url, `b${i}`)).seq);
    const cursor = formatCursor({ epoch, seq: start });

    const batched = await Client.open(`${t.wsUrl}?batch=1`);
    batched.resume({ cursor });
    const events = await batched.events(4);
    assert.deepEqual(events.map((e) => e.seq), seqs);
    const replay = batched.raw.slice(1);
    assert.equal(replay.length, 1, 'the replay went out as one frame');
    assert.ok(replay[0]!.startsWith('['));
    // A lone live event is a plain envelope.
    await publishActivity(t.server.url, 'alone');
    assert.equal((await batched.next('activity.new')).payload['target'], 'alone');
    assert.ok(batched.raw.at(-1)!.startsWith('{'));
    await batched.close();

    const plain = await Client.open(t.wsUrl);
    plain.resume({ cursor });
    await plain.events(5);
    assert.ok(plain.raw.every((text) => text.startsWith('{')), 'a client that did not ask got an array');
    await plain.close();
  });

  test('C08: events addressed to another user are skipped without a false gap', async () => {
    const ada = await Client.open(t.wsUrl);
    ada.resume({ user: 'ada' });
    const bob = await Client.open(t.wsUrl);
    bob.resume({ user: 'bob' });
    await settle(ada);
    await settle(bob);
    const head = (ada.frames[0]!.payload as { seq: number }).seq;

    const a1 = await publishNotification(t.server.url, { to: 'ada', title: 'for ada' });
    const b1 = await publishNotification(t.server.url, { to: 'bob', title: 'for bob' });
    const all = await publishNotification(t.server.url, { title: 'for all' });

    const adaEvents = await ada.events(2);
    assert.deepEqual(adaEvents.map((e) => e.seq), [a1.seq, all.seq]);
    assert.deepEqual(adaEvents.map((e) => e.prev), [head, a1.seq]);
    const bobEvents = await bob.events(2);
    assert.deepEqual(bobEvents.map((e) => e.seq), [b1.seq, all.seq]);
    assert.equal(bobEvents[1]!.prev, b1.seq);
    await settle(ada);
    assert.equal(ada.unread().filter((f) => f.payload['title'] === 'for bob').length, 0);
    await ada.close();
    await bob.close();
  });

  test('replay of filtered events keeps the chain over what the user receives', async () => {
    const probe = await Client.open(t.wsUrl);
    const { epoch, seq: start } = probe.frames[0]!.payload as { epoch: string; seq: number };
    await probe.close();
    const mine = await publishNotification(t.server.url, { to: 'cy' });
    await publishNotification(t.server.url, { to: 'dee' });
    await publishNotification(t.server.url, { to: 'dee' });
    const mine2 = await publishNotification(t.server.url, { to: 'cy' });
    const client = await Client.open(t.wsUrl);
    client.resume({ cursor: formatCursor({ epoch, seq: start }), user: 'cy' });
    const events = await client.events(2);
    assert.deepEqual(events.map((e) => [e.seq, e.prev]), [
      [mine.seq, start],
      [mine2.seq, mine.seq],
    ]);
    await client.close();
  });

  test('C08: a cursor from another epoch is a fresh start from the head, with no replay and no reset', async () => {
    await publishActivity(t.server.url);
    const client = await Client.open(t.wsUrl);
    const head = (client.frames[0]!.payload as { seq: number }).seq;
    client.resume({ cursor: 'some-old-epoch:3' });
    await settle(client);
    assert.deepEqual(client.unread(), []);
    const live = await publishActivity(t.server.url);
    const event = await client.next('activity.new');
    assert.equal(event.seq, live.seq);
    assert.equal(event.prev, head);
    await client.close();
  });

  test('a second sys.resume on the same socket restarts the replay from its cursor', async () => {
    const client = await Client.open(t.wsUrl);
    const { epoch, seq: head } = client.frames[0]!.payload as { epoch: string; seq: number };
    client.resume();
    const one = await publishActivity(t.server.url);
    const two = await publishActivity(t.server.url);
    await client.events(2);
    client.resume({ cursor: formatCursor({ epoch, seq: head }) });
    const replayed = await client.events(2);
    assert.deepEqual(replayed.map((e) => [e.seq, e.prev]), [
      [one.seq, head],
      [two.seq, one.seq],
    ]);
    // Only one subscription is live: the next event arrives once.
    const three = await publishActivity(t.server.url);
    await client.next('activity.new');
    await settle(client);
    assert.equal(client.unread().filter((f) => f.seq === three.seq).length, 0);
    await client.close();
  });

  test('a stream of events leaves in batch frames at most about once per frame, in order', async () => {
    const client = await Client.open(`${t.wsUrl}?batch=1`);
    client.resume();
    await settle(client);
    const before = client.raw.length;
    // One event per turn: without the window each would leave as its own frame.
    const seqs: number[] = [];
    for (let i = 0; i < 40; i++) {
      seqs.push(t.server.publish('activity.new', { id: `w${i}`, userName: 'Ada', action: 'did', target: `w${i}` }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const events = await client.events(40);
    assert.deepEqual(events.map((e) => e.seq), seqs);
    const frames = client.raw.length - before;
    assert.ok(frames < 20, `40 events in ${frames} frames`);
    await client.close();
  });

  test('replays a long backlog in batches, in order, with an unbroken prev chain', async () => {
    const probe = await Client.open(t.wsUrl);
    const { epoch, seq: start } = probe.frames[0]!.payload as { epoch: string; seq: number };
    await probe.close();
    const total = 1200;
    for (let i = 0; i < total; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, total - i) }, (_, k) => publishActivity(t.server.url, `b${i + k}`)));
    }
    const client = await Client.open(t.wsUrl);
    client.resume({ cursor: formatCursor({ epoch, seq: start }) });
    const events = await client.events(total);
    let prev = start;
    for (const event of events) {
      assert.equal(event.prev, prev);
      assert.equal(event.seq, prev + 1);
      prev = event.seq!;
    }
    await client.close();
  });

  test('C01: a message id resent on a new socket after a reconnect is delivered once', async () => {
    const receiver = await Client.open(t.wsUrl);
    receiver.resume();
    await settle(receiver);
    const message = { type: 'app.chat', ts: Date.now(), payload: { text: 'once' }, mid: 'swap-1' };
    const first = await Client.open(t.wsUrl);
    first.resume();
    first.send(message);
    await settle(first);
    await first.close();
    const second = await Client.open(t.wsUrl);
    second.resume();
    second.send(message);
    second.send({ ...message, mid: 'swap-2' });
    await settle(second);
    await receiver.next('app.chat');
    assert.equal((await receiver.next('app.chat')).mid, 'swap-2');
    await settle(receiver);
    assert.deepEqual(receiver.unread(), []);
    await second.close();
    await receiver.close();
  });

  test('marks notifications read over the socket and tells the user\'s other clients', async () => {
    const note = await publishNotification(t.server.url, { to: 'rae' });
    const tab1 = await Client.open(t.wsUrl);
    const tab2 = await Client.open(t.wsUrl);
    tab1.resume({ user: 'rae' });
    tab2.resume({ user: 'rae' });
    await settle(tab1);
    await settle(tab2);
    tab1.send({ type: 'notification.read', ts: Date.now(), payload: { state: 'seen', ids: [note.id] } });
    const event = await tab2.next('notification.read');
    assert.deepEqual(event.payload, { state: 'seen', ids: [note.id] });
    const page = (await (await fetch(`${t.server.url}/api/notifications`, { headers: { 'X-RT-User': 'rae' } })).json()) as {
      items: { id: string; seen: boolean }[];
    };
    assert.equal(page.items.find((i) => i.id === note.id)?.seen, true);
    await tab1.close();
    await tab2.close();
  });

  test('answers sys.ping with sys.pong', async () => {
    const client = await Client.open(t.wsUrl);
    client.send({ type: 'sys.ping', ts: Date.now(), payload: {} });
    const pong = await client.next();
    assert.equal(pong.type, 'sys.pong');
    await client.close();
  });

  test('C04: fans app.* messages out to the other clients, unlogged, and drops a repeated mid', async () => {
    const sender = await Client.open(t.wsUrl);
    const receiver = await Client.open(t.wsUrl);
    sender.resume();
    receiver.resume();
    await settle(sender);
    await settle(receiver);
    const head = (await (await fetch(`${t.server.url}/healthz`)).json()) as { seq: number };

    const chat = { type: 'app.chat', ts: Date.now(), payload: { text: 'hello' }, mid: 'm-42' };
    sender.send(chat);
    sender.send(chat);
    sender.send({ type: 'app.typing', ts: Date.now(), payload: { on: true } });
    const first = await receiver.next();
    assert.deepEqual(first, chat);
    const second = await receiver.next();
    assert.equal(second.type, 'app.typing');
    await settle(receiver);
    assert.deepEqual(receiver.unread(), []);
    await settle(sender);
    assert.deepEqual(sender.unread(), [], 'the sender gets no echo');
    const after = (await (await fetch(`${t.server.url}/healthz`)).json()) as { seq: number };
    assert.equal(after.seq, head.seq, 'app messages are not logged');
    await sender.close();
    await receiver.close();
  });

  test('fans out presence only about the sending user', async () => {
    const ada = await Client.open(t.wsUrl);
    const bob = await Client.open(t.wsUrl);
    ada.resume({ user: 'ada' });
    bob.resume({ user: 'bob' });
    await settle(ada);
    await settle(bob);
    ada.send({ type: 'presence.update', ts: Date.now(), payload: { userId: 'bob', status: 'offline' } });
    assert.equal((await ada.next('sys.error')).payload['code'], 'not-allowed');
    ada.send({ type: 'presence.update', ts: Date.now(), payload: { userId: 'ada', status: 'away' } });
    const seen = await bob.next('presence.update');
    assert.deepEqual(seen.payload, { userId: 'ada', status: 'away' });
    await ada.close();
    await bob.close();
  });

  test('answers an invalid frame with sys.error and keeps the socket open', async () => {
    const client = await Client.open(t.wsUrl);
    client.send('not json');
    const error = await client.next();
    assert.equal(error.type, 'sys.error');
    assert.equal(error.payload['code'], 'invalid-frame');
    client.send({ type: 'sys.resume', ts: 'yesterday', payload: {} });
    assert.match(String((await client.next('sys.error')).payload['message']), /ts/);
    client.send({ type: 'activity.new', ts: Date.now(), payload: { id: 'x', userName: 'a', action: 'b', target: 'c' } });
    assert.equal((await client.next('sys.error')).payload['code'], 'not-allowed');
    client.send({ type: 'what.ever', ts: Date.now(), payload: {} });
    assert.equal((await client.next('sys.error')).payload['code'], 'unknown-type');
    client.send({ type: 'sys.ping', ts: Date.now(), payload: {} });
    assert.equal((await client.next()).type, 'sys.pong');
    await client.close();
  });

  test('C09: a frame over maxFrameBytes closes the socket with 1009', async () => {
    const small = await startTemp({ maxFrameBytes: 1024 });
    try {
      const client = await Client.open(small.wsUrl);
      assert.equal((client.frames[0]!.payload as { maxFrameBytes: number }).maxFrameBytes, 1024);
      client.send({ type: 'app.big', ts: Date.now(), payload: { text: 'x'.repeat(2048) } });
      const { code } = await client.closed;
      assert.equal(code, CloseCode.TooBig);
    } finally {
      await small.dispose();
    }
  });

  test('closes a client that sends too fast with 4008', async () => {
    const limited = await startTemp({ rateLimit: { burst: 5, perSecond: 1 } });
    try {
      const client = await Client.open(limited.wsUrl);
      for (let i = 0; i < 10; i++) client.send({ type: 'sys.ping', ts: Date.now(), payload: {} });
      const { code } = await client.closed;
      assert.equal(code, CloseCode.RateLimited);
      assert.ok(limited.lines.some((line) => line.startsWith('ws rate-limited')));
    } finally {
      await limited.dispose();
    }
  });

  test('refuses an upgrade from a disallowed Origin with 403, and allows loopback pages in demo mode', async () => {
    const refused = new Client(t.wsUrl, { origin: 'https://evil.example' });
    const status = await new Promise<number>((resolve) => refused.socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 403);
    const allowed = await Client.open(t.wsUrl, { origin: 'http://localhost:5173' });
    await allowed.close();
    assert.ok(t.lines.some((line) => line.startsWith('ws refused status=403 origin=https://evil.example')));
  });

  test('outside demo mode only RT_ORIGINS may connect', async () => {
    const strict = await startTemp({ demo: false, origins: ['https://app.example'] });
    try {
      const refused = new Client(strict.wsUrl, { origin: 'http://localhost:5173' });
      const status = await new Promise<number>((resolve) => refused.socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      assert.equal(status, 403);
      const allowed = await Client.open(strict.wsUrl, { origin: 'https://app.example' });
      await allowed.close();
      const noOrigin = await Client.open(strict.wsUrl);
      await noOrigin.close();
    } finally {
      await strict.dispose();
    }
  });

  test('a ticket names the user once; a used ticket closes with 4001', async () => {
    const res = await post(`${t.server.url}/api/tickets`, {}, { 'X-RT-User': 'tina' });
    assert.equal(res.status, 200);
    const { ticket } = (await res.json()) as { ticket: string };
    const client = await Client.open(`${t.wsUrl}?ticket=${encodeURIComponent(ticket)}`);
    assert.deepEqual((client.frames[0]!.payload as { user: unknown }).user, { id: 'tina' });
    await client.close();
    const again = new Client(`${t.wsUrl}?ticket=${encodeURIComponent(ticket)}`);
    const { code } = await again.closed;
    assert.equal(code, CloseCode.TokenExpired);
    assert.ok(!t.lines.some((line) => line.includes(ticket)), 'tickets never reach the log');
  });

  test('authenticate maps a bearer token to the ticket user outside demo mode', async () => {
    const authed = await startTemp({
      demo: false,
      publishKey: 'pk',
      authenticate: (token) => (token === 'good' ? { id: 'u1', name: 'Una' } : null),
    });
    try {
      const refused = await post(`${authed.server.url}/api/tickets`, {}, { Authorization: 'Bearer bad' });
      assert.equal(refused.status, 401);
      const res = await post(`${authed.server.url}/api/tickets`, {}, { Authorization: 'Bearer good' });
      const { ticket } = (await res.json()) as { ticket: string };
      const client = await Client.open(`${authed.wsUrl}?ticket=${ticket}`);
      assert.deepEqual((client.frames[0]!.payload as { user: unknown }).user, { id: 'u1', name: 'Una' });
      // The ticket's user wins over a user named in the resume frame.
      client.resume({ user: 'mallory' });
      await settle(client);
      const key = { Authorization: 'Bearer pk' };
      await publishNotification(authed.server.url, { to: 'mallory', title: 'not for u1' }, key);
      const mine = await publishNotification(authed.server.url, { to: 'u1', title: 'for u1' }, key);
      const event = await client.next('notification.new');
      assert.equal(event.seq, mine.seq);
      await client.close();
      assert.ok(!authed.lines.some((line) => line.includes('good') || line.includes('pk')), 'tokens never reach the log');
    } finally {
      await authed.dispose();
    }
  });

  test('sends sys.reset when the cursor is older than the retained log, then streams live from the head', async () => {
    const short = await startTemp({ retain: 3 });
    try {
      const probe = await Client.open(short.wsUrl);
      const { epoch } = probe.frames[0]!.payload as { epoch: string };
      await probe.close();
      for (let i = 0; i < 6; i++) await publishActivity(short.server.url);
      const client = await Client.open(short.wsUrl);
      client.resume({ cursor: formatCursor({ epoch, seq: 1 }) });
      const reset = await client.next();
      assert.equal(reset.type, 'sys.reset');
      assert.equal(reset.payload['epoch'], epoch);
      assert.equal(reset.payload['seq'], 6);
      assert.equal(typeof reset.payload['reason'], 'string');
      const live = await publishActivity(short.server.url);
      const event = await client.next('activity.new');
      assert.deepEqual([event.seq, event.prev], [live.seq, 6]);
      // Seven events with three retained: the oldest is 5, so a cursor at 4 still replays.
      client.resume({ cursor: formatCursor({ epoch, seq: 4 }) });
      const replayed = await client.events(3);
      assert.deepEqual(replayed.map((e) => e.seq), [5, 6, 7]);
      await client.close();
    } finally {
      await short.dispose();
    }
  });

  test('closes a client that cannot keep up with 1013 instead of skipping events', async () => {
    const tight = await startTemp({ maxBufferedBytes: 256 * 1024 });
    try {
      const sender = await Client.open(tight.wsUrl);
      const slow = await Client.open(tight.wsUrl);
      sender.resume();
      slow.resume();
      await settle(sender);
      await settle(slow);
      // Stop reading: the kernel buffers fill, then the server's own queue grows past the bound.
      slow.socket.pause();
      const blob = 'x'.repeat(900_000);
      const deadline = Date.now() + 10_000;
      let sent = 0;
      while (!tight.lines.some((line) => line.startsWith('ws slow-consumer')) && Date.now() < deadline) {
        sender.send({ type: 'app.blob', ts: Date.now(), payload: { blob } });
        sent += 1;
        await settle(sender);
      }
      assert.ok(tight.lines.some((line) => line.startsWith('ws slow-consumer')), `no overflow after ${sent} frames`);
      slow.socket.resume();
      assert.equal((await slow.closed).code, CloseCode.TryAgainLater);
      await sender.close();
    } finally {
      await tight.dispose();
    }
  });

  test('terminates a peer that stops answering protocol pings', async () => {
    const quick = await startTemp({ heartbeatMs: 40 });
    try {
      const silent = await Client.open(quick.wsUrl, { autoPong: false });
      const { code } = await silent.closed;
      assert.equal(code, 1006);
      assert.ok(quick.lines.some((line) => line.startsWith('ws timeout')));
      // A normal client answers pings and stays.
      const healthy = await Client.open(quick.wsUrl);
      await new Promise((resolve) => setTimeout(resolve, 250));
      assert.equal(healthy.socket.readyState, healthy.socket.OPEN);
      await healthy.close();
    } finally {
      await quick.dispose();
    }
  });

  test('routes /collab/<doc> upgrades to the collab rooms and refuses foreign origins and unknown paths', async () => {
    const base = t.server.url.replace(/^http/, 'ws');
    const { default: WebSocket } = await import('ws');
    const opened = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`${base}/collab/notes-1`);
      socket.on('open', () => {
        socket.terminate();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    assert.ok(opened);
    const status = (url: string, origin?: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, origin ? { origin } : {});
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('error', () => resolve(-1));
      });
    assert.equal(await status(`${base}/collab/notes-1`, 'https://evil.example'), 403);
    assert.equal(await status(`${base}/nowhere`), 404);
  });

  test('logs one line per connection event', async () => {
    const client = await Client.open(`${t.wsUrl}?user=logan`);
    await client.close();
    const deadline = Date.now() + 2000;
    while (!t.lines.some((line) => /^ws close code=1005 user=logan$/.test(line)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(t.lines.some((line) => line === 'ws open user=logan ip=127.0.0.1'));
    assert.ok(t.lines.some((line) => /^ws close code=1005 user=logan$/.test(line)));
  });
});
