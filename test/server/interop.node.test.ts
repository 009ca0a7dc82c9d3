import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { docs, setupWSConnection } from '@y/websocket-server/utils';
import { startServer } from '../../server/app.js';
import { CollabSession } from '../../src/services/collab-session.js';
import type { CollabSyncState } from '../../src/context/collab.js';
import { until } from './harness.js';

// Interop both ways: our client against the stock y-websocket server, and the stock y-websocket
// client against our reference server.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


const docTextIs = (doc: Y.Doc, expected: string, who: string) =>
  until(
    () => doc.getText('content').toString() === expected,
    (notify) => {
      doc.on('update', notify);
      return () => doc.off('update', notify);
    },
    `${who} to read ${JSON.stringify(expected)}`,
  );

/** A stock `@y/websocket-server` (its `setupWSConnection`) behind a `ws` server on 127.0.0.1:0. */
async function startStockServer(): Promise<{ url: string }> {
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (conn, req) => {
    // The room is the last path segment, as the provider appends it (URL-encoded).
    const docName = decodeURIComponent((req.url ?? '').split('?')[0]!.split('/').pop() ?? '');
    setupWSConnection(conn, req, { docName });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  assert.ok(address && typeof address === 'object');
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
    // The stock server keeps its rooms in a module-wide map; destroying a room stops its awareness timer.
    for (const [name, doc] of docs) {
      docs.delete(name);
      doc.destroy();
    }
  });
  return { url: `ws://127.0.0.1:${address.port}/collab` };
}

describe('interop: CollabSession with a stock @y/websocket-server', () => {
  test('two sessions converge through it and reach "synced", never "saved"', async () => {
    const { url } = await startStockServer();
    const documentId = `interop-${Date.now().toString(36)}`;
    const states: CollabSyncState[] = [];
    const open = (name: string) => {
      const session = new CollabSession({
        url,
        documentId,
        user: { id: `u-${name}`, name, color: '#336699' },
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      });
      const unsubscribe = session.onStatus((status) => states.push(status.state));
      cleanups.push(() => {
        unsubscribe();
        session.destroy();
      });
      return session;
    };
    const a = open('Ada');
    const b = open('Bob');
    const synced = (session: CollabSession) =>
      until(
        () => session.status.state === 'synced',
        (notify) => session.onStatus(notify),
        `${session.awareness.getLocalState()?.['user']?.name ?? 'session'} to be synced`,
      );
    await Promise.all([synced(a), synced(b)]);

    a.text.insert(0, 'hello');
    await docTextIs(b.doc, 'hello', 'Bob');
    // Concurrent edits on both sides merge the same way everywhere.
    b.text.insert(5, ' world');
    a.text.insert(0, '> ');
    await Promise.all([docTextIs(a.doc, '> hello world', 'Ada'), docTextIs(b.doc, '> hello world', 'Bob')]);

    // Presence works through it too.
    await until(
      () => a.peers().some((peer) => peer.name === 'Bob'),
      (notify) => {
        a.awareness.on('change', notify);
        return () => a.awareness.off('change', notify);
      },
      'Ada to see Bob',
    );
    assert.equal(a.status.state, 'synced');
    assert.equal(b.status.state, 'synced');
    assert.ok(!states.includes('saved'), `a server that confirms nothing never reads as saved: ${states.join(',')}`);
  });
});

describe('interop: y-websocket WebsocketProvider with the reference server', () => {
  test('two providers converge and GET /api/documents/<id> returns the text', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rt-interop-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, demo: true, log: () => {} });
    cleanups.push(() => server.close());
    const url = `${server.url.replace(/^http/, 'ws')}/collab`;
    const id = 'interop-doc';
    const open = () => {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(url, id, doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        disableBc: true,
      });
      cleanups.push(() => {
        provider.destroy();
        doc.destroy();
      });
      return { doc, provider };
    };
    const a = open();
    const b = open();
    const synced = (provider: WebsocketProvider) =>
      until(
        () => provider.synced,
        (notify) => {
          provider.on('sync', notify);
          return () => provider.off('sync', notify);
        },
        'provider to sync',
      );
    await Promise.all([synced(a.provider), synced(b.provider)]);

    a.doc.getText('content').insert(0, 'abc');
    await docTextIs(b.doc, 'abc', 'b');
    b.doc.getText('content').insert(3, 'def');
    a.doc.getText('content').insert(0, '>');
    await Promise.all([docTextIs(a.doc, '>abcdef', 'a'), docTextIs(b.doc, '>abcdef', 'b')]);

    // The server stores what it received; poll briefly since storing is per tick, not per request.
    const deadline = Date.now() + 5000;
    let body: { id?: unknown; text?: unknown; updatedAt?: unknown } = {};
    for (;;) {
      const response = await fetch(`${server.url}/api/documents/${id}`);
      assert.equal(response.status, 200);
      body = (await response.json()) as typeof body;
      if (body.text === '>abcdef' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(body.id, id);
    assert.equal(body.text, '>abcdef');
    assert.equal(typeof body.updatedAt, 'number');
  });
});
