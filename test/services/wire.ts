// A tiny stand-in for the reference server's WebSocket side, for wire tests: hello on connect,
// records every frame, tickets over HTTP, and knobs to refuse, close or script replies.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';

export interface WireClient {
  readonly url: string;
  readonly frames: Record<string, unknown>[];
  readonly socket: ServerSocket;
  send(frame: object): void;
  close(code?: number, reason?: string): void;
}

export interface WireOptions {
  epoch?: string;
  seq?: number;
  maxFrameBytes?: number;
  heartbeatMs?: number;
}

export interface Wire {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly clients: WireClient[];
  /** Tokens seen by `POST /api/tickets`, in order. */
  readonly tickets: { token: string | null; user: string | null }[];
  /** When set, new sockets are closed at once with this code (the server "refuses"). */
  refuseWith: number | null;
  /** Tokens the ticket endpoint answers 401 for. */
  readonly expiredTokens: Set<string>;
  options: WireOptions;
  /** Called on every frame a client sends, after it is recorded. */
  onFrame: ((client: WireClient, frame: Record<string, unknown>) => void) | null;
  /** Every frame of every client, in arrival order. */
  readonly all: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startWire(options: WireOptions = {}): Promise<Wire> {
  const http: Server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/api/tickets') {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
      const user = (request.headers['x-rt-user'] as string | undefined) ?? null;
      wire.tickets.push({ token, user });
      if (!token || wire.expiredTokens.has(token)) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'expired' } }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ticket: `ticket-for-${token}` }));
      return;
    }
    response.writeHead(404).end();
  });
  const server = new WebSocketServer({ server: http, path: '/ws' });
  const wire: Wire = {
    httpUrl: '',
    wsUrl: '',
    clients: [],
    tickets: [],
    refuseWith: null,
    expiredTokens: new Set(),
    options,
    onFrame: null,
    all: [],
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  server.on('connection', (socket: ServerSocket, request: IncomingMessage) => {
    if (wire.refuseWith !== null) {
      socket.close(wire.refuseWith, 'refused');
      return;
    }
    const client: WireClient = {
      url: request.url ?? '',
      frames: [],
      socket,
      send: (frame) => socket.send(JSON.stringify(frame)),
      close: (code = 1001, reason = '') => socket.close(code, reason),
    };
    wire.clients.push(client);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Record<string, unknown>;
      client.frames.push(frame);
      wire.all.push(frame);
      wire.onFrame?.(client, frame);
    });
    const o = wire.options;
    client.send({
      type: 'sys.hello',
      ts: Date.now(),
      payload: {
        version: 1,
        epoch: o.epoch ?? 'e1',
        maxFrameBytes: o.maxFrameBytes ?? 1_048_576,
        heartbeatMs: o.heartbeatMs ?? 25_000,
        user: null,
        seq: o.seq ?? 0,
      },
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  Object.assign(wire, { httpUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws` });
  return wire;
}

/** Polls `check` on real timers until it holds; fails with `message` after `timeoutMs`. */
export async function waitFor(check: () => boolean, message = 'condition', timeoutMs = 4_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A seeded PRNG (mulberry32), so jitter tests are repeatable. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
