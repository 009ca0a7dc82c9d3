// Against the reference server with WebSocket blocked: a page's own app message posted from SSE
// comes back on its stream (the server cannot tell HTTP posters apart) and must not be delivered.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WS from 'ws';
import { startServer } from '../../server/app.js';
import type { AnyEnvelope, AppTypeRegistry } from '../../src/protocol/index.js';
import { FallbackConnection } from '../../src/services/fallback-connection.js';
import { waitFor } from './wire.js';

const appTypes: AppTypeRegistry = new Map([['app.chat', { validate: (input: unknown) => ({ ok: true as const, value: input }) }]]);

describe('FallbackConnection over SSE against the reference server', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const done of cleanup.splice(0).reverse()) await done();
  });

  test('a sent app message reaches another connection but is not echoed to the sender', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-outbox-echo-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, demo: true, log: () => {}, block: { websocket: true } });
    cleanup.push(() => server.close());
    const client = (user: string) => {
      const connection = new FallbackConnection({
        url: '/ws',
        baseUrl: server.url,
        user: { id: user },
        appTypes,
        WebSocket: WS as unknown as typeof WebSocket,
        backoff: { baseMs: 20, maxMs: 150 },
        stepDownAfter: 1,
        stepDownMs: 1_000,
        probeMs: 60_000,
      });
      const chats: string[] = [];
      connection.on('app.chat' as never, (frame: AnyEnvelope) => chats.push((frame.payload as { text: string }).text));
      cleanup.push(() => connection.close());
      connection.connect();
      return { connection, chats };
    };
    const alice = client('alice');
    const bob = client('bob');
    const onSse = (c: FallbackConnection) => c.status.state === 'open' && c.status.transport === 'sse';
    await waitFor(() => onSse(alice.connection) && onSse(bob.connection), 'both on sse', 8_000);
    alice.connection.send('app.chat' as never, { text: 'from alice' } as never);
    bob.connection.send('app.chat' as never, { text: 'from bob' } as never);
    await waitFor(() => alice.chats.length >= 1 && bob.chats.length >= 1 && alice.connection.queued === 0, 'each hears the other', 5_000);
    // A quiet spell in which a late echo would show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(alice.chats, ['from bob']);
    assert.deepEqual(bob.chats, ['from alice']);
  });
});
