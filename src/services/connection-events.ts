import { type AnyEnvelope, type AppTypeRegistry, type Envelope, type MessageType, type ParsedFrame, envelope, parseEnvelope, parseFrame } from '../protocol/index.js';
import { Emitter } from './emitter.js';
import { type ConnectionStatus, type Logger, type RealtimeErrorDetail, type Transport, type Unsubscribe, IDLE_STATUS } from './types.js';

/** Some fields of a {@link ConnectionStatus} to change; the rest stay as they are. */
export type StatusChange = Partial<{ -readonly [K in keyof ConnectionStatus]: ConnectionStatus[K] }>;

interface CoreEvents {
  status: ConnectionStatus;
  error: RealtimeErrorDetail;
  reset: undefined;
  envelope: AnyEnvelope;
}

/**
 * `reason` of the `sys.reset` a transport makes up itself when the server reports another epoch
 * than the one it knew (the server's log was replaced, e.g. a new data directory). The server
 * never sends one for that: a cursor of another epoch is simply a fresh start there.
 */
export const EPOCH_CHANGED = 'epoch-changed';

/** Options of {@link ConnectionEvents}. */
export interface ConnectionEventsOptions {
  /** Stamped on every status snapshot. */
  readonly transport: Transport;
  /** Prefix of log lines, e.g. `realtime-socket`. */
  readonly name: string;
  /** What one inbound unit is called in log lines, e.g. `a frame`. */
  readonly unit: string;
  readonly logger: Logger;
}

/**
 * The outward face the connection services share: the status snapshot (emitted only when a shown
 * fact changes), the subscriptions of `RealtimeConnection`, delivery of validated envelopes,
 * error reports and the parsing of inbound frames. Handlers that throw are logged, never rethrown.
 */
export class ConnectionEvents {
  readonly #options: ConnectionEventsOptions;
  readonly #events: Emitter<CoreEvents>;
  readonly #messages: Emitter<Record<string, AnyEnvelope>>;
  #status: ConnectionStatus;

  constructor(options: ConnectionEventsOptions) {
    this.#options = options;
    const report = (error: unknown) => options.logger.warn(`${options.name}: a handler threw`, error);
    this.#events = new Emitter<CoreEvents>(report);
    this.#messages = new Emitter<Record<string, AnyEnvelope>>(report);
    this.#status = options.transport === IDLE_STATUS.transport ? IDLE_STATUS : Object.freeze({ ...IDLE_STATUS, transport: options.transport });
  }

  /** The current snapshot. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /**
   * Applies `change`; emits a new frozen snapshot only when a shown fact differs. `transport` stays
   * as constructed unless the change names one (a connection that switches transports).
   */
  setStatus(change: StatusChange): void {
    const prev = this.#status;
    const next: ConnectionStatus = { ...prev, ...change, transport: change.transport ?? prev.transport };
    if (
      prev.transport === next.transport &&
      prev.state === next.state &&
      prev.stale === next.stale &&
      prev.attempt === next.attempt &&
      prev.nextRetryAt === next.nextRetryAt &&
      prev.reason === next.reason &&
      prev.code === next.code
    ) {
      return;
    }
    this.#status = Object.freeze(next);
    this.#events.emit('status', this.#status);
  }

  onStatus(handler: (status: ConnectionStatus) => void): Unsubscribe {
    return this.#events.on('status', handler);
  }

  on<T extends MessageType>(type: T, handler: (envelope: Envelope<T>) => void): Unsubscribe {
    return this.#messages.on(type, handler as (envelope: AnyEnvelope) => void);
  }

  onAny(handler: (envelope: AnyEnvelope) => void): Unsubscribe {
    return this.#events.on('envelope', handler);
  }

  onError(handler: (error: RealtimeErrorDetail) => void): Unsubscribe {
    return this.#events.on('error', handler);
  }

  onReset(handler: () => void): Unsubscribe {
    return this.#events.on('reset', handler);
  }

  /** Hands `frame` to the handlers of its type, then to every `onAny` handler. */
  deliver(frame: AnyEnvelope): void {
    this.#messages.emit(frame.type, frame);
    this.#events.emit('envelope', frame);
  }

  /** Tells `onReset` handlers the log was reset, then delivers the `sys.reset` frame itself. */
  reset(frame: Envelope<'sys.reset'>): void {
    this.#events.emit('reset', undefined);
    this.deliver(frame);
  }

  /**
   * The server reports another epoch than the one we knew: resets exactly as a `sys.reset` frame
   * would (lists reload), with reason {@link EPOCH_CHANGED}; `seq` is the new log's head.
   */
  epochChanged(epoch: string, seq: number, ts: number): void {
    this.#options.logger.debug(`${this.#options.name}: the server's epoch changed`, epoch);
    this.reset(envelope('sys.reset', { epoch, seq, reason: EPOCH_CHANGED }, { ts }));
  }

  /** Logs and emits an error report. */
  error(error: RealtimeErrorDetail): void {
    this.#options.logger.debug(`${this.#options.name}: ${error.kind}`, error);
    this.#events.emit('error', error);
  }

  /**
   * Validates inbound `data`. An unknown type is only logged (newer servers may speak more); an
   * invalid frame is reported as `invalid-frame`. Either way the answer is null.
   */
  parse(data: unknown, appTypes: AppTypeRegistry | undefined): AnyEnvelope | null {
    return this.#checked(parseFrame(data, appTypes));
  }

  /**
   * Parses a batch frame (a JSON array of envelopes) into its valid envelopes, in order; each
   * invalid one is reported like a bad frame and skipped.
   */
  parseBatch(data: string, appTypes: AppTypeRegistry | undefined): AnyEnvelope[] {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.#checked(parseFrame(data, appTypes));
      return [];
    }
    if (!Array.isArray(json)) return [];
    const out: AnyEnvelope[] = [];
    for (const item of json) {
      const envelope = this.#checked(parseEnvelope(item, appTypes));
      if (envelope) out.push(envelope);
    }
    return out;
  }

  #checked(parsed: ParsedFrame): AnyEnvelope | null {
    if (parsed.ok) return parsed.envelope;
    const rejection = parsed.rejection;
    const { name, unit, transport } = this.#options;
    if (rejection.kind === 'unknown-type') this.#options.logger.debug(`${name}: ignored ${unit} of unknown type`, rejection.type);
    else this.error({ kind: 'invalid-frame', source: transport, field: rejection.field, message: rejection.message });
    return null;
  }
}
