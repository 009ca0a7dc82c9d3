import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { Client, settle, startTemp } from './harness.js';

test('outside demo mode an anonymous socket may read but may not speak as anyone in presence or to any user', async () => {
  const strict = await startTemp({ demo: false, authenticate: () => null });
  try {
    const mallory = await Client.open(strict.wsUrl);
    const bob = await Client.open(strict.wsUrl);
    mallory.resume();
    bob.resume();
    await settle(bob);
    mallory.send({ type: 'app.chat', ts: Date.now(), mid: 'm-1', payload: { to: 'bob', text: 'hi from alice' } });
    mallory.send({ type: 'presence.update', ts: Date.now(), payload: { userId: 'alice', status: 'online' } });
    const first = await mallory.next('sys.error');
    const second = await mallory.next('sys.error');
    assert.deepEqual([first.payload, second.payload].map((payload) => (payload as { code: string }).code), ['no-user', 'no-user']);
    await settle(bob);
    assert.deepEqual(bob.unread().filter((frame) => frame.type !== 'sys.pong').map((frame) => frame.type), []);
    await mallory.close();
    await bob.close();
  } finally {
    await strict.dispose();
  }
});

test('collab refuses a document id outside the documented alphabet with 400, as GET /api/documents does', async () => {
  const t = await startTemp();
  try {
    for (const bad of ['bad%20id', '%0Aline', encodeURIComponent('x'.repeat(201))]) {
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${t.wsUrl.replace(/\/ws$/, '')}/collab/${bad}`);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', () => {});
      });
      assert.equal(status, 400, bad);
    }
    const document = await fetch(`${t.server.url}/api/documents/bad%20id`);
    assert.equal(document.status, 400);
  } finally {
    await t.dispose();
  }
});

test('a user id with control characters never becomes a user, so it cannot forge log lines', async () => {
  const t = await startTemp();
  try {
    const named = await Client.open(`${t.wsUrl}?user=${encodeURIComponent('eve\nws open user=admin')}`);
    assert.equal((named.frames[0]!.payload as { user: unknown }).user, null);
    named.resume({ user: 'eve\rws open user=admin' });
    const error = await named.next('sys.error');
    assert.match((error.payload as { message: string }).message, /user/);
    await named.close();
    assert.ok(t.lines.every((line) => !line.includes('\n') && !line.includes('\r')), 'one line per event');
    assert.ok(!t.lines.some((line) => line.startsWith('ws open user=admin')), 'no forged line');
  } finally {
    await t.dispose();
  }
});
