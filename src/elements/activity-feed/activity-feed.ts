import { Task, TaskStatus, initialState } from '@lit/task';
import { LitElement, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ConnectionController } from '../../controllers/connection-controller.js';
import { LangController } from '../../controllers/lang-controller.js';
import { ContextSubscription } from '../../controllers/context-subscription.js';
import { FrameBatcher } from '../../controllers/frame-batcher.js';
import { RelativeTimeController } from '../../controllers/relative-time-controller.js';
import { apiContext } from '../../context/keys.js';
import { ActivityLoadErrorEvent } from '../../events/activity-load-error-event.js';
import type { ActivityItem, Page } from '../../protocol/index.js';
import { type RealtimeStrings, resolveLang, stateLabel, stringsFor } from '../../strings.js';
import { activityFeedStyles } from './activity-feed.styles.js';
import { sharedStyles } from '../shared.styles.js';

/** Size of the first page asked from the API. */
export const ACTIVITY_PAGE_SIZE = 20;

/**
 * Recent activity: the first page from the API (`GET /api/activities`) merged with live
 * `activity.new` events by `seq`, newest first, each once. Events that arrive while the first page
 * is loading are kept (C12). When the server resets its log the feed reloads its first page.
 * Shows whether it is live, and loading, empty and error states that pages can replace.
 *
 * @summary A live list of recent activity.
 *
 * @tagname activity-feed
 *
 * @attr {number} max - Most items kept; the oldest leave first. Default 100.
 * @attr {boolean} live - Reflected, read-only: the connection is open.
 * @attr {string} lang - Language of labels and relative times; defaults to the page's.
 *
 * @prop {Partial<RealtimeStrings>} strings - Overrides for single strings of the table.
 * @prop {(item: ActivityItem) => unknown} renderItem - Optional template for one item's content (inside its `<li part="item">`).
 * @prop {readonly ActivityItem[]} items - Read-only: what the feed shows, newest first.
 *
 * @fires {ActivityLoadErrorEvent} activity-load-error - The first page could not be loaded.
 *
 * @slot loading - Shown while the first page loads and nothing is listed yet. Default: "Loading activity…".
 * @slot empty - Shown when there is nothing to list. Default: "No activity yet.".
 * @slot error - Shown when the first page failed, next to a retry button. Default: "Activity could not be loaded.".
 *
 * @csspart header - Heading and live indicator.
 * @csspart heading - The feed's title.
 * @csspart status - The live/offline indicator (icon and words).
 * @csspart list - The list of items.
 * @csspart item - One item.
 * @csspart actor - Who did it.
 * @csspart action - What they did.
 * @csspart target - What they did it to (a link when the item has one).
 * @csspart time - The relative time.
 * @csspart loading - The loading state.
 * @csspart empty - The empty state.
 * @csspart error - The error state.
 * @csspart retry - The retry button of the error state.
 *
 * @cssprop [--rt-feed-gap=0.5rem] - Space between items.
 * @cssprop [--rt-feed-color=inherit] - Text colour.
 * @cssprop [--rt-feed-muted-color=color-mix(in srgb, currentColor 75%, transparent)] - Colour of times.
 * @cssprop [--rt-activity-border-color=#e5e7eb] - Separator between items.
 * @cssprop [--rt-activity-padding-block=0.375rem] - Block padding of an item.
 * @cssprop [--rt-activity-padding-inline=0] - Inline padding of an item.
 * @cssprop [--rt-color-success=#15803d] - Live indicator colour.
 * @cssprop [--rt-color-neutral=#6b7280] - Offline indicator colour.
 */
export class ActivityFeed extends LitElement {
  static override styles = [sharedStyles, activityFeedStyles];

  /** Most items kept; the oldest (smallest `seq`) leave first. */
  @property({ type: Number }) max = 100;

  /** Whether the connection is open; reflected for styling. Set by the element. */
  @property({ type: Boolean, reflect: true }) live = false;

  /** Overrides for single strings of the table. */
  @property({ attribute: false }) strings: Partial<RealtimeStrings> = {};

  /** Optional template for one item's content; the default shows actor, action, target and time. */
  @property({ attribute: false }) renderItem: ((item: ActivityItem) => unknown) | undefined = undefined;

  // Keyed by seq: the first page and live events meet here, so each seq shows once.
  readonly #bySeq = new Map<number, ActivityItem>();
  #sorted: readonly ActivityItem[] = [];
  // Bumped on `sys.reset` so the task sees new arguments and loads the first page again.
  #generation = 0;

  readonly #api = new ContextSubscription(this, apiContext);
  readonly #times = new RelativeTimeController(this);
  // No bound by arrival here: replays and repeats arrive out of order, and only the merge (by `seq`)
  // knows which items to keep. The batcher's timer fallback still flushes hidden tabs every 250 ms.
  readonly #batch = new FrameBatcher<ActivityItem>(this, (items) => this.#merge(items));
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

  readonly #firstPage = new Task(this, {
    task: async ([api], { signal }): Promise<Page<ActivityItem> | typeof initialState> => {
      if (!api) return initialState;
      return api.listActivities({ limit: ACTIVITY_PAGE_SIZE, signal });
    },
    args: () => [this.#api.value, this.#generation] as const,
    onComplete: (page) => this.#merge(page.items),
    onError: (error) => {
      const event = new ActivityLoadErrorEvent(error);
      this.dispatchEvent(event);
    },
  });

  /** What the feed shows, newest first. */
  get items(): readonly ActivityItem[] {
    return this.#sorted;
  }

  /** Loads the first page again (the error state's retry button does this). */
  reload(): void {
    this.#generation += 1;
    this.requestUpdate();
  }

  constructor() {
    super();
    // Follows a change of this element's or the page's `lang`.
    new LangController(this);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.live = this.#connection.status.state === 'open';
    if (changed.has('max') && this.#bySeq.size > this.#cap) this.#merge([]);
  }

  /** Also waits for live events received so far to be flushed into the list and rendered. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#batch.settled;
    return super.getUpdateComplete();
  }

  protected override render() {
    const strings = stringsFor(resolveLang(this), this.strings);
    const status = this.#firstPage.status;
    const empty = this.#sorted.length === 0;
    const now = Date.now();
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
      ${empty && status === TaskStatus.PENDING
        ? html`<div part="loading" role="status"><slot name="loading">${strings.activityLoading}</slot></div>`
        : nothing}
      ${empty && (status === TaskStatus.COMPLETE || status === TaskStatus.INITIAL)
        ? html`<div part="empty"><slot name="empty">${strings.activityEmpty}</slot></div>`
        : nothing}
      ${empty
        ? nothing
        : html`<ol part="list" aria-label=${strings.activityLabel}>
            ${repeat(
              this.#sorted,
              (item) => item.seq,
              (item) => html`<li part="item" data-seq=${item.seq}>${this.renderItem ? this.renderItem(item) : this.#renderItem(item, now)}</li>`,
            )}
          </ol>`}`;
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

  #renderItem(item: ActivityItem, now: number) {
    return html`<span part="actor">${item.userName}</span>
      <span part="action">${item.action}</span>
      ${item.link ? html`<a part="target" href=${item.link}>${item.target}</a>` : html`<span part="target">${item.target}</span>`}
      <time part="time" datetime=${new Date(item.ts).toISOString()}>${this.#times.format(item.ts, now)}</time>`;
  }

  get #cap(): number {
    return Number.isFinite(this.max) && this.max > 0 ? Math.floor(this.max) : 100;
  }

  #merge(items: readonly ActivityItem[]): void {
    for (const item of items) if (!this.#bySeq.has(item.seq)) this.#bySeq.set(item.seq, item);
    const sorted = [...this.#bySeq.values()].sort((a, b) => b.seq - a.seq);
    for (const dropped of sorted.splice(this.#cap)) this.#bySeq.delete(dropped.seq);
    this.#sorted = sorted;
  }

  #reset(): void {
    // The log was truncated or replaced: what we hold may not match it any more.
    this.#batch.clear();
    this.#bySeq.clear();
    this.#sorted = [];
    this.reload();
  }
}
