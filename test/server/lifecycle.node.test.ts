import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CloseCode, formatCursor } from '../../src/protocol/index.js';
import { Client, SseReader, publishActivity, settle, startTemp } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Resolves when the port can be bound again (the server really let it go). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

test('C08: a restart on the same data dir keeps the epoch and seqs, and a client resumes without loss', async () => {
  const t = await startTemp();
  try {
    const a = await publishActivity(t.server.url);
    const client = await Client.open(t.wsUrl);
    const { epoch } = client.frames[0]!.payload as { epoch: string };
    client.resume();
    const b = await publishActivity(t.server.url);
    await client.next('activity.new');
    await t.restart();
    assert.equal((await client.closed).code, CloseCode.GoingAway);

    const health = (await (await fetch(`${t.server.url}/healthz`)).json()) as { epoch: string; seq: number };
    assert.equal(health.epoch, epoch);
    assert.equal(health.seq, b.seq);
    const c = await publishActivity(t.server.url);
    assert.equal(c.seq, b.seq + 1, 'seq keeps growing across restarts');
    const again = await Client.open(t.wsUrl);
    again.resume({ cursor: formatCursor({ epoch, seq: b.seq }) });
    const event = await again.next('activity.new');
    assert.deepEqual([event.seq, event.prev], [c.seq, b.seq]);
    const page = (await (await fetch(`${t.server.url}/api/activities`)).json()) as { items: { seq: number }[] };
    assert.deepEqual(page.items.map((i) => i.seq), [c.seq, b.seq, a.seq]);
    await again.close();
  } finally {
    await t.dispose();
  }
});

test('C08: a fresh data dir is a new epoch', async () => {
  const one = await startTemp();
  const two = await startTemp();
  try {
    const e1 = ((await (await fetch(`${one.server.url}/healthz`)).json()) as { epoch: string }).epoch;
    const e2 = ((await (await fetch(`${two.server.url}/healthz`)).json()) as { epoch: string }).epoch;
    assert.notEqual(e1, e2);
    assert.ok(!e1.includes(':'));
  } finally {
    await one.dispose();
    await two.dispose();
  }
});

test('close() ends sockets with 1001 and streams, frees the port within a second', async () => {
  const t = await startTemp();
  const port = t.server.port;
  const client = await Client.open(t.wsUrl);
  client.resume();
  await settle(client);
  const stream = await SseReader.open(`${t.server.url}/api/events`);
  await stream.next('sys.hello');
  // A keep-alive HTTP connection must not hold the port either.
  await (await fetch(`${t.server.url}/healthz`)).text();
  const started = Date.now();
  await t.server.close();
  const elapsed = Date.now() - started;
  assert.ok(elapsed < 1000, `closed in ${elapsed} ms`);
  assert.equal((await client.closed).code, CloseCode.GoingAway);
  assert.ok(await canListen(port), 'the port is free');
  await stream.close();
  await t.dispose();
});

test('startServer rejects with EADDRINUSE when the port is taken', async () => {
  const t = await startTemp();
  try {
    const { startServer } = await import('../../server/app.js');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-busy-'));
    await assert.rejects(startServer({ port: t.server.port, dataDir, log: () => {} }), { code: 'EADDRINUSE' });
    await rm(dataDir, { recursive: true, force: true });
  } finally {
    await t.dispose();
  }
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runMain(env: Record<string, string>, args: string[] = [], onStdout?: (text: string, stop: () => void) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('main.ts: a busy port prints one clear line and exits 1', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as { port: number }).port;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-main-'));
  try {
    const run = await runMain({ PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' }, ['--demo']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim(), `port ${port} is busy: set PORT to another port`);
  } finally {
    holder.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('main.ts: prints its address, serves, and shuts down on SIGTERM with the port freed', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-main-'));
  let url = '';
  let health = 0;
  try {
    const run = await runMain({ PORT: '0', DATA_DIR: dataDir, HOST: '127.0.0.1' }, ['--demo'], (text, stop) => {
      const match = /realtime-elements reference server on (http:\/\/127\.0\.0\.1:\d+)\/ \(demo mode\)/.exec(text);
      if (match && !url) {
        url = match[1]!;
        void fetch(`${url}/healthz`).then((res) => {
          health = res.status;
          stop();
        });
      }
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(health, 200);
    assert.ok(await canListen(Number(new URL(url).port)));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
