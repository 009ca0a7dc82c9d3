// HttpOutbox: a POST that never answers is aborted after requestTimeoutMs and cannot stall the queue.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { HttpOutbox, type HttpOutboxOptions, type OutboxMessage } from '../../src/services/http-outbox.js';
import { type RealtimeErrorDetail, silentLogger, systemClock } from '../../src/services/types.js';

function setup(fetchMode: 'hang' | 'hang-honouring-abort', options: Partial<HttpOutboxOptions> = {}) {
  const posts: { mid: unknown; signal: AbortSignal }[] = [];
  const fetchImpl = ((_url: string | URL | Request, init: RequestInit = {}) => {
    const signal = init.signal!;
    posts.push({ mid: (JSON.parse(String(init.body)) as Record<string, unknown>)['mid'], signal });
    // Never answers; the polite variant rejects on abort as a real fetch does.
    return new Promise<Response>((_resolve, reject) => {
      if (fetchMode === 'hang-honouring-abort') signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
    });
  }) as typeof fetch;
  const socket: string[] = [];
  const line = { open: false };
  const errors: RealtimeErrorDetail[] = [];
  const outbox = new HttpOutbox({
    api: '/api',
    baseUrl: 'http://h/',
    canPost: () => !line.open,
    direct: (message: OutboxMessage) => {
      if (!line.open) return false;
      socket.push(message.mid);
      return true;
    },
    report: (error) => errors.push(error),
    fetch: fetchImpl,
    clock: systemClock,
    random: () => 0.5,
    logger: silentLogger,
    backoff: { baseMs: 100, maxMs: 1_000 },
    ...options,
  });
  return { outbox, posts, socket, line, errors };
}

describe('HttpOutbox', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });

  afterEach(() => clock.restore());

  test('a hung POST times out; the socket that opened meanwhile takes the queue, each message once, in order', async () => {
    const { outbox, posts, socket, line, errors } = setup('hang');
    assert.equal(outbox.send('app.chat' as never, { n: 1 } as never, { mid: 'm1' }), 'sent');
    assert.equal(outbox.send('app.chat' as never, { n: 2 } as never, { mid: 'm2' }), 'queued');
    assert.equal(outbox.send('app.chat' as never, { n: 3 } as never, { mid: 'm3' }), 'queued');
    await clock.tickAsync(0);
    assert.deepEqual(posts.map((p) => p.mid), ['m1']);
    line.open = true;
    outbox.kick();
    await clock.tickAsync(9_999);
    assert.equal(socket.length, 0, 'still waiting for the POST');
    assert.equal(posts[0]!.signal.aborted, false);
    await clock.tickAsync(1);
    assert.equal(posts[0]!.signal.aborted, true, 'the timed-out POST is aborted');
    assert.deepEqual(socket, ['m1', 'm2', 'm3']);
    assert.equal(outbox.queued, 0);
    await clock.tickAsync(60_000);
    assert.deepEqual(socket, ['m1', 'm2', 'm3']);
    assert.equal(posts.length, 1);
    assert.deepEqual(errors, []);
    outbox.close();
  });

  test('a timeout is a failed post: repeated with the same mid after the backoff (requestTimeoutMs honoured)', async () => {
    const { outbox, posts } = setup('hang-honouring-abort', { requestTimeoutMs: 2_000 });
    outbox.send('app.chat' as never, { n: 1 } as never, { mid: 'm1' });
    outbox.send('app.chat' as never, { n: 2 } as never, { mid: 'm2' });
    await clock.tickAsync(1_999);
    assert.equal(posts.length, 1);
    await clock.tickAsync(1);
    assert.equal(posts[0]!.signal.aborted, true);
    // Backoff for the first failure: at most baseMs (100).
    await clock.tickAsync(100);
    assert.deepEqual(posts.map((p) => p.mid), ['m1', 'm1']);
    assert.equal(outbox.queued, 2);
    outbox.close();
  });

  test('close() aborts the POST in flight and nothing is posted or handed on afterwards', async () => {
    const { outbox, posts, socket, line } = setup('hang');
    outbox.send('app.chat' as never, { n: 1 } as never, { mid: 'm1' });
    outbox.send('app.chat' as never, { n: 2 } as never, { mid: 'm2' });
    await clock.tickAsync(0);
    assert.equal(posts.length, 1);
    outbox.close();
    assert.equal(posts[0]!.signal.aborted, true);
    assert.equal(outbox.queued, 0);
    line.open = true;
    outbox.kick();
    await clock.tickAsync(60_000);
    assert.equal(posts.length, 1);
    assert.deepEqual(socket, []);
    assert.equal(clock.countTimers(), 0, 'no timer left behind');
  });
});
