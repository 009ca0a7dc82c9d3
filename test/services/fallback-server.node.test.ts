// FallbackConnection against the real reference server with transports blocked (ServerOptions.block).
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WS from 'ws';
import { type RunningServer, type ServerOptions, startServer } from '../../server/app.js';
import type { AnyEnvelope, AppTypeRegistry } from '../../src/protocol/index.js';
import { FallbackConnection, type FallbackConnectionOptions } from '../../src/services/fallback-connection.js';
import { RealtimeSocket } from '../../src/services/realtime-socket.js';
import { RestApi } from '../../src/services/rest-api.js';
import type { Transport } from '../../src/services/types.js';
import { waitFor } from './wire.js';

const WebSocketImpl = WS as unknown as typeof WebSocket;
const appTypes: AppTypeRegistry = new Map([['app.chat', { validate: (input: unknown) => ({ ok: true as const, value: input }) }]]);

describe('FallbackConnection against the reference server', () => {
  const cleanup: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const done of cleanup.splice(0).reverse()) await done();
  });

  async function server(block?: ServerOptions['block'], reuse?: { port: number; dataDir: string }): Promise<{ server: RunningServer; dataDir: string }> {
    const dataDir = reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'rt-fallback-'));
    const running = await startServer({ port: reuse?.port ?? 0, host: '127.0.0.1', dataDir, demo: true, log: () => {}, ...(block ? { block } : {}) });
    if (!reuse) cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanup.push(() => running.close());
    return { server: running, dataDir };
  }

  function client(url: string, user = 'u1', extra: Partial<FallbackConnectionOptions> = {}) {
    const connection = new FallbackConnection({
      url: '/ws',
      baseUrl: url,
      user: { id: user },
      appTypes,
      WebSocket: WebSocketImpl,
      backoff: { baseMs: 20, maxMs: 150 },
      stepDownAfter: 2,
      stepDownMs: 2_000,
      probeMs: 150,
      probeMaxMs: 400,
      pollIntervalMs: 50,
      ...extra,
    });
    const seqs: number[] = [];
    const chats: AnyEnvelope[] = [];
    const transports: Transport[] = [];
    connection.on('activity.new', (frame) => seqs.push(frame.seq!));
    connection.on('app.chat', (frame) => chats.push(frame));
    connection.onStatus((status) => {
      if (status.state === 'open' && transports.at(-1) !== status.transport) transports.push(status.transport);
    });
    cleanup.push(() => connection.close());
    return { connection, seqs, chats, transports };
  }

  /** Pooled keep-alive connections to a server that just stopped fail once each; try again on a fresh one. */
  const patientFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    for (let tries = 0; ; tries++) {
      try {
        return await fetch(input, init);
      } catch (error) {
        if (tries >= 5) throw error;
      }
    }
  }) as typeof fetch;
  const restApi = (url: string) => new RestApi({ baseUrl: url, fetch: patientFetch });

  const openOn = (connection: FallbackConnection, transport: Transport) => () =>
    connection.status.state === 'open' && connection.status.transport === transport;

  async function publish(api: RestApi, count: number, tag: string): Promise<number[]> {
    const seqs: number[] = [];
    for (let i = 0; i < count; i++) seqs.push((await api.publishActivity({ userName: 'Ada', action: tag, target: String(i) })).seq);
    return seqs;
  }

  test('RealtimeSocket started from a cursor (a hand-over) replays what came after it, once each', async () => {
    const { server: running } = await server();
    const api = restApi(running.url);
    const head = await publish(api, 3, 'old');
    const health = (await (await patientFetch(`${running.url}/healthz`)).json()) as { epoch: string };
    const missed = await publish(api, 2, 'missed');
    const socket = new RealtimeSocket({ url: '/ws', baseUrl: running.url, WebSocket: WebSocketImpl, cursor: `${health.epoch}:${head.at(-1)}` });
    const seqs: number[] = [];
    socket.on('activity.new', (frame) => seqs.push(frame.seq!));
    cleanup.push(() => socket.close());
    socket.connect();
    await waitFor(() => seqs.length === 2, 'the replay', 5_000);
    assert.deepEqual(seqs, missed);
  });

  test('with WebSocket blocked it ends on sse and receives published events', async () => {
    const { server: running } = await server({ websocket: true });
    const c = client(running.url);
    c.connection.connect();
    await waitFor(openOn(c.connection, 'sse'), 'open on sse', 5_000);
    const published = await publish(restApi(running.url), 5, 'sse');
    await waitFor(() => c.seqs.length === 5, 'five events', 5_000);
    assert.deepEqual(c.seqs, published);
    assert.deepEqual(c.transports, ['sse']);
  });

  test('with WebSocket and SSE blocked it ends on polling and receives published events', async () => {
    const { server: running } = await server({ websocket: true, sse: true });
    const c = client(running.url);
    c.connection.connect();
    await waitFor(openOn(c.connection, 'polling'), 'open on polling', 8_000);
    const published = await publish(restApi(running.url), 5, 'poll');
    await waitFor(() => c.seqs.length === 5, 'five events', 5_000);
    assert.deepEqual(c.seqs, published);
    assert.equal(c.connection.transport, 'polling');
  });

  test('sends go through POST /api/messages from sse and from polling and arrive once, a repeated mid included', async () => {
    const { server: running } = await server({ websocket: true });
    const onSse = client(running.url, 'alice');
    const onPolling = client(running.url, 'dave', { transports: ['websocket', 'polling'] });
    const listener = client(running.url, 'carol');
    for (const c of [onSse, onPolling, listener]) c.connection.connect();
    await waitFor(() => openOn(onSse.connection, 'sse')() && openOn(onPolling.connection, 'polling')() && openOn(listener.connection, 'sse')(), 'all open', 8_000);
    for (let i = 0; i < 3; i++) assert.equal(onSse.connection.send('app.chat' as never, { text: `s${i}` } as never, { mid: `s-${i}` }), i === 0 ? 'sent' : 'queued');
    onSse.connection.send('app.chat' as never, { text: 's1 again' } as never, { mid: 's-1' });
    for (let i = 0; i < 3; i++) onPolling.connection.send('app.chat' as never, { text: `p${i}` } as never, { mid: `p-${i}` });
    onPolling.connection.send('app.chat' as never, { text: 'p2 again' } as never, { mid: 'p-2' });
    await waitFor(() => listener.chats.length >= 6 && onSse.connection.queued === 0 && onPolling.connection.queued === 0, 'six chats', 5_000);
    // A quiet spell in which a doubled message would show up.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const texts = listener.chats.map((frame) => (frame.payload as { text: string }).text);
    assert.deepEqual(texts.filter((text) => text.startsWith('s')), ['s0', 's1', 's2']);
    assert.deepEqual(texts.filter((text) => text.startsWith('p')), ['p0', 'p1', 'p2']);
  });

  for (const block of [{ websocket: true }, { websocket: true, sse: true }] as const) {
    const lower: Transport = block.sse ? 'polling' : 'sse';
    test(`climbs back to websocket from ${lower} when the block is lifted, nothing lost or doubled`, async () => {
      const first = await server(block);
      const port = first.server.port;
      const api = restApi(first.server.url);
      const c = client(first.server.url);
      c.connection.connect();
      await waitFor(openOn(c.connection, lower), `open on ${lower}`, 8_000);
      const published = await publish(api, 5, 'before');
      await waitFor(() => c.seqs.length === 5, 'first five', 5_000);
      await first.server.close();
      const second = await server(undefined, { port, dataDir: first.dataDir });
      const api2 = restApi(second.server.url);
      // Publish all through the climb, so events arrive on both rungs while they overlap.
      let publishing = true;
      const publisher = (async () => {
        while (publishing) {
          published.push(...(await publish(api2, 1, 'during')));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      await waitFor(openOn(c.connection, 'websocket'), 'back on websocket', 8_000);
      // At least six during the climb and after it, however fast the climb was on this machine.
      await waitFor(() => published.length > 15, 'six published through the climb', 5_000);
      publishing = false;
      await publisher;
      published.push(...(await publish(api2, 5, 'after')));
      assert.ok(published.length > 15, `published ${published.length}`);
      await waitFor(() => c.seqs.length >= published.length, 'all published', 5_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(c.seqs, published, 'each seq once, in order');
      assert.equal(c.transports.at(-1), 'websocket');
      assert.equal(c.transports[0], lower);
    });
  }
});
