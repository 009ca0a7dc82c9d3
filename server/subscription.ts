import { type Envelope, envelope, parseCursor } from '../src/protocol/index.js';
import type { EventLog, Hub } from './hub.js';
import type { LoggedEvent } from './store.js';

/** Where a subscription starts, decided from the client's cursor. */
export type StartPoint =
  | { readonly kind: 'replay'; readonly seq: number }
  | { readonly kind: 'fresh'; readonly seq: number }
  | { readonly kind: 'reset'; readonly seq: number; readonly reason: string };

/**
 * A cursor of this epoch within the retained log replays; no cursor or another epoch starts fresh
 * from the head (not a gap); a cursor older than the retained log, or ahead of it, is a reset.
 */
export function startPoint(log: EventLog, cursorText: string | null | undefined): StartPoint {
  const head = log.head();
  const cursor = parseCursor(cursorText ?? null);
  if (!cursor || cursor.epoch !== log.epoch) return { kind: 'fresh', seq: head };
  if (cursor.seq > head) return { kind: 'reset', seq: head, reason: 'cursor is ahead of the log' };
  if (cursor.seq < log.oldest() - 1) return { kind: 'reset', seq: head, reason: 'cursor is older than the retained log' };
  return { kind: 'replay', seq: cursor.seq };
}

/** Whether `user` may receive an event. */
export function visibleTo(event: LoggedEvent, user: string | null): boolean {
  return event.to === null || event.to === user;
}

/** The envelope for a logged event on a subscription whose previous delivered seq was `prev`. */
export function toEnvelope(event: LoggedEvent, prev: number): Envelope {
  return { type: event.type, seq: event.seq, prev, ts: event.ts, payload: event.payload } as Envelope;
}

/** The `sys.reset` envelope for a reset start point. */
export function resetEnvelope(epoch: string, start: StartPoint & { kind: 'reset' }): Envelope {
  return envelope('sys.reset', { epoch, seq: start.seq, reason: start.reason });
}

/** How a transport receives the events of one subscription. */
export interface SubscriptionSink {
  /** Delivers one logged event as an envelope. */
  send(envelope: Envelope): void;
  /** Bytes queued but not yet written; used for backpressure during replay and the slow-consumer bound. */
  buffered(): number;
  /** Resolves when the transport has room again (or is closed). */
  drained(): Promise<void>;
  /** The client cannot keep up: the transport closes it (rather than skip events). */
  overflow(): void;
}

/** One subscriber: whose events, from where, through which sink. */
export interface SubscriptionOptions {
  readonly hub: Hub;
  readonly user: string | null;
  /** The last seq the client has (replay) or the head (fresh start and reset). */
  readonly from: number;
  readonly sink: SubscriptionSink;
  /** Live delivery stops and `overflow()` is called beyond this many buffered bytes. */
  readonly maxBuffered: number;
  readonly batchSize?: number;
}

/**
 * Replays the log after `from` in batches (waiting for the transport to drain between them), then
 * switches to live events in the same tick as the last read, so nothing published in between is
 * lost. `prev` chains only the events this user receives, so filtered events make no false gaps.
 */
export class Subscription {
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  /** Last log seq looked at (delivered or filtered out). */
  private position: number;
  /** Last seq delivered on this subscription. */
  private prev: number;

  constructor(private readonly options: SubscriptionOptions) {
    this.position = options.from;
    this.prev = options.from;
  }

  /** Starts replay; resolves once live (or stopped). */
  async start(): Promise<void> {
    const { hub, sink } = this.options;
    const batchSize = this.options.batchSize ?? 500;
    for (;;) {
      if (this.stopped) return;
      const batch = hub.log.after(this.position, batchSize);
      for (const event of batch) this.deliver(event);
      if (batch.length < batchSize) break;
      if (sink.buffered() > this.options.maxBuffered / 4) await sink.drained();
    }
    if (this.stopped) return;
    this.unsubscribe = hub.subscribe((event) => {
      if (this.stopped || event.seq <= this.position) return;
      if (this.options.sink.buffered() > this.options.maxBuffered) {
        this.stop();
        this.options.sink.overflow();
        return;
      }
      this.deliver(event);
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private deliver(event: LoggedEvent): void {
    this.position = event.seq;
    if (!visibleTo(event, this.options.user)) return;
    this.options.sink.send(toEnvelope(event, this.prev));
    this.prev = event.seq;
  }
}
