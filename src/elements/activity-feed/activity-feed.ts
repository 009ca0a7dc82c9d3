import { Task, TaskStatus, initialState } from '@lit/task';
import { flow } from '@lit-labs/virtualizer/layouts/flow.js';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import { LitElement, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { ConnectionController } from '../../controllers/connection-controller.js';
import { LangController } from '../../controllers/lang-controller.js';
import { ContextSubscription } from '../../controllers/context-subscription.js';
import { FRAME_FALLBACK_MS, FrameBatcher } from '../../controllers/frame-batcher.js';
import { RelativeTimeController } from '../../controllers/relative-time-controller.js';
import { apiContext } from '../../context/keys.js';
import { ActivityLoadErrorEvent } from '../../events/activity-load-error-event.js';
import { ActivitySpecErrorEvent } from '../../events/activity-spec-error-event.js';
import { issueWarning } from '../../controllers/warnings.js';
import type { WorkerPool } from '../../services/worker-pool.js';
import type { ActivityItem, Page } from '../../protocol/index.js';
import { type RealtimeStrings, resolveLang, stateLabel, stringsFor } from '../../strings.js';
import { activityFeedStyles } from './activity-feed.styles.js';
import { dayLabel, dayStart, hueOf, initials } from './activity-format.js';
import { ActivityList } from './activity-list.js';
import {
  ACTIVITY_POOL_THRESHOLD,
  type ActivityFilter,
  type SpecResult,
  type ViewSpec,
  acquireSharedPool,
  deriveInPool,
  deriveInline,
  parseFilter,
  parseSortBy,
  poolWork,
  releaseSharedPool,
  viewSpec,
} from './activity-view.js';
import { BurstScheduler } from '../../controllers/burst-scheduler.js';
import { useFrameResizeObserver } from './frame-resize-observer.js';
import { type IntersectionObserverLike, SentinelWatch, browserIntersectionObserver } from './sentinel-watch.js';
import { sharedStyles } from '../shared.styles.js';

/** Size of each page asked from the API, the first and every older one. */
export const ACTIVITY_PAGE_SIZE = 20;

/**
 * Default `max`. The list is virtualized, so a larger cap costs memory (a few hundred bytes an
 * item) but no DOM rows; 1,000 keeps a long-open tab well under a megabyte.
 */
export const ACTIVITY_DEFAULT_MAX = 1000;

export { ACTIVITY_POOL_THRESHOLD, type ActivityFilter } from './activity-view.js';

// One layout object for every render: a new one would reconfigure the virtualizer each time.
const LAYOUT = flow();
const rowKey = (_item: ActivityItem, index: number): number => index;
// Failed avatar URLs fall back to initials; bounded so a hostile stream cannot grow it forever.
const BROKEN_AVATARS_MAX = 500;

type OlderState = 'idle' | 'loading' | 'error';

/**
 * Recent activity: the first page from the API (`GET /api/activities`), older pages on request
 * (`before=<seq>`), and live `activity.new` events, merged by `seq`, newest first, each once and
 * with no gaps (C12). Events that arrive while a page is loading are kept. When the server resets
 * its log the feed reloads its first page.
 *
 * The list is virtualized (`@lit-labs/virtualizer`): however many items are kept, only the rows
 * in and near the viewport (or the `scroller` part, when a page bounds its height) are in the DOM.
 * Live events are merged and rendered at most once per animation frame; while a burst lasts
 * (over 100 items a second) at most four times a second, since rows that change every frame
 * cannot be read and cost a layout each. While focus is inside the list the rows hold still
 * (new items are merged and counted, and show when focus leaves), so a focused row never
 * changes under a keyboard or screen-reader user. Items are grouped by day under "Today",
 * "Yesterday" or the date in the element's language, and carry an avatar: the item's `avatar`
 * image (http, https or relative only) or the user's initials on a colour derived from the user.
 *
 * Older pages: a "Load older" button after the list (shown while older items may exist); it
 * shows loading and, on failure, an error with the same button as retry. After a load started
 * from the button, focus moves to the first new item (or stays on the button when nothing new is
 * shown). With `infinite`, a sentinel after the list loads the next page when it scrolls into
 * view. A page that arrives after live events pushed the oldest items out (under `max`) is
 * dropped rather than leave a gap; asking again loads from the new oldest item. Older pages the
 * user asked for raise the bound so they are not trimmed away at once; live events then push the
 * oldest out again.
 *
 * Filter and sort: `filter` holds clauses separated by `;`, all of which must hold, each
 * `field op value` with op `=` or `!=` (one value, or alternatives `a|b`), `~` (contains),
 * `^=` (starts with), `>`, `>=`, `<`, `<=`; for example `action=commented on;userName~Ada`.
 * Fields: `seq`, `ts`, `id`, `userId`, `userName`, `action`, `target`, `link`, `avatar`; text is
 * compared case-sensitively, `seq` as a number, `ts` as a number or a date (`ts>=2026-01-01`).
 * `sort-by` names fields separated by commas, each with an optional `-` for descending (`-ts`,
 * `userName,-ts`); equal keys keep the newest first, and without it the list is newest first by
 * `seq`. Day headings show only while the list is in time order (no `sort-by`, or one starting
 * with `ts` or `seq`). An invalid `filter` or `sort-by` is ignored as a whole and reported once
 * (an `activity-spec-error` event and a console warning); it never throws. When more than
 * {@link ACTIVITY_POOL_THRESHOLD} (2,000) items are kept, filtering and sorting run in a
 * `WorkerPool` shared by every feed of the page (started on first need, terminated when the last
 * feed using it disconnects); the list keeps showing the previous view until the new one arrives,
 * in the next frame's render, and a newer change cancels a request still running. Smaller lists
 * are filtered inline by the same functions, with the same results. `predicate` runs on the main
 * thread, after the rest.
 *
 * @summary A live list of recent activity, grouped by day, with older pages and filters.
 *
 * @tagname activity-feed
 *
 * @attr {number} max - Most items kept (all of them, filtered or not); the oldest leave first. Default 1000.
 * @attr {boolean} infinite - Load older pages when the end of the list scrolls into view.
 * @attr {string} filter-user - Show only items whose `userId` or `userName` equals this.
 * @attr {string} filter-action - Show only items whose `action` equals this.
 * @attr {string} filter - Clauses separated by `;`, all of which must hold: `field op value` with op `=`, `!=`, `~` (contains), `^=` (starts with), `>`, `>=`, `<`, `<=`; `a|b` after `=` or `!=` for alternatives. Example: `action=commented on;userName~Ada`.
 * @attr {string} sort-by - Fields separated by commas, `-` before one for descending (`-ts`, `userName,-ts`). Default: newest first by `seq`.
 * @attr {boolean} live - Reflected, read-only: the connection is open.
 * @attr {string} lang - Language of labels, day headings and relative times; defaults to the page's.
 *
 * @prop {Partial<RealtimeStrings>} strings - Overrides for single strings of the table.
 * @prop {(item: ActivityItem) => unknown} renderItem - Optional template for one item's content (inside its `<li part="item">`, after the day heading; replaces avatar, text and time).
 * @prop {(item: ActivityItem) => boolean} predicate - Optional predicate, on the main thread; combined with `filter`, `filter-user` and `filter-action`.
 * @prop {readonly ActivityItem[]} items - Read-only: every kept item, newest first, filtered or not.
 * @prop {readonly ActivityItem[]} filteredItems - Read-only: what the list shows: the kept items that pass the filters, in `sort-by` order (newest first without it). While the pool computes a new view, still the previous one.
 * @prop {boolean} hasOlder - Read-only: older items may exist on the server (the "Load older" button shows).
 *
 * @fires {ActivityLoadErrorEvent} activity-load-error - A page could not be loaded (`before` is null for the first page).
 * @fires {ActivitySpecErrorEvent} activity-spec-error - `filter` or `sort-by` holds a value that cannot be read; the feed ignores that attribute (once per value).
 *
 * @slot loading - Shown while the first page loads and nothing is listed yet. Default: "Loading activity…".
 * @slot empty - Shown when there is nothing to list. Default: "No activity yet.".
 * @slot no-match - Shown when items are kept but the filters hide them all. Default: "No activity matches the filter.".
 * @slot error - Shown when the first page failed, next to a retry button. Default: "Activity could not be loaded.".
 *
 * @csspart header - Heading and live indicator.
 * @csspart heading - The feed's title.
 * @csspart status - The live/offline indicator (icon and words).
 * @csspart scroller - Wraps the list and the older-page controls; bound its height (or set `--rt-activity-max-block-size`) to scroll inside the feed.
 * @csspart list - The list of items (virtualized: only rows near the viewport are present).
 * @csspart item - One item (an `<li>`; focused, with `tabindex="-1"`, after "Load older" brings it).
 * @csspart day - The day heading at the top of the first item of each day.
 * @csspart entry - An item's default content: avatar and text.
 * @csspart avatar - The user's picture (`<img>`) or initials (`<span>`).
 * @csspart body - Actor, action, target and time.
 * @csspart actor - Who did it.
 * @csspart action - What they did.
 * @csspart target - What they did it to (a link when the item has one).
 * @csspart time - The relative time.
 * @csspart loading - The loading state.
 * @csspart empty - The empty state (also when filters hide every item, with `data-reason="filtered"`).
 * @csspart error - The error state of the first page.
 * @csspart retry - The retry button of the error state.
 * @csspart older - Older-page controls after the list.
 * @csspart load-older - The "Load older" button (its label reads "Retry" after a failure); `data-state` is idle, loading or error.
 * @csspart older-status - Polite status text while an older page loads.
 * @csspart older-error - The error text of a failed older page.
 *
 * @cssprop [--rt-feed-gap=0.5rem] - Space between items.
 * @cssprop [--rt-feed-color=inherit] - Text colour.
 * @cssprop [--rt-feed-muted-color=color-mix(in srgb, currentColor 75%, transparent)] - Colour of times.
 * @cssprop [--rt-activity-border-color=#e5e7eb] - Separator between items.
 * @cssprop [--rt-activity-padding-block=0.375rem] - Block padding of an item.
 * @cssprop [--rt-activity-padding-inline=0] - Inline padding of an item.
 * @cssprop [--rt-activity-max-block-size=none] - Largest block size of the scroller part; the list scrolls inside it beyond that.
 * @cssprop [--rt-activity-avatar-size=2rem] - Avatar width and height.
 * @cssprop [--rt-activity-avatar-background=hsl(<hue from the user> 60% 86%)] - Background of initials.
 * @cssprop [--rt-activity-avatar-color=#1f2937] - Colour of initials.
 * @cssprop [--rt-activity-day-color=inherit] - Colour of day headings.
 * @cssprop [--rt-activity-focus-color=Highlight] - Outline of a focused item.
 * @cssprop [--rt-color-success=#15803d] - Live indicator colour.
 * @cssprop [--rt-color-neutral=#6b7280] - Offline indicator colour.
 * @cssprop [--rt-color-danger=#b91c1c] - Colour of the older-page error text.
 */
export class ActivityFeed extends LitElement {
  static override styles = [sharedStyles, activityFeedStyles];

  /** Most items kept, filtered or not; the oldest (smallest `seq`) leave first. */
  @property({ type: Number }) max = ACTIVITY_DEFAULT_MAX;

  /** Load older pages when the end of the list scrolls into view. */
  @property({ type: Boolean }) infinite = false;

  /** Show only items whose `userId` or `userName` equals this. */
  @property({ attribute: 'filter-user' }) filterUser: string | null = null;

  /** Show only items whose `action` equals this. */
  @property({ attribute: 'filter-action' }) filterAction: string | null = null;

  /**
   * Clauses separated by `;` that must all hold, e.g. `action=commented on;userName~Ada` (see the
   * class description for the syntax). Invalid: ignored and reported by `activity-spec-error`.
   */
  @property() filter: string | null = null;

  /** Fields separated by commas, `-` for descending (`-ts`). Default: newest first by `seq`. */
  @property({ attribute: 'sort-by' }) sortBy: string | null = null;

  /** Optional predicate, run on the main thread after `filter`, `filterUser` and `filterAction`. */
  @property({ attribute: false }) predicate: ActivityFilter | undefined = undefined;

  /** Whether the connection is open; reflected for styling. Set by the element. */
  @property({ type: Boolean, reflect: true }) live = false;

  /** Overrides for single strings of the table. */
  @property({ attribute: false }) strings: Partial<RealtimeStrings> = {};

  /** Optional template for one item's content; the default shows avatar, actor, action, target and time. */
  @property({ attribute: false }) renderItem: ((item: ActivityItem) => unknown) | undefined = undefined;

  readonly #list = new ActivityList<ActivityItem>(ACTIVITY_DEFAULT_MAX);
  // What the list shows: #list.items itself when no filter or sort applies, else a derived copy.
  #shown: readonly ActivityItem[] = [];
  #shownFrom: readonly ActivityItem[] | null = null;
  // The filters and sort in force, and the items the latest view was asked for (shown or not yet).
  #spec: ViewSpec | null = null;
  #derivedFrom: readonly ActivityItem[] | null = null;
  // A view being computed in the pool, and one that arrived and waits for the next frame's render.
  #request: AbortController | null = null;
  #arrived: { readonly items: readonly ActivityItem[]; readonly view: readonly ActivityItem[]; readonly spec: ViewSpec } | null = null;
  #viewWaiters: (() => void)[] = [];
  #pool: Promise<WorkerPool> | null = null;
  // Invalid values already reported, so each is reported once; and events to fire after the update.
  readonly #reported = new Map<'filter' | 'sort-by', string>();
  #specErrors: ActivitySpecErrorEvent[] = [];
  // Bumped on `sys.reset` so the task sees new arguments and loads the first page again.
  #generation = 0;

  #olderState: OlderState = 'idle';
  // Identifies the older request in flight; a reset or a newer request makes an answer stale.
  #olderRequest: AbortController | null = null;
  // After a load from the button: the cursor it used, so the first item below it takes focus.
  #focusBelow: number | null = null;
  #focusTries = 0;
  // Set after an older page made progress: load the next one if the sentinel is still in view.
  #continueInfinite = false;
  readonly #brokenAvatars = new Set<string>();
  // Resolves once the virtualizer rendered rows for the latest list (see getUpdateComplete).
  #rows: { promise: Promise<void>; resolve: () => void; timer: ReturnType<typeof setTimeout> } | null = null;
  #renderedShown: readonly ActivityItem[] = [];

  readonly #api = new ContextSubscription(this, apiContext);
  readonly #times = new RelativeTimeController(this);
  readonly #frames = new BurstScheduler();
  // No bound by arrival here: replays and repeats arrive out of order, and only the merge (by `seq`)
  // knows which items to keep. In hidden tabs the timers flush every 250 to 500 ms (the burst limit's
  // wait, then the frame scheduler's fallback).
  readonly #batch = new FrameBatcher<ActivityItem>(
    this,
    (items) => {
      this.#list.merge(items);
      this.#frames.flushed(items.length);
    },
    { scheduler: this.#frames },
  );
  readonly #connection = new ConnectionController(this, {
    subscribe: (connection) => [
      connection.on('activity.new', (envelope) => {
        // Only logged events have a seq; without one there is nothing to merge by.
        if (envelope.seq === undefined) return;
        this.#batch.add({ ...envelope.payload, seq: envelope.seq, ts: envelope.ts });
      }),
      connection.onReset(() => this.#reset()),
    ],
  });
  readonly #sentinel = new SentinelWatch(this, () => this.#loadFromSentinel(), {
    create: () => (callback, options) => this.createIntersectionObserver(callback, options),
    // Start the next page a little before the end is reached.
    init: { rootMargin: '0px 0px 200px 0px' },
  });

  readonly #firstPage = new Task(this, {
    task: async ([api], { signal }): Promise<Page<ActivityItem> | typeof initialState> => {
      if (!api) return initialState;
      return api.listActivities({ limit: ACTIVITY_PAGE_SIZE, signal });
    },
    args: () => [this.#api.value, this.#generation] as const,
    onComplete: (page) => {
      // A new first page (retry, reset, other provider) makes any older request in flight stale.
      this.#cancelOlder();
      this.#list.mergePage(page, false);
    },
    onError: (error) => {
      // Built first: the manifest analyzer would read an inline `new …(error)` as an event named "error".
      const event = new ActivityLoadErrorEvent(error);
      this.dispatchEvent(event);
    },
  });

  /** Every kept item, newest first, filtered or not. */
  get items(): readonly ActivityItem[] {
    return this.#list.items;
  }

  /**
   * What the list shows: the kept items that pass the filters, in `sort-by` order (newest first
   * without it). While the pool computes a new view, still the previous one.
   */
  get filteredItems(): readonly ActivityItem[] {
    return this.#shown;
  }

  /** Whether older items may exist on the server (the "Load older" button shows). */
  get hasOlder(): boolean {
    return this.#list.next !== null && this.#firstPage.status === TaskStatus.COMPLETE;
  }

  /** Loads the first page again (the error state's retry button does this). */
  reload(): void {
    this.#generation += 1;
    this.requestUpdate();
  }

  /**
   * Loads the next older page (`before=` the oldest kept item), as the "Load older" button does.
   * Resolves when it has been merged, dropped as stale, or has failed; does nothing while a page
   * loads or when nothing older exists.
   */
  async loadOlder(): Promise<void> {
    const api = this.#api.value;
    const before = this.#list.next;
    if (!api || before === null || this.#olderState === 'loading' || !this.hasOlder) return;
    const request = new AbortController();
    this.#olderRequest = request;
    this.#olderState = 'loading';
    this.requestUpdate();
    let page: Page<ActivityItem>;
    try {
      page = await api.listActivities({ before, limit: ACTIVITY_PAGE_SIZE, signal: request.signal });
    } catch (error) {
      if (this.#olderRequest !== request) return;
      this.#olderRequest = null;
      this.#olderState = 'error';
      this.requestUpdate();
      const event = new ActivityLoadErrorEvent(error, before);
      this.dispatchEvent(event);
      return;
    }
    if (this.#olderRequest !== request) return;
    this.#olderRequest = null;
    this.#olderState = 'idle';
    // Live events pushed items out while the page was on its way: merging it would leave a gap.
    if (this.#list.next === before) {
      const focused = this.#loadOlderButton();
      if (focused && this.shadowRoot?.activeElement === focused) {
        this.#focusBelow = before;
        this.#focusTries = 0;
      }
      this.#list.mergePage(page, true);
      this.#continueInfinite = this.#list.next !== before;
    }
    this.requestUpdate();
  }

  /**
   * Makes the observer behind `infinite`. Subclasses (and tests) may return their own, for
   * example where the page is not rendered and intersections are never computed.
   */
  protected createIntersectionObserver(callback: IntersectionObserverCallback, options: IntersectionObserverInit): IntersectionObserverLike {
    return browserIntersectionObserver(callback, options);
  }

  constructor() {
    super();
    // Follows a change of this element's or the page's `lang`.
    new LangController(this);
  }

  /**
   * Makes the worker pool that feeds of this class share once a list grows past
   * {@link ACTIVITY_POOL_THRESHOLD}. Subclasses (and tests) may start workers another way, for
   * example from a URL their server compiles; every feed of one class shares the pool it makes.
   * The default loads the pool's module on first need, so pages whose lists stay small never
   * download it.
   */
  protected static createWorkerPool(): WorkerPool | Promise<WorkerPool> {
    return import('../../services/worker-pool.js').then(({ WorkerPool }) => new WorkerPool());
  }

  override connectedCallback(): void {
    useFrameResizeObserver();
    super.connectedCallback();
    // A view that was being computed when the feed left is asked for again.
    if (this.#derivedFrom === null && this.#spec !== null) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#settleRows();
    if (this.#request) {
      this.#request.abort();
      this.#request = null;
      this.#derivedFrom = null;
    }
    if (this.#pool) {
      this.#pool = null;
      releaseSharedPool(this.#poolKey, this);
    }
    this.#settleView();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.live = this.#connection.status.state === 'open';
    if (changed.has('max') && this.#cap !== this.#list.limit) this.#list.setCap(this.#cap);
    const items = this.#list.items;
    const specChanged =
      this.#spec === null ||
      changed.has('filter') ||
      changed.has('sortBy') ||
      changed.has('filterUser') ||
      changed.has('filterAction') ||
      changed.has('predicate');
    if (specChanged) this.#spec = this.#readSpec();
    const spec = this.#spec!;
    // A view from the pool shows now, in this frame's render, unless the filters changed since.
    const arrived = this.#arrived;
    this.#arrived = null;
    if (arrived && arrived.spec === spec) {
      this.#shown = arrived.view;
      this.#shownFrom = arrived.items;
    }
    // While focus is in the list the rows hold still; what arrived meanwhile shows on focus out.
    const held = items.length > 0 && this.#focusInList();
    if (specChanged || (items !== this.#derivedFrom && !held)) this.#derive(items, spec);
    if (!this.#request && !this.#arrived) this.#settleView();
  }

  protected override update(changed: Map<PropertyKey, unknown>): void {
    const before = this.#renderedShown;
    super.update(changed);
    this.#renderedShown = this.#shown;
    if (this.#shown !== before && this.#shown.length > 0 && this.isConnected && !this.#rows) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      // The virtualizer lays out on microtasks; the timer only guards against one that never does.
      const timer = setTimeout(() => this.#settleRows(), FRAME_FALLBACK_MS);
      this.#rows = { promise, resolve, timer };
    }
  }

  protected override updated(): void {
    const errors = this.#specErrors;
    this.#specErrors = [];
    for (const error of errors) this.dispatchEvent(error);
    const sentinel = this.infinite ? this.renderRoot.querySelector('[data-sentinel]') : null;
    this.#sentinel.watch(sentinel);
    // Only once the page shows: while focus holds the rows, the sentinel has not moved yet.
    if (this.#continueInfinite && this.#shownFrom === this.#list.items) {
      this.#continueInfinite = false;
      // After this update, not inside it: a load asks for another render.
      if (this.#sentinel.visible) queueMicrotask(() => this.#loadFromSentinel());
    }
    this.#tryFocus();
  }

  /** Also waits for live events received so far to be flushed, rendered, and their rows laid out. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#batch.settled;
    let result = await super.getUpdateComplete();
    // A view computed in the pool shows in the render after it arrives.
    while (this.#request || this.#arrived) {
      await new Promise<void>((resolve) => this.#viewWaiters.push(resolve));
      result = await super.getUpdateComplete();
    }
    if (this.#rows) await this.#rows.promise;
    return result;
  }

  protected override render() {
    const lang = resolveLang(this);
    const strings = stringsFor(lang, this.strings);
    const status = this.#firstPage.status;
    const kept = this.#list.size > 0;
    const shown = this.#shown;
    return html`<div part="header">
        <span part="heading">${strings.activityLabel}</span>
        ${this.#renderStatus(strings)}
      </div>
      ${status === TaskStatus.ERROR
        ? html`<div part="error" role="alert">
            <slot name="error">${strings.activityError}</slot>
            <button part="retry" type="button" @click=${() => this.reload()}>${strings.retry}</button>
          </div>`
        : nothing}
      ${!kept && status === TaskStatus.PENDING
        ? html`<div part="loading" role="status"><slot name="loading">${strings.activityLoading}</slot></div>`
        : nothing}
      ${!kept && (status === TaskStatus.COMPLETE || status === TaskStatus.INITIAL)
        ? html`<div part="empty"><slot name="empty">${strings.activityEmpty}</slot></div>`
        : nothing}
      ${kept && shown.length === 0 && !this.#request
        ? html`<div part="empty" data-reason="filtered"><slot name="no-match">${strings.activityNoMatch}</slot></div>`
        : nothing}
      <!-- Focusable so keyboard users can scroll it when a page bounds its height and no row holds a link. -->
      <div part="scroller" tabindex=${shown.length === 0 ? nothing : '0'} role=${shown.length === 0 ? nothing : 'region'} aria-label=${shown.length === 0 ? nothing : strings.activityLabel}>
        ${shown.length === 0 ? nothing : this.#renderList(shown, lang, strings)}
        ${this.hasOlder ? this.#renderOlder(strings) : nothing}
        ${this.infinite && this.hasOlder ? html`<div data-sentinel aria-hidden="true"></div>` : nothing}
      </div>`;
  }

  #renderList(shown: readonly ActivityItem[], lang: string, strings: RealtimeStrings) {
    const now = Date.now();
    const size = shown.length;
    // Day headings only make sense while the rows are in time order.
    const first = this.#spec?.sort?.[0]?.field;
    const byTime = first === undefined || first === 'ts' || first === 'seq';
    return html`<ol
      part="list"
      aria-label=${strings.activityLabel}
      aria-busy=${this.#olderState === 'loading' ? 'true' : 'false'}
      @rangeChanged=${this.#onRangeChanged}
      @focusout=${this.#onListFocusOut}
    >
      ${virtualize({
        items: shown as ActivityItem[],
        // Rows are reused by position: under a stream every visible item changes each render, and
        // updating text in place costs far less than replacing rows. Focus inside the list holds
        // the view still (see willUpdate), so a focused row never changes under the user.
        keyFunction: rowKey,
        layout: LAYOUT,
        renderItem: (item: ActivityItem, index: number) => {
          const previous = index > 0 ? shown[index - 1] : undefined;
          const day = dayStart(item.ts);
          const heading = byTime && (previous === undefined || dayStart(previous.ts) !== day);
          return html`<li part="item" data-seq=${item.seq} aria-setsize=${size} aria-posinset=${index + 1}>
            ${heading ? html`<div part="day">${dayLabel(day, now, lang, strings)}</div>` : nothing}
            ${this.renderItem ? this.renderItem(item) : this.#renderEntry(item, now)}
          </li>`;
        },
      })}
    </ol>`;
  }

  #renderOlder(strings: RealtimeStrings) {
    const state = this.#olderState;
    return html`<div part="older" data-state=${state}>
      <span part="older-status" role="status">${state === 'loading' ? strings.activityLoadingOlder : ''}</span>
      ${state === 'error' ? html`<span part="older-error" id="older-error" role="alert">${strings.activityOlderError}</span>` : nothing}
      <button
        part="load-older"
        type="button"
        data-state=${state}
        aria-disabled=${state === 'loading' ? 'true' : 'false'}
        aria-describedby=${state === 'error' ? 'older-error' : nothing}
        @click=${this.#onLoadOlderClick}
      >
        ${state === 'error' ? strings.retry : strings.activityLoadOlder}
      </button>
    </div>`;
  }

  #renderStatus(strings: RealtimeStrings) {
    const state = this.#connection.status.state;
    // The same words as the badge for every state but open, so a page never shows two names for one state.
    const words = state === 'open' ? strings.live : stateLabel(strings, state);
    // A filled dot for live, a hollow ring otherwise: the words carry the meaning, the shape backs them up.
    return html`<span part="status" data-state=${state}>
      <svg viewBox="0 0 10 10" aria-hidden="true" focusable="false">
        ${state === 'open'
          ? svg`<circle cx="5" cy="5" r="4.5" fill="currentColor"></circle>`
          : svg`<circle cx="5" cy="5" r="3.75" fill="none" stroke="currentColor" stroke-width="1.5"></circle>`}
      </svg>
      <span>${words}</span>
    </span>`;
  }

  #renderEntry(item: ActivityItem, now: number) {
    return html`<div part="entry">
      ${this.#renderAvatar(item)}
      <div part="body">
        <span part="actor">${item.userName}</span>
        <span part="action">${item.action}</span>
        ${item.link ? html`<a part="target" href=${item.link}>${item.target}</a>` : html`<span part="target">${item.target}</span>`}
        <time part="time" datetime=${new Date(item.ts).toISOString()}>${this.#times.format(item.ts, now)}</time>
      </div>
    </div>`;
  }

  #renderAvatar(item: ActivityItem) {
    // The name is written next to it, so the picture is decorative (empty alt, hidden initials).
    if (item.avatar && !this.#brokenAvatars.has(item.avatar)) {
      return html`<img
        part="avatar"
        src=${item.avatar}
        alt=""
        width="32"
        height="32"
        loading="lazy"
        decoding="async"
        referrerpolicy="no-referrer"
        @error=${this.#onAvatarError}
      />`;
    }
    const hue = hueOf(item.userId ?? item.userName);
    return html`<span part="avatar" aria-hidden="true" style=${styleMap({ '--rt-avatar-hue': String(hue) })}>${initials(item.userName)}</span>`;
  }

  readonly #onAvatarError = (event: Event): void => {
    const src = (event.target as HTMLImageElement).getAttribute('src');
    if (!src) return;
    if (this.#brokenAvatars.size >= BROKEN_AVATARS_MAX) this.#brokenAvatars.clear();
    this.#brokenAvatars.add(src);
    this.requestUpdate();
  };

  readonly #onListFocusOut = (event: FocusEvent): void => {
    const left = event.target as HTMLElement;
    if (left.getAttribute('part') === 'item') left.removeAttribute('tabindex');
    const next = event.relatedTarget as Node | null;
    if (next && (event.currentTarget as Element).contains(next)) return;
    // Show what arrived while focus held the rows still.
    this.requestUpdate();
  };

  readonly #onLoadOlderClick = (): void => {
    void this.loadOlder();
  };

  readonly #onRangeChanged = (): void => {
    // The virtualizer renders the new rows in its own listener, which runs after this one.
    queueMicrotask(() => {
      this.#settleRows();
      this.#tryFocus();
    });
  };

  #loadFromSentinel(): void {
    if (!this.infinite || this.#olderState !== 'idle') return;
    void this.loadOlder();
  }

  #focusInList(): boolean {
    const active = this.shadowRoot?.activeElement;
    return !!active && !!this.renderRoot.querySelector('[part="list"]')?.contains(active);
  }

  #loadOlderButton(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part="load-older"]');
  }

  #tryFocus(): void {
    const below = this.#focusBelow;
    if (below === null) return;
    const shown = this.#shown;
    // Newest first: the first item under the cursor is the first one the page brought.
    const index = shown.findIndex((item) => item.seq < below);
    const button = this.#loadOlderButton();
    if (index === -1 && button) {
      // Nothing new is shown (filtered out, or repeats): the button keeps focus.
      this.#focusBelow = null;
      return;
    }
    const target = index === -1 ? shown[shown.length - 1] : shown[index];
    const row = target ? this.renderRoot.querySelector<HTMLElement>(`[part="item"][data-seq="${target.seq}"]`) : null;
    if (row) {
      // Focusable only while it holds focus: a click on a row's text must not pause the list.
      row.tabIndex = -1;
      row.focus();
      this.#focusBelow = null;
    } else if (++this.#focusTries > 5 || !target) {
      // The row never came into range: leave focus alone rather than take it later.
      this.#focusBelow = null;
    }
  }

  #settleRows(): void {
    const rows = this.#rows;
    if (!rows) return;
    this.#rows = null;
    clearTimeout(rows.timer);
    rows.resolve();
  }

  /** Reads the attributes into a spec; an invalid one counts as absent and is reported once. */
  #readSpec(): ViewSpec {
    const filter = this.#checked('filter', this.filter, parseFilter(this.filter));
    const sort = this.#checked('sort-by', this.sortBy, parseSortBy(this.sortBy));
    return viewSpec(filter, sort, this.filterUser || null, this.filterAction || null, this.predicate ?? null);
  }

  #checked<T>(attribute: 'filter' | 'sort-by', value: string | null, parsed: SpecResult<T | null>): T | null {
    if (parsed.ok) {
      this.#reported.delete(attribute);
      return parsed.value;
    }
    if (this.#reported.get(attribute) !== value) {
      this.#reported.set(attribute, value ?? '');
      issueWarning(`activity-invalid-${attribute}`, `<${this.localName}> ignores ${parsed.message}.`);
      this.#specErrors.push(new ActivitySpecErrorEvent(attribute, value ?? '', parsed.message));
    }
    return null;
  }

  /** Starts the view of `items`: at once inline, or in the pool for a large list. */
  #derive(items: readonly ActivityItem[], spec: ViewSpec): void {
    this.#derivedFrom = items;
    // Whatever was being computed is for older items or filters.
    this.#request?.abort();
    this.#request = null;
    if (items.length <= ACTIVITY_POOL_THRESHOLD || !poolWork(spec) || !this.isConnected) {
      this.#shown = this.#inline(items, spec);
      this.#shownFrom = items;
      return;
    }
    const request = new AbortController();
    this.#request = request;
    this.#pool ??= acquireSharedPool(this.#poolKey, () => (this.constructor as typeof ActivityFeed).createWorkerPool(), this);
    const done = (view: readonly ActivityItem[]): void => {
      this.#request = null;
      this.#arrived = { items, view, spec };
      // With the next frame's flush: a view never adds a second render to a frame.
      this.#batch.requestFrame();
    };
    deriveInPool(this.#pool, items, spec, request.signal).then(
      (view) => {
        if (this.#request === request) done(view);
      },
      (error: unknown) => {
        // Cancelled by a newer change or by leaving; anything else (a worker that crashed) is
        // computed here rather than leave the list stale.
        if (this.#request !== request) return;
        issueWarning('activity-pool-failed', `<${this.localName}> computed its view on the main thread: ${String(error)}`);
        done(this.#inline(items, spec));
      },
    );
  }

  #inline(items: readonly ActivityItem[], spec: ViewSpec): readonly ActivityItem[] {
    if (!poolWork(spec)) return spec.predicate ? items.filter(spec.predicate) : items;
    try {
      return deriveInline(items, spec);
    } catch (error) {
      // Items that are not plain data (set by a page through a custom API): show them unsorted.
      issueWarning('activity-view-failed', `<${this.localName}> could not filter or sort its items: ${String(error)}`);
      return spec.predicate ? items.filter(spec.predicate) : items;
    }
  }

  /** Feeds of one class share a pool; a subclass with its own factory gets its own. */
  get #poolKey(): object {
    return (this.constructor as typeof ActivityFeed).createWorkerPool;
  }

  #settleView(): void {
    const waiters = this.#viewWaiters;
    this.#viewWaiters = [];
    for (const resolve of waiters) resolve();
  }

  get #cap(): number {
    return Number.isFinite(this.max) && this.max > 0 ? Math.floor(this.max) : ACTIVITY_DEFAULT_MAX;
  }

  #cancelOlder(): void {
    this.#olderRequest?.abort();
    this.#olderRequest = null;
    this.#olderState = 'idle';
  }

  #reset(): void {
    // The log was truncated or replaced: what we hold may not match it any more.
    this.#batch.clear();
    this.#cancelOlder();
    this.#list.clear();
    this.reload();
  }
}
