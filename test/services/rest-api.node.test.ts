import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestApi, RestError } from '../../src/services/rest-api.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function fakeFetch(answer: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const call: Call = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body as string | undefined,
    };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

test('lists a page with before/limit, sends X-RT-User and the bearer token, and drops invalid items', async () => {
  const { calls, fetchImpl } = fakeFetch(() =>
    json(200, {
      items: [
        { seq: 5, ts: 10, id: 'a5', userName: 'Ada', action: 'did', target: 'x', link: 'javascript:alert(1)' },
        { seq: 'bad', ts: 10, id: 'a4', userName: 'Ada', action: 'did', target: 'x' },
        { seq: 3, ts: 9, id: 'a3', userName: 'Bo', action: 'did', target: 'y' },
      ],
      next: 3,
    }),
  );
  const warnings: string[] = [];
  const api = new RestApi({
    base: '/api/',
    baseUrl: 'https://example.test/app/',
    userId: 'u1',
    getToken: () => 'tok',
    fetch: fetchImpl,
    logger: { debug: () => {}, warn: (message) => warnings.push(message) },
  });
  const page = await api.listActivities({ before: 10, limit: 2 });
  assert.equal(calls[0]!.url, 'https://example.test/api/activities?before=10&limit=2');
  assert.equal(calls[0]!.headers['X-RT-User'], 'u1');
  assert.equal(calls[0]!.headers['Authorization'], 'Bearer tok');
  assert.deepEqual(page.items.map((item) => item.seq), [5, 3]);
  assert.equal(page.items[0]!.link, undefined, 'unsafe links are dropped by the validator');
  assert.equal(page.next, 3);
  assert.equal(warnings.length, 1);
});

test('sends no Authorization when there is no token and no X-RT-User without a user', async () => {
  const { calls, fetchImpl } = fakeFetch(() => json(200, { items: [], next: null }));
  await new RestApi({ baseUrl: 'http://h/', getToken: () => null, fetch: fetchImpl }).listNotifications();
  assert.equal(calls[0]!.headers['Authorization'], undefined);
  assert.equal(calls[0]!.headers['X-RT-User'], undefined);
});

test('keeps notification read flags and posts read changes', async () => {
  const { calls, fetchImpl } = fakeFetch((call) =>
    call.method === 'GET'
      ? json(200, { items: [{ seq: 1, ts: 1, id: 'n1', level: 'info', title: 't', message: '', read: true }], next: null })
      : new Response(null, { status: 204 }),
  );
  const api = new RestApi({ baseUrl: 'http://h/', fetch: fetchImpl });
  const page = await api.listNotifications();
  assert.equal(page.items[0]!.read, true);
  await api.markNotifications({ state: 'read', ids: ['n1'] });
  assert.equal(calls[1]!.url, 'http://h/api/notifications/read');
  assert.deepEqual(JSON.parse(calls[1]!.body!), { state: 'read', ids: ['n1'] });
});

test('publishing returns { seq, id } and rejects a malformed answer', async () => {
  let answer = json(201, { seq: 7, id: 'n7' });
  const { calls, fetchImpl } = fakeFetch(() => answer);
  const api = new RestApi({ baseUrl: 'http://h/', fetch: fetchImpl });
  assert.deepEqual(await api.publishNotification({ level: 'info', title: 'hi', message: '' }), { seq: 7, id: 'n7' });
  assert.equal(calls[0]!.method, 'POST');
  assert.equal(calls[0]!.headers['Content-Type'], 'application/json');
  answer = json(201, { seq: 'x' });
  await assert.rejects(api.publishActivity({ userName: 'a', action: 'b', target: 'c' }), RestError);
});

test('a non-2xx answer throws a RestError with status, field and message', async () => {
  const { fetchImpl } = fakeFetch(() => json(400, { error: { field: 'title', message: 'title is required' } }));
  const api = new RestApi({ baseUrl: 'http://h/', fetch: fetchImpl });
  await assert.rejects(api.publishNotification({ level: 'info', title: '', message: '' }), (error: unknown) => {
    assert.ok(error instanceof RestError);
    assert.equal(error.status, 400);
    assert.equal(error.field, 'title');
    assert.equal(error.message, 'title is required');
    return true;
  });
  const plain = new RestApi({ baseUrl: 'http://h/', fetch: fakeFetch(() => new Response('oops', { status: 502 })).fetchImpl });
  await assert.rejects(plain.listActivities(), (error: unknown) => error instanceof RestError && error.status === 502 && error.field === null);
});

test('a page that is not a page throws a RestError naming the field', async () => {
  const api = new RestApi({ baseUrl: 'http://h/', fetch: fakeFetch(() => json(200, { items: 'nope' })).fetchImpl });
  await assert.rejects(api.listActivities(), (error: unknown) => error instanceof RestError && error.field === 'items');
});

test('importing the services touches no randomness, timers or page globals', async () => {
  const random = Math.random;
  let calls = 0;
  Math.random = () => {
    calls += 1;
    return random();
  };
  try {
    const services = await import('../../src/services/index.js');
    assert.equal(typeof services.RealtimeSocket, 'function');
    new services.RealtimeSocket({ url: 'ws://h/ws' });
    new services.EventStream({ url: 'http://h/api/events' });
    assert.equal(calls, 0);
  } finally {
    Math.random = random;
  }
});
