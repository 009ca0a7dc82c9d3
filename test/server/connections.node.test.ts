// RunningServer.connections(): the live count of `/ws` sockets and `/api/events` streams.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, SseReader, type TestServer, startTemp } from './harness.js';
import { waitFor } from '../services/wire.js';

/** The server learns of a close a moment after the client, so wait for the count. */
async function countBecomes(t: TestServer, want: { websocket: number; sse: number }): Promise<void> {
  const matches = () => {
    const now = t.server.connections();
    return now.websocket === want.websocket && now.sse === want.sse;
  };
  await waitFor(matches, `connections ${JSON.stringify(want)}`, 5000).catch(() => assert.deepEqual(t.server.connections(), want));
}

describe('RunningServer.connections()', () => {
  let t: TestServer;
  before(async () => {
    t = await startTemp();
  });
  after(async () => {
    await t.dispose();
  });

  test('counts open WebSockets and event streams, and forgets them when they close', async () => {
    assert.deepEqual(t.server.connections(), { websocket: 0, sse: 0 });
    const one = await Client.open(t.wsUrl);
    const two = await Client.open(t.wsUrl);
    const stream = await SseReader.open(`${t.server.url}/api/events`);
    await stream.next('sys.hello');
    assert.deepEqual(t.server.connections(), { websocket: 2, sse: 1 });
    await one.close();
    await stream.close();
    await countBecomes(t, { websocket: 1, sse: 0 });
    await two.close();
    await countBecomes(t, { websocket: 0, sse: 0 });
  });
});
