import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatCursor, validateActivityItem, validateNotificationItem, validatePage } from '../../src/protocol/index.js';
import { Client, type TestServer, post, publishActivity, publishNotification, settle, startTemp } from './harness.js';

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('REST API', () => {
  let t: TestServer;
  before(async () => {
    t = await startTemp();
  });
  after(async () => {
    await t.dispose();
  });

  test('GET /healthz reports ok, the epoch and the head seq', async () => {
    const { seq } = await publishActivity(t.server.url);
    const res = await fetch(`${t.server.url}/healthz`);
    assert.equal(res.status, 200);
    const body = await json<{ ok: boolean; epoch: string; seq: number }>(res);
    assert.equal(body.ok, true);
    assert.equal(typeof body.epoch, 'string');
    assert.equal(body.seq, seq);
  });

  test('POST /api/activities answers 201 with seq and id and sends the event to live subscribers', async () => {
    const client = await Client.open(t.wsUrl);
    client.resume();
    await settle(client);
    const res = await post(`${t.server.url}/api/activities`, { userName: 'Ada', action: 'commented on', target: 'Spec', link: '/docs/1' });
    assert.equal(res.status, 201);
    const created = await json<{ seq: number; id: string }>(res);
    assert.ok(Number.isInteger(created.seq));
    assert.match(created.id, /^a_/);
    const event = await client.next('activity.new');
    assert.equal(event.seq, created.seq);
    assert.deepEqual(event.payload, { id: created.id, userName: 'Ada', action: 'commented on', target: 'Spec', link: '/docs/1' });
    await client.close();
  });

  test('POST /api/activities keeps a safe avatar, sends it live and returns it in pages', async () => {
    const client = await Client.open(t.wsUrl);
    client.resume();
    await settle(client);
    const res = await post(`${t.server.url}/api/activities`, { userName: 'Ada', action: 'joined', target: 'Team', avatar: 'https://img.example/ada.png' });
    assert.equal(res.status, 201);
    const created = await json<{ seq: number; id: string }>(res);
    const event = await client.next('activity.new');
    assert.equal((event.payload as { avatar?: string }).avatar, 'https://img.example/ada.png');
    const page = await json<{ items: { seq: number; avatar?: string }[] }>(await fetch(`${t.server.url}/api/activities?limit=1`));
    assert.equal(page.items[0]!.seq, created.seq);
    assert.equal(page.items[0]!.avatar, 'https://img.example/ada.png');
    await client.close();
  });

  test('C12: pages activities newest first with before, limit and next, items shaped { seq, ts, ...payload }', async () => {
    const fresh = await startTemp();
    try {
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) seqs.push((await publishActivity(fresh.server.url, `t${i}`)).seq);
      await publishNotification(fresh.server.url);
      const first = await json<{ items: { seq: number; target: string; ts: number }[]; next: number | null }>(
        await fetch(`${fresh.server.url}/api/activities?limit=2`),
      );
      assert.deepEqual(first.items.map((i) => i.seq), [seqs[4], seqs[3]]);
      assert.deepEqual(first.items.map((i) => i.target), ['t4', 't3']);
      assert.equal(first.next, seqs[3]);
      const checked = validatePage(first, validateActivityItem);
      assert.ok(checked.ok);
      assert.equal(checked.value.dropped, 0);
      const second = await json<{ items: { seq: number }[]; next: number | null }>(
        await fetch(`${fresh.server.url}/api/activities?limit=2&before=${first.next}`),
      );
      assert.deepEqual(second.items.map((i) => i.seq), [seqs[2], seqs[1]]);
      const third = await json<{ items: { seq: number }[]; next: number | null }>(
        await fetch(`${fresh.server.url}/api/activities?limit=2&before=${second.next}`),
      );
      assert.deepEqual(third.items.map((i) => i.seq), [seqs[0]]);
      assert.equal(third.next, null);
    } finally {
      await fresh.dispose();
    }
  });

  test('answers 400 naming the field for bad bodies and query parameters', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/activities', { action: 'a', target: 'b' }, 'userName'],
      ['/api/activities', { userName: 'a', action: 'b', target: 42 }, 'target'],
      ['/api/activities', { userName: 'a', action: 'b', target: 'c', link: 'javascript:alert(1)' }, 'link'],
      ['/api/activities', { userName: 'a', action: 'b', target: 'c', avatar: 'javascript:alert(1)' }, 'avatar'],
      ['/api/activities', [1, 2], 'body'],
      ['/api/activities', '{not json', 'body'],
      ['/api/notifications', { level: 'loud', title: 'x' }, 'level'],
      ['/api/notifications', { title: '' }, 'title'],
      ['/api/notifications', { title: 'x', to: 7 }, 'to'],
      ['/api/notifications/read', { state: 'gone', ids: ['a'] }, 'state'],
      ['/api/notifications/read', { state: 'read' }, 'ids'],
    ];
    for (const [url, body, field] of cases) {
      const res = await post(`${t.server.url}${url}`, body, { 'X-RT-User': 'ada' });
      assert.equal(res.status, 400, `${url} ${JSON.stringify(body)}`);
      const answer = await json<{ error: { field: string; message: string } }>(res);
      assert.equal(answer.error.field, field, `${url} ${JSON.stringify(body)}`);
      assert.equal(typeof answer.error.message, 'string');
    }
    for (const query of ['limit=0', 'limit=1000', 'limit=abc', 'before=-1']) {
      const res = await fetch(`${t.server.url}/api/activities?${query}`);
      assert.equal(res.status, 400, query);
      const field = query.split('=')[0];
      assert.equal((await json<{ error: { field: string } }>(res)).error.field, field);
    }
  });

  test('answers 413 to a body over 64 KB', async () => {
    const res = await post(`${t.server.url}/api/activities`, { userName: 'a', action: 'b', target: 'x'.repeat(70_000) });
    assert.equal(res.status, 413);
    assert.equal(typeof (await json<{ error: { message: string } }>(res)).error.message, 'string');
    // The server still answers afterwards.
    assert.equal((await fetch(`${t.server.url}/healthz`)).status, 200);
  });

  test('answers 404 and 405 as JSON', async () => {
    const missing = await fetch(`${t.server.url}/api/nothing`);
    assert.equal(missing.status, 404);
    assert.equal(typeof (await json<{ error: { message: string } }>(missing)).error.message, 'string');
    const wrong = await fetch(`${t.server.url}/api/activities`, { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, POST');
    await wrong.body?.cancel();
  });

  test('filters notifications by user and keeps per-user read, seen and archived state', async () => {
    const fresh = await startTemp();
    try {
      const base = fresh.server.url;
      const all = await publishNotification(base, { title: 'everyone' });
      const ada = await publishNotification(base, { title: 'ada only', to: 'ada' });
      await publishNotification(base, { title: 'bob only', to: 'bob' });
      const page = async (user?: string) =>
        json<{ items: { seq: number; id: string; read: boolean; seen: boolean; archived: boolean }[] }>(
          await fetch(`${base}/api/notifications`, { headers: user ? { 'X-RT-User': user } : {} }),
        );
      assert.deepEqual((await page('ada')).items.map((i) => i.seq), [ada.seq, all.seq]);
      assert.deepEqual((await page()).items.map((i) => i.seq), [all.seq]);
      const checked = validatePage(await page('ada'), validateNotificationItem);
      assert.ok(checked.ok && checked.value.dropped === 0);

      // Ada's other tab hears about the read.
      const tab = await Client.open(`${fresh.wsUrl}?user=ada`);
      tab.resume({ user: 'ada' });
      await settle(tab);
      const read = await post(`${base}/api/notifications/read`, { state: 'read', ids: [ada.id] }, { 'X-RT-User': 'ada' });
      assert.equal(read.status, 200);
      assert.deepEqual(await read.json(), { updated: 1 });
      const event = await tab.next('notification.read');
      assert.deepEqual(event.payload, { state: 'read', ids: [ada.id] });
      await tab.close();

      const archived = await post(`${base}/api/notifications/read`, { state: 'archived', all: true }, { 'X-RT-User': 'ada' });
      assert.deepEqual(await archived.json(), { updated: 2 });
      const items = (await page('ada')).items;
      assert.deepEqual(items.map((i) => [i.read, i.archived]), [
        [true, true],
        [false, true],
      ]);
      // Bob's state is his own, and he cannot mark Ada's notification.
      const bobTry = await post(`${base}/api/notifications/read`, { state: 'seen', ids: [ada.id] }, { 'X-RT-User': 'bob' });
      assert.deepEqual(await bobTry.json(), { updated: 0 });
      assert.ok((await page('bob')).items.every((i) => !i.read && !i.seen && !i.archived));
      const anonymous = await post(`${base}/api/notifications/read`, { state: 'read', all: true });
      assert.equal(anonymous.status, 401);
    } finally {
      await fresh.dispose();
    }
  });

  test('counts each user\'s unread notifications over the whole log, past the page limit', async () => {
    const fresh = await startTemp();
    try {
      const base = fresh.server.url;
      const first = await publishNotification(base, { title: 'one' });
      await publishNotification(base, { title: 'two' });
      await publishNotification(base, { title: 'three', to: 'ada' });
      await publishNotification(base, { title: 'not for ada', to: 'bob' });
      const unread = async (user?: string) =>
        (await json<{ items: unknown[]; unread: number }>(
          await fetch(`${base}/api/notifications?limit=1`, { headers: user ? { 'X-RT-User': user } : {} }),
        )).unread;
      assert.equal(await unread('ada'), 3);
      assert.equal(await unread('bob'), 3);
      assert.equal(await unread(), 2);
      await post(`${base}/api/notifications/read`, { state: 'read', ids: [first.id] }, { 'X-RT-User': 'ada' });
      assert.equal(await unread('ada'), 2);
      // Seen is not read; archived leaves the count.
      await post(`${base}/api/notifications/read`, { state: 'seen', all: true }, { 'X-RT-User': 'ada' });
      assert.equal(await unread('ada'), 2);
      await post(`${base}/api/notifications/read`, { state: 'archived', all: true }, { 'X-RT-User': 'ada' });
      assert.equal(await unread('ada'), 0);
      assert.equal(await unread('bob'), 3);
    } finally {
      await fresh.dispose();
    }
  });

  test('outside demo mode publishing needs the key: 401 without it', async () => {
    const strict = await startTemp({ demo: false, publishKey: 'sekret' });
    try {
      const body = { userName: 'a', action: 'b', target: 'c' };
      const none = await post(`${strict.server.url}/api/activities`, body);
      assert.equal(none.status, 401);
      assert.equal(typeof (await json<{ error: { message: string } }>(none)).error.message, 'string');
      const wrong = await post(`${strict.server.url}/api/notifications`, { title: 'x' }, { Authorization: 'Bearer nope' });
      assert.equal(wrong.status, 401);
      await wrong.body?.cancel();
      const right = await post(`${strict.server.url}/api/activities`, body, { Authorization: 'Bearer sekret' });
      assert.equal(right.status, 201);
      await right.body?.cancel();
      const ticket = await post(`${strict.server.url}/api/tickets`, {}, { Authorization: 'Bearer anything' });
      assert.equal(ticket.status, 401, 'no authenticate outside demo mode: tickets are refused');
      await ticket.body?.cancel();
      assert.ok(!strict.lines.some((line) => line.includes('sekret')));
    } finally {
      await strict.dispose();
    }
  });

  test('demo mode on a non-loopback host still needs the key', async () => {
    const open = await startTemp({ host: '0.0.0.0', publishKey: 'k' });
    try {
      const url = `http://127.0.0.1:${open.server.port}`;
      const none = await post(`${url}/api/activities`, { userName: 'a', action: 'b', target: 'c' });
      assert.equal(none.status, 401);
      await none.body?.cancel();
      const keyed = await post(`${url}/api/activities`, { userName: 'a', action: 'b', target: 'c' }, { Authorization: 'Bearer k' });
      assert.equal(keyed.status, 201);
      await keyed.body?.cancel();
    } finally {
      await open.dispose();
    }
  });

  test('CORS: answers preflights for allowed origins and refuses others with 403', async () => {
    const preflight = await fetch(`${t.server.url}/api/notifications`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:8787', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-rt-user' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:8787');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-RT-User/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/, 'browsers may send an idempotency key');
    const get = await fetch(`${t.server.url}/api/activities`, { headers: { Origin: 'http://127.0.0.1:3000' } });
    assert.equal(get.headers.get('access-control-allow-origin'), 'http://127.0.0.1:3000');
    await get.body?.cancel();
    const evil = await fetch(`${t.server.url}/api/activities`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
    await evil.body?.cancel();

    const strict = await startTemp({ demo: false, origins: ['https://app.example'] });
    try {
      const ok = await fetch(`${strict.server.url}/api/activities`, { headers: { Origin: 'https://app.example' } });
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
      await ok.body?.cancel();
      const local = await fetch(`${strict.server.url}/api/activities`, { headers: { Origin: 'http://localhost:5173' } });
      assert.equal(local.status, 403);
      await local.body?.cancel();
    } finally {
      await strict.dispose();
    }
  });

  test('GET /api/poll replays after a cursor with a prev chain and returns the next cursor', async () => {
    const fresh = await startTemp();
    try {
      const base = fresh.server.url;
      const start = await json<{ cursor: string; events: unknown[] }>(await fetch(`${base}/api/poll`));
      assert.deepEqual(start.events, []);
      const a = await publishActivity(base);
      await publishNotification(base, { to: 'someone-else' });
      const b = await publishActivity(base);
      const page = await json<{ cursor: string; events: { seq: number; prev: number }[] }>(
        await fetch(`${base}/api/poll?after=${encodeURIComponent(start.cursor)}`),
      );
      assert.deepEqual(page.events.map((e) => [e.seq, e.prev]), [
        [a.seq, 0],
        [b.seq, a.seq],
      ]);
      assert.equal(page.cursor, formatCursor({ epoch: start.cursor.split(':')[0]!, seq: b.seq }));
      const other = await json<{ cursor: string; events: unknown[] }>(await fetch(`${base}/api/poll?after=old:1`));
      assert.deepEqual(other.events, [], 'another epoch starts fresh');
      assert.equal(other.cursor, page.cursor);
      const garbage = await fetch(`${base}/api/poll?after=garbage`);
      assert.equal(garbage.status, 400);
      assert.equal((await json<{ error: { field: string } }>(garbage)).error.field, 'after');
    } finally {
      await fresh.dispose();
    }
  });

  test('POST /api/messages fans an app envelope out and drops a repeated mid', async () => {
    const client = await Client.open(t.wsUrl);
    client.resume();
    await settle(client);
    const message = { type: 'app.chat', ts: Date.now(), payload: { text: 'hi' }, mid: 'rest-1' };
    const first = await post(`${t.server.url}/api/messages`, message);
    assert.equal(first.status, 202);
    assert.deepEqual(await first.json(), { accepted: true, duplicate: false });
    const again = await post(`${t.server.url}/api/messages`, message);
    assert.deepEqual(await again.json(), { accepted: true, duplicate: true });
    assert.deepEqual(await client.next('app.chat'), message);
    await settle(client);
    assert.deepEqual(client.unread(), []);
    const bad = await post(`${t.server.url}/api/messages`, { type: 'sys.reset', ts: Date.now(), payload: { epoch: 'x', seq: 1 } });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    await client.close();
  });

  test('GET /api/documents/<id> answers the document and rejects bad ids', async () => {
    const res = await fetch(`${t.server.url}/api/documents/notes-1`);
    assert.equal(res.status, 200);
    const doc = await json<{ id: string; text: string }>(res);
    assert.equal(doc.id, 'notes-1');
    assert.equal(typeof doc.text, 'string');
    const bad = await fetch(`${t.server.url}/api/documents/${encodeURIComponent('a b')}`);
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
  });
});

describe('static files', () => {
  let t: TestServer;
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'rt-static-'));
    await mkdir(path.join(root, 'demo', 'css'), { recursive: true });
    await mkdir(path.join(root, 'dist'), { recursive: true });
    await writeFile(path.join(root, 'demo', 'index.html'), '<!doctype html><title>demo</title>');
    await writeFile(path.join(root, 'demo', 'css', 'site.css'), 'body{}');
    await writeFile(path.join(root, 'dist', 'cdn.js'), 'export {};');
    await writeFile(path.join(root, 'secret.txt'), 'do not serve');
    t = await startTemp({ staticDir: path.join(root, 'demo'), distDir: path.join(root, 'dist') });
  });
  after(async () => {
    await t.dispose();
    await rm(root, { recursive: true, force: true });
  });

  test('serves the demo at / and dist at /dist/ with the right content types', async () => {
    const index = await fetch(`${t.server.url}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(await index.text(), /<title>demo/);
    const css = await fetch(`${t.server.url}/css/site.css`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    await css.body?.cancel();
    const js = await fetch(`${t.server.url}/dist/cdn.js`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await js.text(), 'export {};');
  });

  test('never serves files outside the mounts', async () => {
    const { request } = await import('node:http');
    // fetch normalizes "..", so send raw paths.
    const raw = (target: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: t.server.port, path: target }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    for (const target of ['/../secret.txt', '/%2e%2e/secret.txt', '/dist/..%2f..%2fsecret.txt', '/css/..%5c..%5csecret.txt', '/%00']) {
      assert.equal(await raw(target), 404, target);
    }
    assert.equal((await fetch(`${t.server.url}/missing.html`)).status, 404);
  });
});
