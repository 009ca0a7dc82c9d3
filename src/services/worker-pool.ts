import {
  DataSpecError,
  extractColumn,
  firstNonNumber,
  isNumericArray,
  runTask,
  toWireFilter,
  validateAggregate,
  validateFilter,
  validateSort,
  type AggregateResult,
  type AggregateSpec,
  type Column,
  type DataResult,
  type DataTask,
  type FilterSpec,
  type NumericArray,
  type SortSpec,
} from '../workers/data-ops.js';
import type { WorkerReply, WorkerRequest } from '../workers/protocol.js';
import { silentLogger, systemClock, type Clock, type Logger, type TimerHandle } from './types.js';

/** The part of `Worker` the pool uses. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  addEventListener(type: 'message' | 'messageerror' | 'error', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'messageerror' | 'error', listener: (event: Event) => void): void;
}

/** A `Worker` constructor (the browser's, or a fake). */
export type WorkerConstructor = new (url: string | URL, options?: { type?: 'module' | 'classic'; name?: string }) => WorkerLike;

/** How a worker starts: from its URL, from a same-origin `blob:` that imports it, or `auto`. */
export type WorkerStart = 'url' | 'blob' | 'auto';

/** Why a request failed. */
export type WorkerPoolErrorCode = 'terminated' | 'timeout' | 'aborted' | 'invalid' | 'worker';

/** A request's rejection, with a code to branch on. */
export class WorkerPoolError extends Error {
  constructor(
    readonly code: WorkerPoolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerPoolError';
  }
}

export interface WorkerRequestOptions {
  /** Cancels the request: it rejects with `aborted` and a worker busy with it is replaced. */
  readonly signal?: AbortSignal;
  /** Overrides the pool's timeout for this request; 0 for none. */
  readonly timeoutMs?: number;
  /**
   * Typed-array data only: move its buffer to the worker instead of copying it. Faster for big
   * columns; the array given is unusable (detached) afterwards.
   */
  readonly transfer?: boolean;
}

export interface WorkerPoolOptions {
  /** `Worker` constructor; `null` runs everything on the main thread. Default: the global one. */
  readonly Worker?: WorkerConstructor | null;
  /** The data worker's module URL. Default: `../workers/data-worker.js` next to this module. */
  readonly workerUrl?: string | URL;
  /**
   * `auto` (default) starts from a `blob:` when the worker's URL is on another origin than the page
   * (the kit loaded from a CDN), from the URL otherwise.
   */
  readonly start?: WorkerStart;
  /** Starts a worker some other way (a bundler's worker import, a test's URL); overrides the above. */
  readonly createWorker?: () => WorkerLike;
  /** Workers running at once. Default 1. */
  readonly size?: number;
  /** Per-request timeout in ms, counted from the call (time queued included); 0 for none. Default 60,000. */
  readonly timeoutMs?: number;
  /** Items handled between yields by the main-thread fallback. Default 50,000. */
  readonly chunkSize?: number;
  /** Lets the page run between fallback chunks. Default: a message-channel task (a 0 ms timer without one). */
  readonly yieldToMain?: () => Promise<void>;
  /** The page's origin, for `start: 'auto'`. Default: `location.origin`. */
  readonly origin?: string | null;
  /** Makes a `blob:` URL for code and revokes it. Default: `Blob` and `URL.createObjectURL`. */
  readonly blobUrl?: (code: string) => { readonly url: string; readonly revoke: () => void };
  readonly clock?: Clock;
  readonly logger?: Logger;
}

interface Job {
  readonly id: number;
  readonly task: DataTask;
  readonly transfer: Transferable[];
  readonly resolve: (result: DataResult) => void;
  readonly reject: (error: Error) => void;
  timer: TimerHandle | null;
  removeAbort: () => void;
  slot: Slot | null;
  done: boolean;
}

interface Slot {
  readonly worker: WorkerLike;
  ready: boolean;
  job: Job | null;
  detach: () => void;
  revoke: (() => void) | null;
}

/** The default start, written as bundlers (Vite, webpack, Parcel) recognise a worker entry. */
function startBundledWorker(Worker: WorkerConstructor): WorkerLike {
  return new Worker(new URL('../workers/data-worker.js', import.meta.url), { type: 'module' });
}

/**
 * The worker's URL as the bundler rewrote it: read by running the recognised expression against a
 * constructor that only records its argument (a second `new URL(...)` would be treated as a plain
 * asset by Vite and inlined as source).
 */
function bundledWorkerUrl(): URL {
  let captured: string | URL = '';
  const Capture = function (url: string | URL) {
    captured = url;
  } as unknown as WorkerConstructor;
  startBundledWorker(Capture);
  return new URL(String(captured), import.meta.url);
}

function defaultBlobUrl(code: string): { url: string; revoke: () => void } {
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  return { url, revoke: () => URL.revokeObjectURL(url) };
}

/**
 * Lets the page run between fallback chunks: a message-channel task, which (unlike a chained 0 ms
 * timer) is not clamped to 4 ms and (unlike `scheduler.yield()`) lets the page's ordinary tasks,
 * such as socket messages, run in between.
 */
function defaultYield(clock: Clock): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (typeof MessageChannel !== 'function') {
        clock.setTimeout(resolve, 0);
        return;
      }
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        channel.port2.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Sort, filter and aggregate off the main thread, in a data worker.
 *
 * - Specs are plain data (`{ field: 'score', op: '>', value: 5 }`), checked before anything is
 *   sent: a function or a class instance is a clear `invalid` rejection, never a DataCloneError.
 * - Rows never cross to the worker: only the columns a spec reads do (numbers packed in a
 *   `Float64Array` and transferred), and sorts and filters come back as index arrays, so the main
 *   thread's share of a million-row sort is reading one field and reordering.
 * - Each request has an id, a timeout and an optional `AbortSignal`; a worker busy with a request
 *   that timed out or was cancelled is terminated and the next request starts a fresh one.
 *   `terminate()` rejects everything pending at once.
 * - Where no worker can start (no `Worker`, a content security policy, a script that fails to
 *   load), the same code runs on the main thread in chunks, yielding between them.
 */
export class WorkerPool {
  readonly #Worker: WorkerConstructor | null;
  readonly #workerUrl: URL | null;
  readonly #start: WorkerStart;
  readonly #createWorker: (() => WorkerLike) | null;
  readonly #size: number;
  readonly #timeoutMs: number;
  readonly #chunkSize: number;
  readonly #yieldToMain: () => Promise<void>;
  readonly #origin: string | null;
  readonly #blobUrl: (code: string) => { readonly url: string; readonly revoke: () => void };
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #queue: Job[] = [];
  readonly #slots = new Set<Slot>();
  #nextId = 1;
  #inline = false;
  #inlineJob: Job | null = null;
  #started = 0;

  constructor(options: WorkerPoolOptions = {}) {
    const globalWorker = (globalThis as { Worker?: WorkerConstructor }).Worker ?? null;
    this.#Worker = options.Worker === undefined ? globalWorker : options.Worker;
    this.#workerUrl = options.workerUrl === undefined ? null : new URL(String(options.workerUrl), (globalThis as { location?: { href: string } }).location?.href);
    this.#start = options.start ?? 'auto';
    this.#createWorker = options.createWorker ?? null;
    this.#size = Math.max(1, Math.floor(options.size ?? 1));
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 50_000));
    this.#clock = options.clock ?? systemClock;
    this.#yieldToMain = options.yieldToMain ?? defaultYield(this.#clock);
    this.#origin = options.origin === undefined ? ((globalThis as { location?: { origin?: string } }).location?.origin ?? null) : options.origin;
    this.#blobUrl = options.blobUrl ?? defaultBlobUrl;
    this.#logger = options.logger ?? silentLogger;
    this.#inline = !this.#createWorker && !this.#Worker;
  }

  /** `worker` while requests go to workers; `inline` once none could start (or none exists). */
  get mode(): 'worker' | 'inline' {
    return this.#inline ? 'inline' : 'worker';
  }

  /** Requests not yet answered. */
  get pending(): number {
    return this.#queue.length + [...this.#slots].filter((slot) => slot.job).length + (this.#inlineJob ? 1 : 0);
  }

  /** Workers started so far (a terminated or failed worker is replaced by a new one). */
  get workersStarted(): number {
    return this.#started;
  }

  /**
   * Sorts items by the spec's keys (stable; missing values last), or a numeric typed array by
   * value. Answers a new array; the input is left as it was (unless transferred).
   */
  sort<T>(items: readonly T[], spec?: SortSpec, options?: WorkerRequestOptions): Promise<T[]>;
  sort<A extends NumericArray>(values: A, spec?: SortSpec, options?: WorkerRequestOptions): Promise<A>;
  async sort(data: readonly unknown[] | NumericArray, spec: SortSpec = {}, options: WorkerRequestOptions = {}): Promise<unknown> {
    const keys = this.#check(() => validateSort(spec));
    if (isNumericArray(data)) {
      if (keys.length !== 1 || keys[0]!.field !== undefined) throw this.#invalid('sort: a typed array is sorted by value; give no field');
      // Sorting works in place: on the page's own array only when it was handed over.
      const values = options.transfer ? data : data.slice();
      return this.#submit({ kind: 'sort-values', values, direction: keys[0]!.direction ?? 'asc' }, [values.buffer], options);
    }
    const items = this.#checkItems(data);
    const columns = this.#check(() => keys.map((key) => extractColumn(items, key.field)));
    const order = (await this.#submit(
      { kind: 'sort', columns, directions: keys.map((key) => key.direction ?? 'asc'), length: items.length },
      transfersOf(columns),
      options,
    )) as Uint32Array;
    return pick(items, order);
  }

  /** The items (or typed-array values, as a `Float64Array`) the filter keeps, in their order. */
  filter<T>(items: readonly T[], spec: FilterSpec, options?: WorkerRequestOptions): Promise<T[]>;
  filter(values: NumericArray, spec: FilterSpec, options?: WorkerRequestOptions): Promise<Float64Array>;
  async filter(data: readonly unknown[] | NumericArray, spec: FilterSpec, options: WorkerRequestOptions = {}): Promise<unknown> {
    const checked = this.#check(() => validateFilter(spec));
    if (isNumericArray(data)) {
      const column = data instanceof Float64Array ? data : Float64Array.from(data);
      const filter = this.#check(() =>
        toWireFilter(checked, (field) => {
          if (field !== undefined) throw new DataSpecError('filter: a typed array has no fields; give no field');
          return 0;
        }),
      );
      const transfer = column !== data || options.transfer ? [column.buffer] : [];
      return this.#submit({ kind: 'filter', columns: [column], filter, length: column.length, pickValues: true }, transfer, options);
    }
    const items = this.#checkItems(data);
    const fields: (string | undefined)[] = [];
    const filter = toWireFilter(checked, (field) => {
      const index = fields.indexOf(field);
      if (index >= 0) return index;
      fields.push(field);
      return fields.length - 1;
    });
    const columns = this.#check(() => fields.map((field) => extractColumn(items, field)));
    const kept = (await this.#submit({ kind: 'filter', columns, filter, length: items.length, pickValues: false }, transfersOf(columns), options)) as Uint32Array;
    return pick(items, kept);
  }

  /** `count`, `sum`, `avg`, `min` or `max` over a field (or typed-array values), optionally per group. */
  async aggregate(data: readonly unknown[] | NumericArray, spec: AggregateSpec, options: WorkerRequestOptions = {}): Promise<AggregateResult> {
    const checked = this.#check(() => validateAggregate(spec));
    if (isNumericArray(data)) {
      if (checked.field !== undefined || checked.groupBy !== undefined) throw this.#invalid('aggregate: a typed array has no fields; give no field or groupBy');
      const values = data instanceof Float64Array ? data : Float64Array.from(data);
      const transfer = values !== data || options.transfer ? [values.buffer] : [];
      return (await this.#submit({ kind: 'aggregate', op: checked.op, values, groups: null, length: values.length }, transfer, options)) as AggregateResult;
    }
    const items = this.#checkItems(data);
    const readsValues = checked.op !== 'count' || checked.field !== undefined;
    const values = readsValues ? this.#check(() => extractColumn(items, checked.field)) : null;
    if (values && checked.op !== 'count') {
      const bad = firstNonNumber(values);
      if (bad >= 0) throw this.#invalid(`aggregate ${checked.op}: items[${bad}]${checked.field ? '.' + checked.field : ''} is not a number`);
    }
    const groups = checked.groupBy !== undefined ? this.#check(() => extractColumn(items, checked.groupBy)) : null;
    const columns = [values, groups].filter((column): column is Column => column !== null);
    return (await this.#submit({ kind: 'aggregate', op: checked.op, values, groups, length: items.length }, transfersOf(columns), options)) as AggregateResult;
  }

  /**
   * Rejects every pending request at once with `terminated`, clears their timers and stops the
   * workers. The pool stays usable: the next request starts a fresh worker.
   */
  terminate(): void {
    const jobs = [...this.#queue, ...[...this.#slots].flatMap((slot) => (slot.job ? [slot.job] : [])), ...(this.#inlineJob ? [this.#inlineJob] : [])];
    for (const slot of [...this.#slots]) this.#discard(slot);
    const error = new WorkerPoolError('terminated', 'the worker pool was terminated');
    for (const job of jobs) this.#finish(job, { error });
    this.#queue.length = 0;
  }

  #check<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw error instanceof DataSpecError ? this.#invalid(error.message) : error;
    }
  }

  #invalid(message: string): WorkerPoolError {
    return new WorkerPoolError('invalid', message);
  }

  #checkItems(data: unknown): readonly unknown[] {
    if (!Array.isArray(data)) throw this.#invalid('data must be an array of plain objects or a numeric typed array');
    return data;
  }

  #submit(task: DataTask, transfer: Transferable[], options: WorkerRequestOptions): Promise<DataResult> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new WorkerPoolError('aborted', 'the request was aborted'));
    return new Promise<DataResult>((resolve, reject) => {
      const job: Job = { id: this.#nextId++, task, transfer: [...new Set(transfer)], resolve, reject, timer: null, removeAbort: () => {}, slot: null, done: false };
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      if (timeoutMs > 0) {
        job.timer = this.#clock.setTimeout(() => {
          job.timer = null;
          this.#finish(job, { error: new WorkerPoolError('timeout', `no answer within ${timeoutMs} ms`) }, true);
        }, timeoutMs);
      }
      if (signal) {
        const onAbort = (): void => this.#finish(job, { error: new WorkerPoolError('aborted', 'the request was aborted') }, true);
        signal.addEventListener('abort', onAbort, { once: true });
        job.removeAbort = () => signal.removeEventListener('abort', onAbort);
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  /** Settles a job once: clears its timer and abort listener; a cancelled running job loses its worker. */
  #finish(job: Job, outcome: { result: DataResult } | { error: Error }, cancel = false): void {
    if (job.done) return;
    job.done = true;
    if (job.timer !== null) this.#clock.clearTimeout(job.timer);
    job.timer = null;
    job.removeAbort();
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) this.#queue.splice(queued, 1);
    const slot = job.slot;
    job.slot = null;
    if (slot && slot.job === job) {
      slot.job = null;
      // The worker is still busy with it and would hold up every later request.
      if (cancel) this.#discard(slot);
    }
    if ('result' in outcome) job.resolve(outcome.result);
    else job.reject(outcome.error);
    if (cancel) this.#pump();
  }

  #discard(slot: Slot): void {
    if (!this.#slots.delete(slot)) return;
    slot.detach();
    slot.revoke?.();
    slot.revoke = null;
    try {
      slot.worker.terminate();
    } catch (error) {
      this.#logger.warn('worker-pool: terminate failed', error);
    }
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      if (this.#inline) {
        if (!this.#inlineJob) void this.#runInline(this.#queue.shift()!);
        return;
      }
      let idle: Slot | null = null;
      let starting = false;
      for (const slot of this.#slots) {
        if (!slot.ready) starting = true;
        else if (!slot.job && !idle) idle = slot;
      }
      if (!idle) {
        if (!starting && this.#slots.size < this.#size) {
          this.#startSlot();
          // A start that failed switched the pool to inline: go round again.
          if (this.#inline) continue;
        }
        return;
      }
      const job = this.#queue.shift()!;
      idle.job = job;
      job.slot = idle;
      const request: WorkerRequest = { id: job.id, task: job.task };
      try {
        idle.worker.postMessage(request, job.transfer);
      } catch (error) {
        // Data the structured clone refuses: this request fails, the worker stays.
        this.#finish(job, { error: new WorkerPoolError('invalid', `the data could not be sent to the worker: ${asError(error).message}`) });
      }
    }
  }

  #spawn(): { worker: WorkerLike; revoke: (() => void) | null } {
    if (this.#createWorker) return { worker: this.#createWorker(), revoke: null };
    const Worker = this.#Worker;
    if (!Worker) throw new Error('Worker is not available');
    const url = this.#workerUrl ?? bundledWorkerUrl();
    const blob = this.#start === 'blob' || (this.#start === 'auto' && this.#origin !== null && url.origin !== this.#origin);
    if (!blob) return { worker: this.#workerUrl ? new Worker(this.#workerUrl, { type: 'module' }) : startBundledWorker(Worker), revoke: null };
    // A page may not start a worker from another origin, but a same-origin blob module may import
    // one (the CDN sends CORS headers). The static import runs before the worker takes messages.
    const made = this.#blobUrl(`import ${JSON.stringify(url.href)};\n`);
    try {
      return { worker: new Worker(made.url, { type: 'module' }), revoke: made.revoke };
    } catch (error) {
      made.revoke();
      throw error;
    }
  }

  #startSlot(): void {
    let spawned: { worker: WorkerLike; revoke: (() => void) | null };
    try {
      spawned = this.#spawn();
    } catch (error) {
      this.#goInline(error);
      return;
    }
    this.#started += 1;
    const slot: Slot = { worker: spawned.worker, ready: false, job: null, detach: () => {}, revoke: spawned.revoke };
    const onMessage = (event: Event): void => this.#onReply(slot, (event as MessageEvent<unknown>).data);
    const onError = (event: Event): void => this.#onWorkerError(slot, event);
    const onMessageError = (): void => {
      const job = slot.job;
      if (job) this.#finish(job, { error: new WorkerPoolError('worker', 'the answer could not be read') });
      this.#pump();
    };
    slot.worker.addEventListener('message', onMessage);
    slot.worker.addEventListener('error', onError);
    slot.worker.addEventListener('messageerror', onMessageError);
    slot.detach = () => {
      slot.worker.removeEventListener('message', onMessage);
      slot.worker.removeEventListener('error', onError);
      slot.worker.removeEventListener('messageerror', onMessageError);
    };
    this.#slots.add(slot);
  }

  #onReply(slot: Slot, data: unknown): void {
    if (!this.#slots.has(slot) || typeof data !== 'object' || data === null) return;
    const reply = data as WorkerReply;
    if ('ready' in reply) {
      slot.ready = true;
      slot.revoke?.();
      slot.revoke = null;
      this.#pump();
      return;
    }
    const job = slot.job;
    // A reply to a request that already timed out, was cancelled or terminated is ignored.
    if (!job || reply.id !== job.id) return;
    if (reply.ok) this.#finish(job, { result: reply.result });
    else this.#finish(job, { error: new WorkerPoolError(reply.error.name === 'DataSpecError' ? 'invalid' : 'worker', reply.error.message) });
    if (this.#inline) this.#discard(slot);
    this.#pump();
  }

  #onWorkerError(slot: Slot, event: Event): void {
    // Handled here: keeps the browser from also reporting it as uncaught.
    event.preventDefault();
    const message = (event as ErrorEvent).message || 'the worker failed';
    const job = slot.job;
    const wasReady = slot.ready;
    this.#discard(slot);
    if (!wasReady) {
      // It never started (CSP, a 404, a syntax error): no request was sent to it yet.
      this.#goInline(new Error(message));
    } else if (job) {
      this.#finish(job, { error: new WorkerPoolError('worker', message) });
    }
    this.#pump();
  }

  #goInline(error: unknown): void {
    if (this.#inline) return;
    this.#logger.warn('worker-pool: no worker could start; working on the main thread in chunks', error);
    this.#inline = true;
    // A worker still busy with a request (another slot) finishes it, then goes.
    for (const slot of [...this.#slots]) if (!slot.job) this.#discard(slot);
  }

  async #runInline(job: Job): Promise<void> {
    this.#inlineJob = job;
    try {
      const steps = runTask(job.task, this.#chunkSize);
      for (;;) {
        if (job.done) return;
        const step = steps.next();
        if (step.done) {
          this.#finish(job, { result: step.value });
          return;
        }
        await this.#yieldToMain();
      }
    } catch (error) {
      this.#finish(job, { error: error instanceof DataSpecError ? this.#invalid(error.message) : new WorkerPoolError('worker', asError(error).message) });
    } finally {
      if (this.#inlineJob === job) this.#inlineJob = null;
      this.#pump();
    }
  }
}

function transfersOf(columns: readonly Column[]): Transferable[] {
  return columns.flatMap((column) => (column instanceof Float64Array ? [column.buffer] : []));
}

function pick<T>(items: readonly T[], indices: Uint32Array): T[] {
  const out = new Array<T>(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = items[indices[i]!]!;
  return out;
}
