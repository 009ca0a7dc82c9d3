import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { validateActivityInput } from '../../src/protocol/index.js';
import { IDEMPOTENCY_TTL_MS, idempotencyFingerprint } from '../../server/rest.js';
import { openStore } from '../../server/store.js';
import { type TestServer, startTemp } from './harness.js';

const activity = { userName: 'Ada', action: 'edited', target: 'Plan' };
const notification = { level: 'info', title: 'Deploy', message: 'done' };

/**
 * One request on a fresh connection: these tests restart the server, and a pooled keep-alive
 * socket to the old process would fail the next fetch.
 */
function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent: false, headers: { ...(text ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') out.set(name, value);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: out }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(text);
  });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) => send('POST', url, body, headers);

async function head(t: TestServer): Promise<number> {
  const res = await send('GET', `${t.server.url}/healthz`);
  return ((await res.json()) as { seq: number }).seq;
}

async function created(res: Response): Promise<{ seq: number; id: string }> {
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as { seq: number; id: string };
}

describe('publisher Idempotency-Key', () => {
  let t: TestServer;
  before(async () => {
    t = await startTemp();
  });
  after(async () => {
    await t.dispose();
  });

  test('a repeated key answers the first 201 again and publishes nothing more', async () => {
    const first = await post(`${t.server.url}/api/activities`, activity, { 'Idempotency-Key': 'k-repeat' });
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const body = await created(first);
    const seqAfterFirst = await head(t);
    const again = await post(`${t.server.url}/api/activities`, activity, { 'Idempotency-Key': 'k-repeat' });
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await created(again), body);
    assert.equal(await head(t), seqAfterFirst);
    const page = (await (await send('GET', `${t.server.url}/api/activities?limit=100`)).json()) as { items: { id: string }[] };
    assert.equal(page.items.filter((item) => item.id === body.id).length, 1);
  });

  test('without a key every POST publishes', async () => {
    const a = await created(await post(`${t.server.url}/api/notifications`, notification));
    const b = await created(await post(`${t.server.url}/api/notifications`, notification));
    assert.notEqual(a.id, b.id);
    assert.equal(b.seq, a.seq + 1);
  });

  test('notifications and activities keep separate keys', async () => {
    const a = await created(await post(`${t.server.url}/api/activities`, activity, { 'Idempotency-Key': 'k-shared' }));
    const n = await created(await post(`${t.server.url}/api/notifications`, notification, { 'Idempotency-Key': 'k-shared' }));
    assert.match(a.id, /^a_/);
    assert.match(n.id, /^n_/);
    assert.equal(n.seq, a.seq + 1);
  });

  test('a key reused for another body is refused with 422 naming the header', async () => {
    await created(await post(`${t.server.url}/api/activities`, activity, { 'Idempotency-Key': 'k-body' }));
    const before = await head(t);
    const res = await post(`${t.server.url}/api/activities`, { ...activity, target: 'Other' }, { 'Idempotency-Key': 'k-body' });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { error: { field: string } };
    assert.equal(body.error.field, 'Idempotency-Key');
    assert.equal(await head(t), before);
  });

  test('a malformed key is a 400 naming the header and publishes nothing', async () => {
    const before = await head(t);
    const res = await post(`${t.server.url}/api/notifications`, notification, { 'Idempotency-Key': 'x'.repeat(201) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { field: string } }).error.field, 'Idempotency-Key');
    assert.equal(await head(t), before);
  });

  test('an invalid body with a key is a 400 and does not use up the key', async () => {
    const bad = await post(`${t.server.url}/api/notifications`, { level: 'nope', title: 'x', message: '' }, { 'Idempotency-Key': 'k-invalid' });
    assert.equal(bad.status, 400);
    const good = await post(`${t.server.url}/api/notifications`, notification, { 'Idempotency-Key': 'k-invalid' });
    assert.equal(good.headers.get('idempotent-replayed'), null);
    await created(good);
  });

  test('keys survive a restart of the server', async () => {
    const body = await created(await post(`${t.server.url}/api/notifications`, notification, { 'Idempotency-Key': 'k-restart' }));
    await t.restart();
    const before = await head(t);
    const again = await post(`${t.server.url}/api/notifications`, notification, { 'Idempotency-Key': 'k-restart' });
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await created(again), body);
    assert.equal(await head(t), before);
  });
});

describe('publisher Idempotency-Key after a crash', () => {
  let t: TestServer;
  before(async () => {
    t = await startTemp();
  });
  after(async () => {
    await t.dispose();
  });

  const fingerprint = () => {
    const checked = validateActivityInput(activity);
    assert.ok(checked.ok);
    return idempotencyFingerprint(checked.value);
  };

  test('a key stored before a crash that came before the publish publishes once, under the stored id', async () => {
    await t.server.close();
    const store = openStore({ dataDir: t.dataDir, retain: 10_000 });
    store.claimIdempotencyKey({ scope: 'activities', key: 'k-crash-early', fingerprint: fingerprint(), itemId: 'a_pending', now: Date.now(), ttlMs: IDEMPOTENCY_TTL_MS });
    store.close();
    await t.restart();

    const res = await post(`${t.server.url}/api/activities`, activity, { 'Idempotency-Key': 'k-crash-early' });
    assert.equal(res.headers.get('idempotent-replayed'), null);
    const body = await created(res);
    assert.equal(body.id, 'a_pending');
    const again = await created(await post(`${t.server.url}/api/activities`, activity, { 'Idempotency-Key': 'k-crash-early' }));
    assert.deepEqual(again, body);
    assert.equal(await head(t), body.seq);
  });

  test('a key whose event was logged but whose answer was lost in a crash answers that event', async () => {
    await t.server.close();
    const store = openStore({ dataDir: t.dataDir, retain: 10_000 });
    store.claimIdempotencyKey({ scope: 'activities', key: 'k-crash-late', fingerprint: fingerprint(), itemId: 'a_logged', now: Date.now(), ttlMs: IDEMPOTENCY_TTL_MS });
    const event = store.append({ type: 'activity.new', payload: { id: 'a_logged', ...activity }, ts: Date.now(), itemId: 'a_logged' });
    store.close();
    await t.restart();

    const res = await post(`${t.server.url}/api/activities`, activity, { 'Idempotency-Key': 'k-crash-late' });
    assert.equal(res.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await created(res), { seq: event.seq, id: 'a_logged' });
    assert.equal(await head(t), event.seq);
  });
});

describe('idempotency keys in the store', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'rt-idem-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a key is forgotten after its time to live', () => {
    const store = openStore({ dataDir, retain: 100 });
    try {
      const claim = { scope: 'activities', key: 'k-ttl', fingerprint: 'f', itemId: 'a_1', now: 1_000, ttlMs: 60_000 };
      assert.equal(store.claimIdempotencyKey(claim).fresh, true);
      store.settleIdempotencyKey('activities', 'k-ttl', 7);
      const repeat = store.claimIdempotencyKey({ ...claim, itemId: 'a_2', now: 60_000 });
      assert.equal(repeat.fresh, false);
      assert.equal(repeat.record.itemId, 'a_1');
      assert.equal(repeat.record.seq, 7);
      const later = store.claimIdempotencyKey({ ...claim, itemId: 'a_3', now: 61_001 });
      assert.equal(later.fresh, true);
      assert.equal(later.record.itemId, 'a_3');
      assert.equal(later.record.seq, null);
    } finally {
      store.close();
    }
  });
});
