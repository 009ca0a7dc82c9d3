// Poller against a scripted fetch, under fake timers.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { AnyEnvelope } from '../../src/protocol/index.js';
import { Poller, type PollerOptions } from '../../src/services/poller.js';
import type { ConnectionStatus, RealtimeErrorDetail } from '../../src/services/types.js';
import { createEnvironment } from './fake-socket.js';

type Answer = number | { cursor: string; events: object[] } | 'hang';

function activity(seq: number, prev = seq - 1): object {
  return { type: 'activity.new', ts: 0, seq, prev, payload: { id: `a${seq}`, userName: 'Ada', action: 'x', target: String(seq) } };
}

/** Answers polls from a plan (a status, a body, or never) and posts with 202 unless planned otherwise. */
function scriptedServer() {
  const plan: Answer[] = [];
  const postPlan: number[] = [];
  const polls: { at: number; url: URL; headers: Record<string, string> }[] = [];
  const posts: { at: number; body: Record<string, unknown>; headers: Record<string, string> }[] = [];
  let idle: { cursor: string; events: object[] } = { cursor: 'e1:0', events: [] };
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = { ...(init.headers as Record<string, string>) };
    if (init.method === 'POST') {
      posts.push({ at: Date.now(), body: JSON.parse(String(init.body)) as Record<string, unknown>, headers });
      const status = postPlan.shift() ?? 202;
      return new Response(JSON.stringify(status === 202 ? { accepted: true, duplicate: false } : { error: { message: `status ${status}` } }), { status });
    }
    polls.push({ at: Date.now(), url, headers });
    const next = plan.shift() ?? idle;
    if (next === 'hang') {
      return new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    if (typeof next === 'number') return new Response(next === 204 ? null : JSON.stringify({ error: { message: 'no' } }), { status: next });
    idle = { cursor: next.cursor, events: [] };
    return new Response(JSON.stringify(next), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { plan, postPlan, polls, posts, fetchImpl };
}

function setup(options: Partial<PollerOptions> = {}) {
  const server = scriptedServer();
  const poller = new Poller({ api: 'http://h/api', fetch: server.fetchImpl, random: () => 0.5, intervalMs: 1_000, backoff: { baseMs: 1_000, maxMs: 8_000 }, ...options });
  const statuses: ConnectionStatus[] = [];
  const frames: AnyEnvelope[] = [];
  const errors: RealtimeErrorDetail[] = [];
  poller.onStatus((status) => statuses.push(status));
  poller.onAny((frame) => frames.push(frame));
  poller.onError((error) => errors.push(error));
  return { poller, server, statuses, frames, errors };
}

describe('Poller', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => clock.restore());

  test('polls on the interval from its cursor, opens on the first answer and delivers each seq once', async () => {
    const { poller, server, frames, statuses } = setup({ cursor: 'e1:4' });
    server.plan.push({ cursor: 'e1:6', events: [activity(5, 4), activity(6, 5)] });
    // A repeat of 6 (the server replays from an older cursor) is dropped.
    server.plan.push({ cursor: 'e1:7', events: [activity(6, 5), activity(7, 6)] });
    poller.connect();
    assert.equal(poller.status.state, 'connecting');
    assert.equal(poller.status.transport, 'polling');
    await clock.tickAsync(0);
    assert.equal(poller.status.state, 'open');
    assert.equal(server.polls[0]!.url.pathname, '/api/poll');
    assert.equal(server.polls[0]!.url.searchParams.get('after'), 'e1:4');
    assert.deepEqual(frames.map((f) => f.seq), [5, 6]);
    await clock.tickAsync(999);
    assert.equal(server.polls.length, 1);
    await clock.tickAsync(1);
    assert.equal(server.polls.length, 2);
    assert.equal(server.polls[1]!.url.searchParams.get('after'), 'e1:6');
    assert.deepEqual(frames.map((f) => f.seq), [5, 6, 7]);
    assert.equal(poller.cursor, 'e1:7');
    assert.deepEqual([...new Set(statuses.map((s) => s.state))], ['connecting', 'open']);
    poller.close();
  });

  test('a fresh start takes the answer cursor; the cursor passes events meant for others without a false gap', async () => {
    const { poller, server, frames } = setup();
    server.plan.push({ cursor: 'e1:10', events: [] });
    server.plan.push({ cursor: 'e1:14', events: [activity(12, 10)] });
    server.plan.push({ cursor: 'e1:15', events: [activity(15, 14)] });
    poller.connect();
    await clock.tickAsync(0);
    assert.equal(server.polls[0]!.url.searchParams.has('after'), false);
    assert.equal(poller.cursor, 'e1:10');
    await clock.tickAsync(2_000);
    assert.deepEqual(frames.map((f) => f.seq), [12, 15]);
    assert.equal(server.polls[2]!.url.searchParams.get('after'), 'e1:14');
    poller.close();
  });

  test('a full page polls again at once', async () => {
    const { poller, server } = setup({ cursor: 'e1:0', pageSize: 2 });
    server.plan.push({ cursor: 'e1:2', events: [activity(1), activity(2)] });
    server.plan.push({ cursor: 'e1:3', events: [activity(3)] });
    poller.connect();
    await clock.tickAsync(0);
    assert.equal(server.polls.length, 2);
    assert.equal(server.polls[1]!.url.searchParams.get('limit'), '2');
    await clock.tickAsync(999);
    assert.equal(server.polls.length, 2, 'a short page waits the interval');
    poller.close();
  });

  test('a gap polls again at once from the last seq', async () => {
    const { poller, server, frames } = setup({ cursor: 'e1:1' });
    server.plan.push({ cursor: 'e1:4', events: [activity(2, 1), activity(4, 3)] });
    server.plan.push({ cursor: 'e1:4', events: [activity(3, 2), activity(4, 3)] });
    poller.connect();
    await clock.tickAsync(0);
    assert.equal(server.polls[1]!.url.searchParams.get('after'), 'e1:2');
    assert.deepEqual(frames.map((f) => f.seq), [2, 3, 4]);
    poller.close();
  });

  test('failed polls back off with jitter, showing reconnecting with attempt and nextRetryAt; success resets', async () => {
    const { poller, server, statuses } = setup();
    server.plan.push(503, 503, { cursor: 'e1:0', events: [] });
    poller.connect();
    await clock.tickAsync(0);
    assert.equal(poller.status.state, 'reconnecting');
    assert.equal(poller.status.attempt, 1);
    assert.equal(poller.status.code, 503);
    // random 0.5 × min(8000, 1000 × 2^0) = 500
    assert.equal(poller.status.nextRetryAt, 500);
    await clock.tickAsync(500);
    assert.equal(server.polls.length, 2);
    assert.equal(poller.status.attempt, 2);
    assert.equal(poller.status.nextRetryAt, 1_500);
    await clock.tickAsync(1_000);
    assert.equal(poller.status.state, 'open');
    assert.equal(poller.status.attempt, 0);
    assert.ok(statuses.some((s) => s.state === 'reconnecting' && s.reason === 'HTTP 503'));
    poller.close();
  });

  test('a poll without an answer is aborted after requestTimeoutMs and counts as failed', async () => {
    const { poller, server } = setup({ requestTimeoutMs: 3_000 });
    server.plan.push('hang');
    poller.connect();
    await clock.tickAsync(2_999);
    assert.equal(poller.status.state, 'connecting');
    await clock.tickAsync(1);
    assert.equal(poller.status.state, 'reconnecting');
    assert.equal(poller.status.reason, 'timeout');
    poller.close();
  });

  test('401 asks for a fresh token once; a second 401 fails; 403 fails at once; maxRetries gives up', async () => {
    const tokens: boolean[] = [];
    const a = setup({ getToken: ({ refresh }) => (tokens.push(refresh), refresh ? 'fresh' : 'old') });
    a.server.plan.push(401, 401);
    a.poller.connect();
    await clock.tickAsync(0);
    assert.equal(a.poller.status.state, 'reconnecting');
    assert.equal(a.errors[0]!.kind, 'auth');
    await clock.tickAsync(500);
    assert.deepEqual(tokens, [false, true]);
    assert.equal(a.server.polls[1]!.headers['Authorization'], 'Bearer fresh');
    assert.equal(a.poller.status.state, 'failed');
    assert.equal(a.poller.status.reason, 'unauthorized');

    const b = setup();
    b.server.plan.push(403);
    b.poller.connect();
    await clock.tickAsync(0);
    assert.equal(b.poller.status.state, 'failed');
    assert.equal(b.poller.status.code, 403);

    const c = setup({ maxRetries: 1 });
    c.server.plan.push(500, 500);
    c.poller.connect();
    await clock.tickAsync(10_000);
    assert.equal(c.poller.status.state, 'failed');
    assert.equal(c.poller.status.reason, 'max-retries');
    c.poller.retry();
    await clock.tickAsync(0);
    assert.equal(c.poller.status.state, 'open', 'retry starts over');
    c.poller.close();
  });

  test('sys.reset resets the cursor and tells onReset; close stops polling', async () => {
    const { poller, server, frames } = setup({ cursor: 'e1:1' });
    let resets = 0;
    poller.onReset(() => resets++);
    server.plan.push({ cursor: 'e2:40', events: [{ type: 'sys.reset', ts: 0, payload: { epoch: 'e2', seq: 40, reason: 'truncated' } }] });
    poller.connect();
    await clock.tickAsync(0);
    assert.equal(resets, 1);
    assert.equal(frames[0]!.type, 'sys.reset');
    assert.equal(poller.cursor, 'e2:40');
    poller.close();
    assert.equal(poller.status.state, 'closed');
    const count = server.polls.length;
    await clock.tickAsync(10_000);
    assert.equal(server.polls.length, count);
  });

  test('offline shows offline and waits; coming back online polls at once', async () => {
    const env = createEnvironment();
    const { poller, server } = setup({ environment: env.environment, intervalMs: 30_000 });
    poller.connect();
    await clock.tickAsync(0);
    assert.equal(server.polls.length, 1);
    env.goOffline();
    await clock.tickAsync(0);
    assert.equal(poller.status.state, 'offline');
    await clock.tickAsync(5_000);
    assert.equal(server.polls.length, 1, 'no polls while offline');
    env.goOnline();
    await clock.tickAsync(0);
    assert.equal(server.polls.length, 2);
    assert.equal(poller.status.state, 'open');
    poller.close();
  });

  test('sends post to <api>/messages with a mid, in order; held while not open; a 5xx repeats with the same mid; 400 drops with an error', async () => {
    const { poller, server, errors } = setup({ user: { id: 'ann' } });
    server.plan.push(503);
    poller.connect();
    await clock.tickAsync(0);
    assert.equal(poller.send('app.chat' as never, { n: 1 } as never, { mid: 'm1' }), 'queued');
    assert.equal(poller.send('app.chat' as never, { n: 2 } as never), 'queued');
    assert.equal(poller.send('sys.ping' as never, {} as never), 'dropped');
    assert.equal(server.posts.length, 0, 'nothing is posted before a poll succeeds');
    server.postPlan.push(502, 202, 202, 400);
    await clock.tickAsync(500);
    assert.equal(poller.status.state, 'open');
    await clock.tickAsync(1_000);
    const mids = server.posts.map((p) => p.body['mid']);
    assert.equal(mids[0], 'm1');
    assert.equal(mids[1], 'm1');
    assert.equal(typeof mids[2], 'string');
    assert.notEqual(mids[2], 'm1');
    assert.equal(server.posts[0]!.headers['X-RT-User'], 'ann');
    assert.equal(poller.queued, 0);
    assert.equal(poller.send('app.chat' as never, { n: 3 } as never), 'sent');
    await clock.tickAsync(0);
    assert.equal(errors.at(-1)!.kind, 'server-error');
    poller.close();
  });

  test('the send queue is bounded: the oldest is dropped and reported', async () => {
    const { poller, errors } = setup({ queueLimit: 2 });
    for (const n of [1, 2, 3]) poller.send('app.chat' as never, { n } as never);
    assert.equal(poller.queued, 2);
    assert.deepEqual(errors, [{ kind: 'queue-overflow', dropped: 1, type: 'app.chat' }]);
  });

  test('a message over the body limit is refused before it leaves', async () => {
    const { poller, errors, server } = setup({});
    const result = poller.send('app.chat' as never, { text: 'x'.repeat(70_000) } as never);
    assert.equal(result, 'refused');
    assert.equal(errors[0]!.kind, 'too-big');
    assert.equal(poller.queued, 0);
    assert.equal(server.posts.length, 0);
  });
});
