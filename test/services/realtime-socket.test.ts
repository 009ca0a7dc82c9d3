// The services in a real browser (Chromium) against a real reference server: the browser's own
// WebSocket, fetch streams and partysocket's browser event path.
import { expect, waitUntil } from '@open-wc/testing';
import { startTestServer, type TestServer } from '../support/server.js';
import { EventStream } from '../../src/services/event-stream.js';
import { RealtimeSocket } from '../../src/services/realtime-socket.js';
import { RestApi } from '../../src/services/rest-api.js';
import type { ConnectionStatus } from '../../src/services/types.js';
import type { AnyEnvelope } from '../../src/protocol/index.js';

describe('services in the browser', () => {
  let server: TestServer;
  const cleanup: (() => void)[] = [];

  beforeEach(async () => {
    server = await startTestServer();
  });

  afterEach(async () => {
    for (const done of cleanup.splice(0)) done();
    await server.dispose();
  });

  function socket() {
    const created = new RealtimeSocket({ url: server.wsUrl + '/ws', user: { id: 'browser-user' }, backoff: { baseMs: 50, maxMs: 200 } });
    const statuses: ConnectionStatus[] = [];
    const delivered: AnyEnvelope[] = [];
    created.onStatus((status) => statuses.push(status));
    created.onAny((frame) => delivered.push(frame));
    cleanup.push(() => created.close());
    return { socket: created, statuses, delivered };
  }

  it('opens after hello and receives a published activity over WebSocket and SSE', async () => {
    const { socket: ws, delivered } = socket();
    const stream = new EventStream({ url: server.url + '/api/events', user: { id: 'browser-user' } });
    const streamed: AnyEnvelope[] = [];
    stream.onAny((frame) => streamed.push(frame));
    cleanup.push(() => stream.close());
    ws.connect();
    stream.connect();
    await waitUntil(() => ws.status.state === 'open' && stream.status.state === 'open', 'both open', { timeout: 5000 });
    const created = await new RestApi({ base: server.url + '/api', userId: 'browser-user' }).publishActivity({
      userName: 'Ada',
      action: 'opened',
      target: 'the browser test',
    });
    await waitUntil(() => delivered.some((frame) => frame.seq === created.seq) && streamed.some((frame) => frame.seq === created.seq), 'delivered', {
      timeout: 5000,
    });
    expect(ws.cursor).to.equal(stream.cursor);
  });

  it('goes reconnecting with a numeric close code when the server restarts, then opens again', async () => {
    const { socket: ws, statuses } = socket();
    ws.connect();
    await waitUntil(() => ws.status.state === 'open', 'open', { timeout: 5000 });
    await server.restart();
    await waitUntil(() => statuses.some((status) => status.state === 'reconnecting'), 'reconnecting', { timeout: 5000 });
    await waitUntil(() => ws.status.state === 'open', 'open again', { timeout: 10000 });
    for (const status of statuses) {
      expect(status.code === null || typeof status.code === 'number').to.equal(true);
      expect(status.reason === null || typeof status.reason === 'string').to.equal(true);
    }
  });

  it('keeps retrying with growing attempts while the server is down, and stops when closed', async () => {
    const { socket: ws, statuses } = socket();
    ws.connect();
    await waitUntil(() => ws.status.state === 'open', 'open', { timeout: 5000 });
    await server.stop();
    await waitUntil(() => ws.status.attempt >= 3, 'three failed attempts', { timeout: 10000 });
    expect(ws.status.state).to.equal('reconnecting');
    expect(statuses.every((status) => status.code === null || typeof status.code === 'number')).to.equal(true);
    ws.close();
    expect(ws.status.state).to.equal('closed');
  });
});
