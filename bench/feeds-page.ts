// The feeds bench page (bundled by bench/feeds.ts, driven over puppeteer). Instrumentation lives
// here only: the kit's elements are measured as shipped.
import { liveTimerOrigins, liveTimers, traceTimers } from './feeds-instrument.js';
import { LitElement, type PropertyValues, html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ConnectionController } from '../src/controllers/connection-controller.js';
import { relativeTimeTickerState } from '../src/controllers/relative-time-controller.js';
import { ActivityFeed } from '../src/define/activity-feed.js';
import { NotificationFeed } from '../src/define/notification-feed.js';
import { RealtimeProvider } from '../src/define/realtime-provider.js';
import type { ActivityPayload, Envelope, NotificationPayload } from '../src/protocol/index.js';

interface Row {
  readonly seq: number;
  readonly text: string;
  readonly detail: string;
}

/**
 * The baseline: a plain Lit list on the same connection that re-renders on every event (no frame
 * batching), keeping the newest `max` rows.
 */
class BareList extends LitElement {
  @property() kind: 'notification' | 'activity' = 'notification';
  @property({ type: Number }) max = 50;
  @state() rows: readonly Row[] = [];

  constructor() {
    super();
    new ConnectionController(this, {
      subscribe: (connection) => [
        connection.on('notification.new', (envelope: Envelope<'notification.new'>) => {
          const { title, message } = envelope.payload as NotificationPayload;
          this.#add({ seq: envelope.seq ?? 0, text: title, detail: message });
        }),
        connection.on('activity.new', (envelope: Envelope<'activity.new'>) => {
          const { userName, action, target } = envelope.payload as ActivityPayload;
          this.#add({ seq: envelope.seq ?? 0, text: `${userName} ${action}`, detail: target });
        }),
      ],
    });
  }

  #add(row: Row): void {
    this.rows = [row, ...this.rows].slice(0, this.max);
  }

  protected override render() {
    return html`<ul>
      ${repeat(
        this.rows,
        (row) => row.seq,
        (row) => html`<li part="item"><strong>${row.text}</strong> ${row.detail}</li>`,
      )}
    </ul>`;
  }
}
customElements.define('bare-list', BareList);

export type Kind = 'notification-feed' | 'activity-feed' | 'bare-list';
export type EventKind = 'notification' | 'activity';

// ---- instrumentation ------------------------------------------------------------------------

let measured: Element | null = null;
let renders = 0;
const extraRenders = new Map<string, number>();

// Counts update() calls of the measured element; a prototype wrap, so the elements stay untouched.
for (const cls of [NotificationFeed, ActivityFeed, BareList]) {
  const proto = cls.prototype as unknown as { update(changed: PropertyValues): void };
  const update = proto.update;
  proto.update = function (this: Element, changed: PropertyValues) {
    if (this === measured && recording) {
      renders += 1;
      // What caused a second render within one frame: the changed properties, or a bare requestUpdate().
      if (renders > 1) {
        const reason = [...changed.keys()].map(String).join(',') || 'requestUpdate';
        extraRenders.set(reason, (extraRenders.get(reason) ?? 0) + 1);
      }
    }
    update.call(this, changed);
  };
}

let received = 0;
// One byte per seq (preallocated, so it does not count in the heap figure): repeats and gaps.
const seen = new Uint8Array(1 << 18);
let repeated = 0;
let lastSeq = 0;
let lastAt = 0;
let target = Infinity;
let reached: (() => void) | null = null;

let recording = false;
const intervals = new Float64Array(16_384);
let intervalCount = 0;
let lastFrame = 0;
let lastRowSample = 0;
let maxRendersPerFrame = 0;
let maxRows = 0;
let longTasks = 0;
let longTaskMs = 0;

new PerformanceObserver((list) => {
  if (!recording) return;
  for (const entry of list.getEntries()) {
    longTasks += 1;
    longTaskMs += entry.duration;
  }
}).observe({ type: 'longtask' });

// Rows in the element's shadow tree, nested shadow roots included (a virtualized list renders
// only the rows near the viewport).
function countRows(root: ShadowRoot | null | undefined): number {
  if (!root) return 0;
  let rows = root.querySelectorAll('[part~="item"]').length;
  for (const element of root.querySelectorAll('*')) if (element.shadowRoot) rows += countRows(element.shadowRoot);
  return rows;
}

function rowsNow(): number {
  return countRows(measured?.shadowRoot);
}

function frame(ts: number): void {
  if (!recording) return;
  if (lastFrame > 0 && intervalCount < intervals.length) intervals[intervalCount++] = ts - lastFrame;
  lastFrame = ts;
  if (renders > maxRendersPerFrame) maxRendersPerFrame = renders;
  renders = 0;
  // Rows are sampled every 100 ms, not every frame: walking a 1,000-row tree costs the baseline too.
  if (ts - lastRowSample >= 100) {
    lastRowSample = ts;
    const rows = rowsNow();
    if (rows > maxRows) maxRows = rows;
  }
  requestAnimationFrame(frame);
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
// A macrotask without a timer, so the leak count is not disturbed by the bench's own waits.
const yieldTask = () =>
  new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });

// ---- page API -------------------------------------------------------------------------------

let provider: RealtimeProvider | null = null;
let reconnects = 0;
let resets = 0;
// The bare list's cap: the feed's effective cap, measured in the feed's run.
let bareCap = 50;

function create(kind: Kind, events: EventKind): HTMLElement {
  if (kind !== 'bare-list') return document.createElement(kind);
  const list = document.createElement('bare-list') as BareList;
  list.kind = events;
  list.max = bareCap;
  return list;
}

/** The measured element's public list: `notifications`, `items` or the bare list's `rows`. */
function listOf(element: Element | null): readonly { id?: string; seq?: number }[] {
  const el = element as unknown as { notifications?: readonly { id: string; seq?: number }[]; items?: readonly { id: string; seq: number }[]; rows?: readonly Row[] } | null;
  return el?.notifications ?? el?.items ?? el?.rows ?? [];
}

const api = {
  /** Mounts the provider (pointed at this page's server) and the measured element; resolves when open. */
  async mount(kind: Kind, events: EventKind, cap: number): Promise<void> {
    bareCap = cap;
    const base = location.origin;
    provider = document.createElement('realtime-provider') as RealtimeProvider;
    provider.setAttribute('url', `${base.replace(/^http/, 'ws')}/ws`);
    provider.setAttribute('events', `${base}/api/events`);
    provider.setAttribute('api', `${base}/api`);
    const element = create(kind, events);
    provider.append(element);
    document.body.append(provider);
    measured = element;
    while (provider.state !== 'open') await new Promise<void>((resolve) => provider!.addEventListener('realtime-state-change', () => resolve(), { once: true }));
    provider.addEventListener('realtime-state-change', () => {
      if (provider?.state === 'reconnecting') reconnects += 1;
    });
    provider.connection!.onReset(() => (resets += 1));
    provider.connection!.on(`${events}.new`, (envelope) => {
      received += 1;
      lastSeq = envelope.seq ?? lastSeq;
      if (lastSeq < seen.length) {
        if (seen[lastSeq]) repeated += 1;
        seen[lastSeq] = 1;
      }
      lastAt = Date.now();
      if (received >= target && reached) {
        reached();
        reached = null;
      }
    });
    await (element as LitElement).updateComplete;
  },

  /** How many items the element's public list holds now (after a warm-up larger than the cap: its effective cap). */
  listed(): number {
    return listOf(measured).length;
  },

  /** Resolves once `count` events arrived since the last `start()` (or after `timeoutMs`), then waits two frames. */
  async waitFor(count: number, timeoutMs: number): Promise<{ received: number; lastSeq: number; lastAt: number }> {
    target = count;
    if (received < target) {
      await Promise.race([
        new Promise<void>((resolve) => (reached = resolve)),
        new Promise<void>((resolve) => {
          const end = performance.now() + timeoutMs;
          const check = () => (performance.now() >= end ? resolve() : requestAnimationFrame(check));
          requestAnimationFrame(check);
        }),
      ]);
    }
    reached = null;
    target = Infinity;
    await nextFrame();
    await nextFrame();
    return { received, lastSeq, lastAt };
  },

  /** Seqs in [from, to] never delivered, and deliveries of a seq already seen. */
  gaps(from: number, to: number): { missing: number; firstMissing: number[]; repeated: number } {
    const firstMissing: number[] = [];
    let missing = 0;
    for (let seq = from; seq <= to && seq < seen.length; seq++) {
      if (seen[seq]) continue;
      missing += 1;
      if (firstMissing.length < 10) firstMissing.push(seq);
    }
    return { missing, firstMissing, repeated };
  },

  /** Counts events from zero again. */
  resetCount(): void {
    received = 0;
  },

  /** Starts recording frames, renders, rows and long tasks, and counts events from zero. */
  start(): void {
    received = 0;
    renders = 0;
    intervalCount = 0;
    lastFrame = 0;
    lastRowSample = 0;
    maxRendersPerFrame = 0;
    maxRows = rowsNow();
    longTasks = 0;
    longTaskMs = 0;
    extraRenders.clear();
    recording = true;
    requestAnimationFrame(frame);
  },

  stop() {
    recording = false;
    const sorted = Array.from(intervals.subarray(0, intervalCount)).sort((a, b) => a - b);
    const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]! : 0;
    return {
      frames: intervalCount,
      droppedFrames: sorted.filter((ms) => ms > 25).length,
      p99FrameMs: p99,
      maxFrameMs: sorted.at(-1) ?? 0,
      medianFrameMs: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0,
      rendersPerFrame: maxRendersPerFrame,
      domRows: maxRows,
      longTasks,
      longTaskMs,
      extraRenders: [...extraRenders].map(([reason, count]) => `${reason} x${count}`).join('; '),
    };
  },

  /**
   * What the measured element shows first once it settled (`updateComplete`: a feed in a burst
   * renders a few times a second, so the last arrivals show within 250 ms): the newest item's seq
   * and id, read through its public list.
   */
  async newest(): Promise<{ seq: number | null; id: string | null }> {
    if (measured instanceof LitElement) await measured.updateComplete;
    const first = listOf(measured)[0];
    return { seq: first?.seq ?? null, id: first?.id ?? null };
  },

  /** Times the connection went to `reconnecting`, and `sys.reset`s received, since the mount. */
  connectionTrouble(): { reconnects: number; resets: number } {
    return { reconnects, resets };
  },

  unmount(): void {
    measured?.remove();
    measured = null;
  },

  /** Live timers (the page's wrapped setTimeout/setInterval) and the kit's shared ticker. */
  leakState(): { timers: number; timerOrigins: string[]; tickerHosts: number; tickerRunning: boolean } {
    const ticker = relativeTimeTickerState();
    return { timers: liveTimers(), timerOrigins: liveTimerOrigins(), tickerHosts: ticker.hosts, tickerRunning: ticker.running };
  },

  traceTimers(on: boolean): void {
    traceTimers(on);
  },

  /**
   * Resolves once the connection is open and no event arrived for 300 ms (or after `timeoutMs`),
   * so leak counts compare quiet states, not a backlog or a reconnect in progress. Returns whether
   * it got there.
   */
  async quiet(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    const isQuiet = () => provider?.state === 'open' && Date.now() - lastAt >= 300;
    while (!isQuiet() && Date.now() < end) await nextFrame();
    return isQuiet();
  },

  /**
   * Mounts and removes a fresh element up to `n` times inside the provider, letting events reach
   * each, within `budgetMs`. Returns how many cycles ran.
   */
  async cycles(n: number, kind: Kind, events: EventKind, budgetMs: number): Promise<number> {
    const end = performance.now() + budgetMs;
    for (let i = 0; i < n; i++) {
      if (performance.now() > end) return i;
      const element = create(kind, events);
      provider!.append(element);
      // A task lets the first render run and an event or two arrive; every tenth element also
      // waits for its frame flush (a feed's updateComplete), so both paths are cut short by removal.
      await yieldTask();
      if (i % 10 === 0) await (element as LitElement).updateComplete;
      element.remove();
    }
    return n;
  },
};

declare global {
  interface Window {
    bench: typeof api;
  }
}

window.bench = api;
