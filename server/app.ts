import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { CloseCode, isDocumentId } from '../src/protocol/index.js';
import { Access, type Authenticate, TicketBook } from './access.js';
import { createCollabRooms } from './collab.js';
import { createLocalHub } from './hub.js';
import { HttpError, sendError } from './http-util.js';
import { MidCache, type RateLimit } from './limits.js';
import { handleRest, isApiPath } from './rest.js';
import { SseStreams } from './sse.js';
import { type StaticMount, serveStatic } from './static.js';
import { openStore } from './store.js';
import { closeAll, createWsGateway, refuseUpgrade } from './ws.js';

/** Auth hooks, re-exported for callers of `startServer`. */
export type { Authenticate, AuthUser } from './access.js';
export type { RateLimit } from './limits.js';

/** How to run the reference server. */
export interface ServerOptions {
  /** 0 = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** SQLite at `<dataDir>/realtime.db`, created when missing. */
  dataDir: string;
  /** Demo mode: no publish key needed from loopback; loopback origins allowed, with CORS. */
  demo?: boolean;
  /** `RT_PUBLISH_KEY`: `Authorization: Bearer <key>` lets a request publish. */
  publishKey?: string;
  /** `RT_ORIGINS` allowlist for CORS and WebSocket upgrades. */
  origins?: string[];
  /** Default 1_048_576; larger WebSocket frames close with 1009. */
  maxFrameBytes?: number;
  /** Default 25_000 (sent in `sys.hello`). */
  heartbeatMs?: number;
  /** Events kept in the log, default 10_000. */
  retain?: number;
  /** Serves this directory at `/`, `<repo>/dist` at `/dist/` and `<repo>/examples` at `/examples/`. */
  staticDir?: string;
  /** Where `/dist/` comes from; default `<repo>/dist`. */
  distDir?: string;
  /** One line per connection event, never a token; default stdout. */
  log?: (line: string) => void;
  /** Turns a bearer token into a user. Default in demo mode: any token is user `demo`; otherwise tokens are refused. */
  authenticate?: Authenticate;
  /** Per-WebSocket message rate; over it the socket closes with 4008. Default 200 burst, 100/s. */
  rateLimit?: RateLimit;
  /** Queued bytes after which a slow client is closed with 1013. Default 4 MB. */
  maxBufferedBytes?: number;
  /** Interval of SSE `: ping` comments, default 15_000. */
  sseCommentMs?: number;
  /**
   * For tests and demos of the client's fallback chain only: `websocket` refuses `/ws` upgrades with
   * HTTP 503, `sse` answers `GET /api/events` with 503. Everything else (REST, poll, messages, collab)
   * keeps working. Fixed for the server's lifetime; restart without it to lift the block.
   * CLI: `RT_BLOCK=websocket,sse`.
   */
  block?: { websocket?: boolean; sse?: boolean };
}

/** A started server. */
export interface RunningServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  port: number;
  host: string;
  /** Closes sockets (1001), streams, the port and the database, within about a second. */
  close(): Promise<void>;
  /**
   * In-process publish for benches and tests: appends to the log and fans out exactly as the
   * REST publish routes do, minus HTTP, validation and idempotency. `payload.id` (if a string)
   * becomes the item id. Returns the event's seq.
   */
  publish(type: string, payload: Record<string, unknown>, to?: string | null): number;
  /**
   * `publish` for many events in one SQLite transaction (one commit instead of one per event, so a
   * bench can sustain 10,000 events a second); each is still fanned out in order as it is appended.
   * Returns their seqs.
   */
  publishBatch(events: readonly { type: string; payload: Record<string, unknown>; to?: string | null }[]): number[];
  /**
   * Connections open right now: `/ws` sockets and `GET /api/events` streams (from the upgrade or
   * request until the socket or response closes). For tests and benches, e.g. counting how many
   * connections a browser's tabs hold.
   */
  connections(): { websocket: number; sse: number };
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function defaultLog(line: string): void {
  process.stdout.write(`${line}\n`);
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the reference server; rejects (with the listen error, e.g. EADDRINUSE) when the port is taken. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? defaultLog;
  const maxFrameBytes = options.maxFrameBytes ?? 1_048_576;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const demo = options.demo ?? false;
  const block = { websocket: options.block?.websocket === true, sse: options.block?.sse === true };

  const store = openStore({ dataDir: options.dataDir, retain: Math.max(1, options.retain ?? 10_000) });
  const hub = createLocalHub(store);
  const access = new Access({ demo, host, publishKey: options.publishKey || undefined, origins: options.origins ?? [], authenticate: options.authenticate });
  const tickets = new TicketBook();
  const mids = new MidCache();
  const collab = createCollabRooms({ db: store.db, log });
  const sse = new SseStreams({ hub, maxFrameBytes, heartbeatMs, commentMs: options.sseCommentMs ?? 15_000, maxBuffered, log });
  const gateway = createWsGateway({ hub, store, access, tickets, mids, maxFrameBytes, heartbeatMs, maxBuffered, rateLimit: options.rateLimit, log });
  const collabWss = new WebSocketServer({ noServer: true, maxPayload: Math.max(maxFrameBytes, 16 * 1024 * 1024), clientTracking: true });
  const mounts: StaticMount[] = options.staticDir
    ? [
        { prefix: '/dist/', dir: options.distDir ?? path.join(REPO_ROOT, 'dist') },
        { prefix: '/examples/', dir: path.join(REPO_ROOT, 'examples') },
        { prefix: '/', dir: options.staticDir },
      ]
    : [];
  const context = { hub, store, access, tickets, mids, collab, sse, log };
  // Counted here, outside the endpoints, so the count covers every way a connection ends.
  const live = { websocket: new Set<unknown>(), sse: new Set<unknown>() };
  const track = (set: Set<unknown>, item: { once(event: 'close', listener: () => void): unknown }): void => {
    set.add(item);
    item.once('close', () => set.delete(item));
  };

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (!origin || !access.originAllowed(req)) return {};
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'Idempotent-Replayed',
      Vary: 'Origin',
    };
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = corsHeaders(req);
    try {
      if (isApiPath(url.pathname)) {
        if (url.pathname === '/api/events' && req.method === 'GET') track(live.sse, res);
        if (!access.originAllowed(req)) throw new HttpError(403, 'origin not allowed');
        if (block.sse && url.pathname === '/api/events' && req.method !== 'OPTIONS') {
          log('sse refused status=503 reason=blocked');
          throw new HttpError(503, 'event stream blocked (test option)');
        }
        if (req.method === 'OPTIONS') {
          res.writeHead(204, {
            ...headers,
            'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
            'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-RT-User, Last-Event-ID, Idempotency-Key',
            'Access-Control-Max-Age': '600',
          });
          res.end();
          return;
        }
        await handleRest(req, res, url, context, headers);
        return;
      }
      if (await serveStatic(req, res, url, mounts)) return;
      throw new HttpError(404, `not found: ${url.pathname}`);
    } catch (error) {
      if (error instanceof HttpError) {
        sendError(res, new HttpError(error.status, error.message, error.field, { ...headers, ...error.headers }));
        if (error.status === 413) req.resume();
        return;
      }
      log(`http error path=${url.pathname} message=${error instanceof Error ? error.message : String(error)}`);
      sendError(res, new HttpError(500, 'internal error', undefined, headers));
    }
  };

  const server = createServer((req, res) => void onRequest(req, res));
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ws') {
      if (block.websocket) {
        log('ws refused status=503 reason=blocked');
        refuseUpgrade(socket, 503, 'Service Unavailable');
        return;
      }
      track(live.websocket, socket);
      gateway.handleUpgrade(req, socket, head, url);
      return;
    }
    const collabMatch = /^\/collab\/([^/]+)$/.exec(url.pathname);
    if (collabMatch) {
      if (!access.originAllowed(req)) {
        log(`collab refused status=403 origin=${req.headers.origin ?? '-'}`);
        refuseUpgrade(socket, 403, 'Forbidden');
        return;
      }
      let docId: string;
      try {
        docId = decodeURIComponent(collabMatch[1]!);
      } catch {
        docId = '';
      }
      // The same ids as GET /api/documents/<id>: every room name is also a database key.
      if (!isDocumentId(docId)) {
        log('collab refused status=400 reason=document-id');
        refuseUpgrade(socket, 400, 'Bad Request');
        return;
      }
      collabWss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => {});
        collab.handleConnection(ws, docId);
      });
      return;
    }
    refuseUpgrade(socket, 404, 'Not Found');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    collab.close();
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      sse.close();
      // The rooms first, so they can flush document state; any socket they leave is closed below.
      try {
        collab.close();
      } catch (error) {
        log(`collab close failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await Promise.all([gateway.close(), closeAll(collabWss.clients, CloseCode.GoingAway, 'server shutting down')]);
      // Keep-alive connections would hold the port open past the shutdown deadline.
      server.closeAllConnections();
      await stopped;
      store.close();
    })();
    return closing;
  };

  const publish = (type: string, payload: Record<string, unknown>, to: string | null = null): number =>
    hub.publish({ type, payload, to, itemId: typeof payload.id === 'string' ? payload.id : null }).seq;

  const publishBatch = store.db.transaction((events: readonly { type: string; payload: Record<string, unknown>; to?: string | null }[]): number[] =>
    events.map((event) => publish(event.type, event.payload, event.to ?? null)),
  );

  const connections = () => ({ websocket: live.websocket.size, sse: live.sse.size });

  return { url: `http://${formatHost(host)}:${port}`, port, host, close, publish, publishBatch: (events) => publishBatch(events), connections };
}
