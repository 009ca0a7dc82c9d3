import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROTOCOL_VERSION, type Envelope, envelope, formatCursor } from '../src/protocol/index.js';
import type { AuthUser } from './access.js';
import type { Hub } from './hub.js';
import { Subscription, resetEnvelope, startPoint } from './subscription.js';

/** Settings of the SSE endpoint. */
export interface SseOptions {
  readonly hub: Hub;
  readonly maxFrameBytes: number;
  readonly heartbeatMs: number;
  /** Interval of `: ping` comments that keep proxies from closing an idle stream. */
  readonly commentMs: number;
  readonly maxBuffered: number;
  readonly log: (line: string) => void;
}

/** Open SSE responses, so shutdown can end them. */
export class SseStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly options: SseOptions) {}

  /**
   * `GET /api/events`. The first event is `sys.hello` whose `id:` is the starting cursor, so a
   * client that started fresh (and has seen no event yet) still reconnects with a cursor.
   */
  serve(req: IncomingMessage, res: ServerResponse, url: URL, user: AuthUser | null, headers: Record<string, string>): void {
    const { hub, log } = this.options;
    const cursorText = req.headers['last-event-id'] ?? url.searchParams.get('cursor');
    const start = startPoint(hub.log, Array.isArray(cursorText) ? cursorText[0] : cursorText);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...headers,
    });
    res.flushHeaders();
    const ip = req.socket.remoteAddress ?? '-';
    log(`sse open user=${user?.id ?? '-'} ip=${ip}`);
    this.open.add(res);
    const epoch = hub.log.epoch;
    const write = (message: Envelope, id: string | null) => {
      const idLine = id === null ? '' : `id: ${id}\n`;
      res.write(`event: ${message.type}\n${idLine}data: ${JSON.stringify(message)}\n\n`);
    };
    res.write('retry: 2000\n\n');
    write(
      envelope('sys.hello', {
        version: PROTOCOL_VERSION,
        epoch,
        maxFrameBytes: this.options.maxFrameBytes,
        heartbeatMs: this.options.heartbeatMs,
        user: user ? { id: user.id, ...(user.name === undefined ? {} : { name: user.name }) } : null,
        seq: hub.log.head(),
      }),
      formatCursor({ epoch, seq: start.seq }),
    );
    if (start.kind === 'reset') write(resetEnvelope(epoch, start), formatCursor({ epoch, seq: start.seq }));

    const subscription = new Subscription({
      hub,
      user: user?.id ?? null,
      from: start.seq,
      maxBuffered: this.options.maxBuffered,
      sink: {
        send: (message) => write(message, formatCursor({ epoch, seq: message.seq ?? 0 })),
        buffered: () => res.writableLength,
        drained: () =>
          new Promise((resolve) => {
            if (res.writableLength === 0 || res.destroyed) return resolve();
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          }),
        overflow: () => {
          log(`sse slow-consumer user=${user?.id ?? '-'}`);
          res.destroy();
        },
      },
    });
    void subscription.start();

    // Unlogged app messages carry no id, so they never move the client's Last-Event-ID.
    const stopVolatile = hub.onVolatile((message) => {
      if (message.to !== null && message.to !== user?.id) return;
      if (res.writableLength > this.options.maxBuffered) return;
      res.write(`event: ${message.type}\ndata: ${message.text}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), this.options.commentMs);
    res.on('close', () => {
      stopVolatile();
      clearInterval(ping);
      subscription.stop();
      this.open.delete(res);
      log(`sse close user=${user?.id ?? '-'}`);
    });
  }

  /** Ends every stream; clients reconnect with `Last-Event-ID`. */
  close(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
