import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { BATCH_PARAM, CloseCode, MAX_BATCH, PROTOCOL_VERSION, type Envelope, type ResumePayload, envelope, isUserId } from '../src/protocol/index.js';
import type { Access, AuthUser, TicketBook } from './access.js';
import type { Hub, VolatileMessage } from './hub.js';
import { DEFAULT_RATE_LIMIT, type MidCache, type RateLimit, TokenBucket } from './limits.js';
import { handleClientMessage, parseClientFrame } from './messages.js';
import type { Store } from './store.js';
import { Subscription, resetEnvelope, startPoint } from './subscription.js';

/** Least time between two batch frames to one client while events stream, in ms: about a frame. */
export const BATCH_WINDOW_MS = 16;

/** Settings and services of the `/ws` endpoint. */
export interface WsGatewayOptions {
  readonly hub: Hub;
  readonly store: Store;
  readonly access: Access;
  readonly tickets: TicketBook;
  readonly mids: MidCache;
  readonly maxFrameBytes: number;
  readonly heartbeatMs: number;
  /** Bytes a client may have queued before it is closed with 1013. */
  readonly maxBuffered: number;
  readonly rateLimit?: RateLimit;
  readonly log: (line: string) => void;
}

/** The `/ws` endpoint: hello, resume and replay, live events, app fan-out. */
export interface WsGateway {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  /** Closes every socket with 1001 and waits (briefly) for them to go. */
  close(): Promise<void>;
}

/** Answers an upgrade request with a plain HTTP error, before any WebSocket exists. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: { message: reason } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Closes what is still open after a short grace period, so shutdown stays under a second. */
export async function closeAll(sockets: Iterable<WebSocket>, code: number, reason: string, graceMs = 300): Promise<void> {
  const open = [...sockets];
  const closed = open.map(
    (socket) =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close(code, reason);
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([Promise.all(closed), grace]);
  clearTimeout(timer);
  for (const socket of open) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
}

/** Creates the `/ws` endpoint; the HTTP server hands it upgrade requests. */
export function createWsGateway(options: WsGatewayOptions): WsGateway {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, clientTracking: true });

  return {
    handleUpgrade(req, socket, head, url) {
      const ip = req.socket.remoteAddress ?? '-';
      if (!options.access.originAllowed(req)) {
        options.log(`ws refused status=403 origin=${req.headers.origin ?? '-'} ip=${ip}`);
        refuseUpgrade(socket, 403, 'Forbidden');
        return;
      }
      const ticket = url.searchParams.get('ticket');
      // Redeemed now (single use); a bad ticket is reported after the upgrade with 4001, which a
      // browser can read, unlike an HTTP status on a failed upgrade.
      const ticketUser = ticket ? options.tickets.redeem(ticket) : null;
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (ticket && !ticketUser) {
          options.log(`ws refused code=${CloseCode.TokenExpired} reason=ticket ip=${ip}`);
          ws.close(CloseCode.TokenExpired, 'ticket expired or unknown');
          return;
        }
        const named = options.access.demo ? url.searchParams.get('user') : null;
        const user: AuthUser | null = ticketUser ?? (isUserId(named) ? { id: named } : null);
        serveConnection(ws, user, ticketUser !== null, ip, options, url.searchParams.get(BATCH_PARAM) === '1');
      });
    },
    close: () => closeAll(wss.clients, CloseCode.GoingAway, 'server shutting down'),
  };
}

function serveConnection(
  ws: WebSocket,
  initialUser: AuthUser | null,
  userFixed: boolean,
  ip: string,
  options: WsGatewayOptions,
  batching: boolean,
): void {
  const { hub, log } = options;
  let user = initialUser;
  let subscription: Subscription | null = null;
  let resumed = false;
  let alive = true;
  const bucket = new TokenBucket(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  log(`ws open user=${user?.id ?? '-'} ip=${ip}`);

  const overflow = () => {
    log(`ws slow-consumer user=${user?.id ?? '-'} buffered=${ws.bufferedAmount}`);
    ws.close(CloseCode.TryAgainLater, 'client too slow');
  };
  const write = (text: string): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > options.maxBuffered) {
      overflow();
      return;
    }
    ws.send(text);
  };
  // Logged events published together (a burst, a replay batch) leave as one frame, a JSON array,
  // for clients that asked (`?batch=1`): one frame costs the browser one MessageEvent and one parse
  // instead of hundreds. Flushed on the next turn, or, in a stream, at most once per
  // BATCH_WINDOW_MS (a browser renders once per frame anyway); and before anything else is sent,
  // so order holds.
  let pending: string[] = [];
  let cancelFlush: (() => void) | null = null;
  let flushedAt = -Infinity;
  const flush = (): void => {
    cancelFlush?.();
    cancelFlush = null;
    if (pending.length === 0) return;
    const texts = pending;
    pending = [];
    flushedAt = performance.now();
    write(texts.length === 1 ? texts[0]! : `[${texts.join(',')}]`);
  };
  const scheduleFlush = (): void => {
    if (cancelFlush !== null) return;
    const wait = flushedAt + BATCH_WINDOW_MS - performance.now();
    if (wait > 1) {
      const timer = setTimeout(flush, wait);
      cancelFlush = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(flush);
      cancelFlush = () => clearImmediate(immediate);
    }
  };
  const sendText = (text: string): void => {
    flush();
    write(text);
  };
  const send = (message: Envelope): void => sendText(JSON.stringify(message));
  const sendEvent = (message: Envelope): void => {
    if (!batching) return send(message);
    pending.push(JSON.stringify(message));
    if (pending.length >= MAX_BATCH) flush();
    else scheduleFlush();
  };
  const sendError = (code: string, message: string) => send(envelope('sys.error', { code, message }));

  const stopVolatile = hub.onVolatile((message: VolatileMessage) => {
    if (!resumed || message.origin === ws) return;
    if (message.to !== null && message.to !== user?.id) return;
    sendText(message.text);
  });

  // Protocol-level pings find dead peers; browsers answer them even in hidden tabs.
  ws.on('pong', () => {
    alive = true;
  });
  const heartbeat = setInterval(() => {
    if (!alive) {
      log(`ws timeout user=${user?.id ?? '-'}`);
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, options.heartbeatMs * 2);

  const resume = (payload: ResumePayload) => {
    if (!userFixed && options.access.demo && payload.user) user = { id: payload.user };
    subscription?.stop();
    resumed = true;
    const start = startPoint(hub.log, payload.cursor);
    if (start.kind === 'reset') send(resetEnvelope(hub.log.epoch, start));
    const current = new Subscription({
      hub,
      user: user?.id ?? null,
      from: start.seq,
      maxBuffered: options.maxBuffered,
      sink: {
        send: sendEvent,
        buffered: () => ws.bufferedAmount,
        drained: () => waitForDrain(ws, options.maxBuffered / 8),
        overflow,
      },
    });
    subscription = current;
    void current.start();
  };

  ws.on('message', (data, isBinary) => {
    alive = true;
    if (!bucket.take()) {
      log(`ws rate-limited user=${user?.id ?? '-'}`);
      ws.close(CloseCode.RateLimited, 'too many messages');
      return;
    }
    if (isBinary) {
      sendError('invalid-frame', 'frames must be JSON text');
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      sendError('invalid-frame', 'frame is not valid JSON');
      return;
    }
    const parsed = parseClientFrame(json);
    if (!parsed.ok) {
      const { rejection } = parsed;
      if (rejection.kind === 'unknown-type') sendError('unknown-type', `unknown type ${rejection.type}`);
      else sendError('invalid-frame', rejection.field ? `${rejection.field}: ${rejection.message}` : rejection.message);
      return;
    }
    const message = parsed.envelope;
    if (message.type === 'sys.resume') return resume(message.payload);
    if (message.type === 'sys.ping') return send(envelope('sys.pong', {}));
    const result = handleClientMessage(message, { hub, store: options.store, mids: options.mids, user: user?.id ?? null, anonymousMaySend: options.access.demo, origin: ws });
    if (result.kind === 'refused') sendError(result.code, result.message);
  });

  ws.on('error', (error) => {
    log(`ws error user=${user?.id ?? '-'} message=${error.message}`);
  });
  ws.on('close', (code) => {
    clearInterval(heartbeat);
    cancelFlush?.();
    cancelFlush = null;
    pending = [];
    stopVolatile();
    subscription?.stop();
    subscription = null;
    log(`ws close code=${code} user=${user?.id ?? '-'}`);
  });

  send(
    envelope('sys.hello', {
      version: PROTOCOL_VERSION,
      epoch: hub.log.epoch,
      maxFrameBytes: options.maxFrameBytes,
      heartbeatMs: options.heartbeatMs,
      user: user ? { id: user.id, ...(user.name === undefined ? {} : { name: user.name }) } : null,
      seq: hub.log.head(),
    }),
  );
}

/** Resolves once the socket's queue is under `low` bytes, or it closed. */
function waitForDrain(ws: WebSocket, low: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount <= low) resolve();
      else setTimeout(check, 10);
    };
    check();
  });
}
