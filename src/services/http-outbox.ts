import { type AppTypeRegistry, type MessageType, type PayloadOf, envelope, isAppType, isRecord } from '../protocol/index.js';
import { type BackoffPolicy, computeBackoff, resolveBackoff } from './backoff.js';
import { TOKEN_REFUSED_MESSAGE, TokenRefresh, tokenErrorMessage } from './token-refresh.js';
import type { Clock, Logger, RealtimeErrorDetail, SendOptions, SendResult, TimerHandle, TokenGetter } from './types.js';
import { pageUrl, resolveUrl } from './urls.js';
import { Waiter } from './waiter.js';
import { untilAborted, utf8Bytes } from './async-util.js';

/** A message waiting in an {@link HttpOutbox}. */
export interface OutboxMessage {
  readonly type: MessageType;
  readonly payload: unknown;
  readonly mid: string;
  readonly json: string;
  readonly bytes: number;
}

/** Options of {@link HttpOutbox}. */
export interface HttpOutboxOptions {
  /** REST base including `/api`; messages go to `<api>/messages`. */
  readonly api: string;
  /** Base for a relative `api`; default: the page's `location.href` at call time. */
  readonly baseUrl?: string | undefined;
  readonly getToken?: TokenGetter | undefined;
  /** Demo mode: sent as `X-RT-User`. */
  readonly user?: { readonly id: string } | undefined;
  readonly appTypes?: AppTypeRegistry | undefined;
  /** Largest number of waiting messages; default 100. When full the oldest is dropped and reported. */
  readonly queueLimit?: number | undefined;
  /** Largest request body; default 65 536 (the server answers 413 above it). */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Time one POST (answer and body) may take before it is aborted and counts as a failed post
   * to repeat; default 10 000 ms. Without it one hung request would stall the queue for good.
   */
  readonly requestTimeoutMs?: number | undefined;
  /** Waits between failed posts of the same message; defaults 3 000 / 30 000 / 2. */
  readonly backoff?: Partial<BackoffPolicy> | undefined;
  /** Whether a POST may go out now (e.g. the transport that receives is open). */
  readonly canPost: () => boolean;
  /**
   * Tries to hand a message to a better line (an open WebSocket) instead of posting it; answers
   * whether it went. Asked before every post, so a queue drains through the socket once it opens.
   */
  readonly direct?: ((message: OutboxMessage) => boolean) | undefined;
  readonly report: (error: RealtimeErrorDetail) => void;
  readonly fetch?: typeof fetch | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
}


/** What became of one POST: gone (accepted or not worth repeating) or to be repeated later. */
type PostOutcome = 'done' | 'again';

/**
 * The outbound side of the HTTP transports: `POST <api>/messages`, one message at a time, in
 * order. Every message carries a `mid` (generated when the page gives none), and a repeated post
 * reuses it, so the server drops repeats and each message arrives once even when an answer was
 * lost. The queue policy is the socket's: bounded (`queueLimit`), the oldest dropped and reported
 * as `queue-overflow`; volatile `app.*` types and `sys.*` frames are never queued. A network error
 * or a 5xx keeps the message and tries again after a jittered backoff; 400 and 413 drop it with an
 * error; 401 asks for a fresh token once. A POST that takes longer than `requestTimeoutMs` is
 * aborted and counts as a network error; `close()` aborts the one in flight.
 */
export class HttpOutbox {
  readonly #options: HttpOutboxOptions;
  readonly #backoff: BackoffPolicy;
  readonly #waiter: Waiter;
  readonly #tokens = new TokenRefresh();
  readonly #queue: OutboxMessage[] = [];
  #inFlight: OutboxMessage | null = null;
  #pumping = false;
  /** `kick()` came while a POST was in flight: after a failed post, try again without the backoff wait. */
  #kicked = false;
  /** Aborts the POST in flight (timeout or `close()`). */
  #abort: AbortController | null = null;
  #closed = false;
  #failures = 0;
  #midCounter = 0;

  constructor(options: HttpOutboxOptions) {
    this.#options = options;
    this.#backoff = resolveBackoff(options.backoff);
    this.#waiter = new Waiter(options.clock);
  }

  /** Number of messages waiting (including one being posted). */
  get queued(): number {
    return this.#queue.length;
  }

  /** A client message id, unique enough for the server's repeat filter. */
  newMid(): string {
    this.#midCounter += 1;
    const noise = Math.floor(this.#options.random() * 2 ** 40).toString(36);
    return `${this.#options.clock.now().toString(36)}-${this.#midCounter.toString(36)}-h${noise}`;
  }

  /**
   * Takes a message: `sent` when it goes out at once (nothing waiting and a line to send on),
   * `queued` when it waits, `dropped` for volatile or `sys.*` types that cannot go now, `refused`
   * when it is larger than the server takes (checked at post time when a `direct` line exists).
   */
  send<T extends MessageType>(type: T, payload: PayloadOf<T>, options: SendOptions = {}): SendResult {
    if (this.#closed) return 'dropped';
    const mid = options.mid ?? this.newMid();
    const json = JSON.stringify(envelope(type, payload, { ts: this.#options.clock.now(), mid }));
    const bytes = utf8Bytes(json);
    // Without a better line every message is posted, so one over the limit is refused now; with
    // one (an open socket takes larger frames) it is checked when it is about to be posted.
    if (!this.#options.direct && bytes > this.#limit()) {
      this.#options.report({ kind: 'too-big', bytes, limit: this.#limit(), type });
      return 'refused';
    }
    const message: OutboxMessage = { type, payload, mid, json, bytes };
    const idle = this.#queue.length === 0;
    if (idle && this.#options.direct?.(message)) return 'sent';
    const now = idle && this.#options.canPost();
    const volatile = isAppType(type) && this.#options.appTypes?.get(type)?.volatile === true;
    if (type.startsWith('sys.') || (volatile && !now)) return 'dropped';
    const queueLimit = this.#options.queueLimit ?? 100;
    if (queueLimit <= 0) {
      this.#options.report({ kind: 'queue-overflow', dropped: 1, type });
      return 'dropped';
    }
    this.#queue.push(message);
    this.#trim(queueLimit);
    this.kick();
    return now ? 'sent' : 'queued';
  }

  /** Something changed (a line opened): try the queue now, cutting a backoff wait short. */
  kick(): void {
    if (this.#closed) return;
    if (this.#waiter.waiting) {
      this.#waiter.skip();
      return;
    }
    if (this.#pumping) {
      this.#kicked = true;
      return;
    }
    void this.#pump();
  }

  /** Stops posting; waiting messages are forgotten. */
  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#abort?.abort();
    this.#abort = null;
    this.#waiter.skip();
  }

  #limit(): number {
    return this.#options.maxBodyBytes ?? 65_536;
  }

  #trim(limit: number): void {
    while (this.#queue.length > limit) {
      // The message being posted is already on its way; drop the oldest one behind it.
      const index = this.#queue[0] === this.#inFlight ? 1 : 0;
      const [dropped] = this.#queue.splice(index, 1);
      if (!dropped) return;
      this.#options.report({ kind: 'queue-overflow', dropped: 1, type: dropped.type });
    }
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#closed && this.#queue.length > 0) {
        const head = this.#queue[0]!;
        if (this.#options.direct?.(head)) {
          this.#queue.shift();
          this.#failures = 0;
          continue;
        }
        if (!this.#options.canPost()) return;
        if (head.bytes > this.#limit()) {
          this.#queue.shift();
          this.#options.report({ kind: 'too-big', bytes: head.bytes, limit: this.#limit(), type: head.type });
          continue;
        }
        this.#inFlight = head;
        this.#kicked = false;
        let outcome: PostOutcome;
        try {
          outcome = await this.#post(head);
        } finally {
          this.#inFlight = null;
        }
        if (this.#closed) return;
        const volatile = isAppType(head.type) && this.#options.appTypes?.get(head.type)?.volatile === true;
        if (outcome === 'done' || volatile) {
          if (this.#queue[0] === head) this.#queue.shift();
          this.#failures = 0;
          continue;
        }
        this.#failures += 1;
        if (this.#kicked) {
          // A line opened while the post hung or failed: try it now rather than after the wait.
          this.#kicked = false;
          continue;
        }
        await this.#waiter.wait(computeBackoff(this.#failures - 1, this.#backoff, this.#options.random));
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #post(message: OutboxMessage): Promise<PostOutcome> {
    const options = this.#options;
    const base = options.baseUrl ?? pageUrl();
    let url: URL;
    try {
      url = resolveUrl(`${options.api.replace(/\/+$/, '')}/messages`, base, 'http');
    } catch {
      options.report({ kind: 'transport', message: `cannot resolve ${options.api}/messages without a base URL` });
      return 'done';
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (options.user) headers['X-RT-User'] = options.user.id;
    if (options.getToken) {
      try {
        const token = await options.getToken({ refresh: this.#tokens.take() });
        if (token) headers['Authorization'] = `Bearer ${token}`;
      } catch (error) {
        options.report({ kind: 'auth', message: tokenErrorMessage(error) });
        return 'again';
      }
    }
    if (this.#closed) return 'done';
    const controller = new AbortController();
    this.#abort = controller;
    let timedOut = false;
    const timer: TimerHandle = options.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.requestTimeoutMs ?? 10_000);
    let response: Response;
    let text: string;
    try {
      const fetchImpl = options.fetch ?? globalThis.fetch;
      response = await untilAborted(fetchImpl(url.href, { method: 'POST', headers, body: message.json, cache: 'no-store', signal: controller.signal }), controller.signal);
      text = await untilAborted(response.text(), controller.signal).catch((error: unknown) => {
        if (controller.signal.aborted) throw error;
        return '';
      });
    } catch (error) {
      const why = timedOut ? 'timeout' : error instanceof Error ? error.message : String(error);
      options.logger.debug('http-outbox: post failed', why);
      return 'again';
    } finally {
      options.clock.clearTimeout(timer);
      if (this.#abort === controller) this.#abort = null;
    }
    if (response.ok) {
      this.#tokens.accepted();
      return 'done';
    }
    const body = parseJson(text);
    const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
    const detail = typeof error['message'] === 'string' ? error['message'] : `POST messages failed with ${response.status}`;
    if (response.status === 401) {
      if (this.#tokens.refused()) {
        options.report({ kind: 'auth', message: detail });
        return 'done';
      }
      options.report({ kind: 'auth', message: TOKEN_REFUSED_MESSAGE });
      return 'again';
    }
    if (response.status === 413) {
      options.report({ kind: 'too-big', bytes: message.bytes, limit: this.#limit(), type: message.type });
      return 'done';
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      // The server will not take this message however often it is sent.
      options.report({ kind: 'server-error', code: String(response.status), message: detail });
      return 'done';
    }
    return 'again';
  }
}


function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
