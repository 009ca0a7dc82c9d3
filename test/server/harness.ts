// Shared helpers for the reference-server tests: a real server on a free port with a temp dir,
// a real `ws` client that queues frames, and an SSE reader over fetch.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createParser } from 'eventsource-parser';
import WebSocket from 'ws';
import type { Envelope } from '../../src/protocol/index.js';
import { type RunningServer, type ServerOptions, startServer } from '../../server/app.js';

export interface TestServer {
  server: RunningServer;
  readonly dataDir: string;
  readonly lines: string[];
  readonly wsUrl: string;
  /** Closes and starts again on the same port and data directory. */
  restart(options?: Partial<ServerOptions>): Promise<void>;
  dispose(): Promise<void>;
}

export async function startTemp(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rt-server-test-'));
  const lines: string[] = [];
  const base: ServerOptions = { host: '127.0.0.1', port: 0, dataDir, demo: true, log: (line) => lines.push(line), ...options };
  let server = await startServer(base);
  const test: TestServer = {
    server,
    dataDir,
    lines,
    get wsUrl() {
      return `${test.server.url.replace(/^http/, 'ws')}/ws`;
    },
    async restart(more = {}) {
      const port = test.server.port;
      await test.server.close();
      server = await startServer({ ...base, port, ...more });
      test.server = server;
    },
    async dispose() {
      await test.server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}

type Frame = Envelope & { payload: Record<string, unknown> };

/** A `ws` client that keeps every frame in arrival order and can wait for the next one. */
export class Client {
  readonly frames: Frame[] = [];
  /** Raw text of every WebSocket frame, to see how envelopes were packed. */
  readonly raw: string[] = [];
  private read = 0;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly socket: WebSocket;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      // A batch frame (`?batch=1`) holds several envelopes, in order.
      const json = JSON.parse(text) as Frame | Frame[];
      this.frames.push(...(Array.isArray(json) ? json : [json]));
      this.wake();
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      this.socket.on('close', (code, reason) => {
        this.wake();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static async open(url: string, options?: WebSocket.ClientOptions): Promise<Client> {
    const client = new Client(url, options);
    await client.next('sys.hello');
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** The next unread frame (of `type`, skipping others when given). */
  async next(type?: string, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.frames.length) {
        const frame = this.frames[this.read++]!;
        if (!type || frame.type === type) return frame;
      }
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type ?? 'a frame'}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${type ?? 'a frame'}; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Reads `count` logged events. */
  async events(count: number): Promise<Frame[]> {
    const out: Frame[] = [];
    while (out.length < count) {
      const frame = await this.next();
      if (frame.seq !== undefined) out.push(frame);
    }
    return out;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  resume(payload: { cursor?: string; user?: string } = {}): void {
    this.send({ type: 'sys.resume', ts: Date.now(), payload });
  }

  /** Frames received but not yet read. */
  unread(): Frame[] {
    return this.frames.slice(this.read);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close();
    return this.closed;
  }
}

/** A ping round trip: once the pong is back, every earlier server frame has arrived too. */
export async function settle(client: Client): Promise<void> {
  client.send({ type: 'sys.ping', ts: Date.now(), payload: {} });
  // Not via next(): earlier unread frames must stay unread.
  const seen = client.frames.length;
  const deadline = Date.now() + 3000;
  while (!client.frames.slice(seen).some((f) => f.type === 'sys.pong')) {
    if (Date.now() > deadline) throw new Error('no pong');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  client.frames.splice(client.frames.findIndex((f, i) => i >= seen && f.type === 'sys.pong'), 1);
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function publishActivity(base: string, target = 'doc', headers: Record<string, string> = {}): Promise<{ seq: number; id: string }> {
  const res = await post(`${base}/api/activities`, { userName: 'Ada', action: 'edited', target }, headers);
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { seq: number; id: string };
}

export async function publishNotification(
  base: string,
  fields: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ seq: number; id: string }> {
  const res = await post(`${base}/api/notifications`, { level: 'info', title: 'Hi', message: 'there', ...fields }, headers);
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { seq: number; id: string };
}

export interface SseEvent {
  readonly event: string | undefined;
  readonly id: string | undefined;
  readonly data: Frame;
}

/** Reads an SSE stream over fetch, as the kit does. */
export class SseReader {
  readonly events: SseEvent[] = [];
  retry: number | null = null;
  comments = 0;
  status = 0;
  private readonly abort = new AbortController();
  private read = 0;
  private done: Promise<void> = Promise.resolve();

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader();
    const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: reader.abort.signal });
    reader.status = res.status;
    reader.contentType = res.headers.get('content-type');
    if (res.body) reader.done = reader.pump(res.body);
    return reader;
  }

  contentType: string | null = null;

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = createParser({
      onEvent: (event) => this.events.push({ event: event.event, id: event.id, data: JSON.parse(event.data) as Frame }),
      onRetry: (retry) => {
        this.retry = retry;
      },
      onComment: () => {
        this.comments += 1;
      },
    });
    const decoder = new TextDecoder();
    try {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // Aborted by close().
    }
  }

  async next(type?: string, timeoutMs = 3000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.events.length) {
        const event = this.events[this.read++]!;
        if (!type || event.event === type) return event;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for SSE ${type ?? 'event'}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/** Resolves once `check()` holds, re-checking on each `subscribe` notification; fails after 5 s. */
export function until(check: () => boolean, subscribe: (notify: () => void) => () => void, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, 5000);
    const unsubscribe = subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
