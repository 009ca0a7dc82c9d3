import { LitElement, type TemplateResult, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ConnectionController } from '../../controllers/connection-controller.js';
import { LangController } from '../../controllers/lang-controller.js';
import { ContextSubscription } from '../../controllers/context-subscription.js';
import { BurstScheduler } from '../../controllers/burst-scheduler.js';
import { FrameBatcher } from '../../controllers/frame-batcher.js';
import { LiveAnnouncer } from '../../controllers/live-announcer.js';
import { RelativeTimeController } from '../../controllers/relative-time-controller.js';
import { apiContext, userContext } from '../../context/keys.js';
import {
  type FeedNotification,
  type NotificationDismissReason,
  NotificationDismissEvent,
  NotificationLoadErrorEvent,
  NotificationMarkErrorEvent,
  NotificationShowEvent,
  NotificationUnreadChangeEvent,
} from '../../events/notification-events.js';
import type { Envelope, NotificationLevel, NotificationReadPayload } from '../../protocol/index.js';
import { type RealtimeStrings, formatString, levelLabel, resolveLang, stringsFor } from '../../strings.js';
import { type FeedEntry, NotificationInbox, type NotificationState } from './notification-inbox.js';
import { notificationFeedStyles } from './notification-feed.styles.js';
import { sharedStyles } from '../shared.styles.js';

/** Where the toast stack floats. */
export type ToastPlacement = 'top-start' | 'top-center' | 'top-end' | 'bottom-start' | 'bottom-center' | 'bottom-end';

/** A floating stack of toasts, or a persistent inbox with the user's read state and older pages. */
export type NotificationVariant = 'toast' | 'inbox';

/** What a custom item template gets besides the notification. */
export interface NotificationItemContext {
  /** How many notifications this row merged (repeats and same-`group` arrivals). */
  readonly count: number;
  readonly unread: boolean;
  readonly variant: NotificationVariant;
}

/** Rows kept by default: a few toasts at once, a longer inbox. */
export const DEFAULT_TOAST_MAX = 5;
export const DEFAULT_INBOX_MAX = 50;
/** Notifications asked per inbox page. */
export const NOTIFICATION_PAGE_SIZE = 20;
/**
 * Shortest time a toast stays before it may leave by itself, in ms: a `duration` below it is
 * raised to it, so nobody has to read against the clock (WCAG 2.2.1 asks for time enough).
 */
export const MIN_TOAST_MS = 4000;
/** After a pause (hover, focus) a toast keeps at least this long, in ms. */
export const RESUME_MIN_MS = 1000;

// A different shape per level, so the level never rests on colour alone (the text label is there too).
const ICONS: { readonly [L in NotificationLevel]: TemplateResult } = {
  info: svg`<circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M10 9v5M10 6v.01" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  success: svg`<circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M6.5 10.2l2.3 2.3 4.7-4.7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  warning: svg`<path d="M10 2.5l8 14.5H2z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><path d="M10 8v4M10 14.5v.01" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  error: svg`<path d="M7 2.5h6l4.5 4.5v6L13 17.5H7L2.5 13V7z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><path d="M7.5 7.5l5 5M12.5 7.5l-5 5" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
};

interface Timing {
  /** When the auto-dismiss fires (ms since the epoch); null while paused or when it stays. */
  expiresAt: number | null;
  /** Time left while paused. */
  remaining: number | null;
}

type PageState = 'idle' | 'loading' | 'error';

/**
 * Live notifications from the nearest `<realtime-provider>`, as floating toasts or as an inbox.
 *
 * **Toasts** (`variant="toast"`, the default) float at one of six `placement`s, newest first, and
 * leave after `duration`. The countdown pauses while the pointer is over the stack or focus is in it
 * and resumes with the time that was left; a toast never leaves sooner than 4 s after it appeared
 * (time enough to read). Escape dismisses the focused toast (or the newest). The dismiss event is
 * cancelable.
 *
 * **Inbox** (`variant="inbox"`) lists the user's notifications from `GET /api/notifications`
 * merged with live ones by `seq`, with older pages on demand, unread markers, mark-read, mark-all-read
 * and archive. Changes show at once and are undone if the server refuses them.
 *
 * Both: notifications addressed to another user (`to`) are ignored; repeats of an id, and the same
 * `group` within `group-window` ms, merge into one row with a count; at most one render per
 * animation frame; the newest `max` rows are kept and the rest summed up as "+N more". The unread
 * count is a property, a reflected attribute and an event, and stays right past the cap. Screen
 * readers hear new notifications through live regions, rate-limited into summaries ("5 new
 * notifications"); errors assertively, the rest politely.
 *
 * @summary Live notifications as toasts or an inbox, with unread counts and accessible announcements.
 *
 * @tagname notification-feed
 *
 * @attr {'toast' | 'inbox'} variant - Floating toasts or a persistent inbox. Default `toast`. Reflected.
 * @attr {'top-start' | 'top-center' | 'top-end' | 'bottom-start' | 'bottom-center' | 'bottom-end'} placement - Where toasts float. Default `bottom-end`. Reflected.
 * @attr {number} duration - Toasts leave after this many ms (never under 4000); `0` keeps them until dismissed. Default 5000.
 * @attr {number} max - Most rows kept; the oldest leave first and are counted in "+N more". Default 5 for toasts, 50 for the inbox.
 * @attr {number} group-window - Same-`group` notifications within this many ms merge into one row; `0` never. Default 10000.
 * @attr {number} unread-count - Reflected, read-only: the user's unread notifications.
 * @attr {string} lang - Language of labels and relative times; defaults to the page's.
 *
 * @prop {Partial<RealtimeStrings>} strings - Overrides for single strings of the table.
 * @prop {(notification: FeedNotification, context: NotificationItemContext) => unknown} renderItem - Optional template for a row's content (level, title, message, time); the row keeps its icon and buttons.
 * @prop {readonly FeedNotification[]} notifications - Read-only: the newest notification of each row, newest first.
 * @prop {number} unreadCount - Read-only: the user's unread notifications, including ones past the cap.
 *
 * @fires {NotificationShowEvent} notification-show - A new row was added (once per row, not per merged repeat).
 * @fires {NotificationDismissEvent} notification-dismiss - A toast is about to leave (by the user or its timer). Cancelable: `preventDefault()` keeps it.
 * @fires {NotificationUnreadChangeEvent} notification-unread-change - The unread count changed; `count` holds it.
 * @fires {NotificationMarkErrorEvent} notification-mark-error - Marking read, seen or archived failed; the change was undone.
 * @fires {NotificationLoadErrorEvent} notification-load-error - The inbox could not load a page.
 *
 * @slot empty - Inbox: shown when there is nothing to list. Default: "No notifications.".
 * @slot loading - Inbox: shown while the first page loads. Default: "Loading notifications…".
 * @slot error - Inbox: shown when a page failed, next to a retry button. Default: "Notifications could not be loaded.".
 *
 * @csspart base - The stack or the inbox.
 * @csspart header - Inbox: heading, unread count and "Mark all as read".
 * @csspart heading - Inbox: the heading.
 * @csspart unread-count - Inbox: the unread count (also as words for screen readers).
 * @csspart mark-all - Inbox: the "Mark all as read" button.
 * @csspart list - The list of rows.
 * @csspart item - One row; also has the part `item-<level>`, and `item-unread` while unread.
 * @csspart icon - The level icon.
 * @csspart content - Level, title, message and time.
 * @csspart level - The level in words.
 * @csspart title - The title (a link when the notification has one).
 * @csspart message - The message text.
 * @csspart time - The relative time.
 * @csspart count - How many notifications merged into the row (shown from 2).
 * @csspart unread - Inbox: the unread marker (a dot and the word for screen readers).
 * @csspart actions - The row's buttons.
 * @csspart dismiss - Toasts: the dismiss button.
 * @csspart mark-read - Inbox: a row's "Mark as read" button.
 * @csspart archive - Inbox: a row's "Archive" button.
 * @csspart more - The "+N more" summary.
 * @csspart load-older - Inbox: the "Load older" button.
 * @csspart loading - Inbox: the loading state.
 * @csspart empty - Inbox: the empty state.
 * @csspart error - Inbox: the error state.
 * @csspart retry - Inbox: the retry button of the error state.
 *
 * @cssprop [--rt-feed-gap=0.5rem] - Space between rows.
 * @cssprop [--rt-feed-color=inherit] - Text colour.
 * @cssprop [--rt-feed-muted-color=color-mix(in srgb, currentColor 75%, transparent)] - Colour of the time.
 * @cssprop [--rt-toast-inset=1rem] - Distance of the toast stack from the viewport edges.
 * @cssprop [--rt-toast-width=22rem] - Width of the toast stack.
 * @cssprop [--rt-toast-z-index=1000] - Stacking order of the toast stack.
 * @cssprop [--rt-toast-shadow=0 4px 12px rgb(0 0 0 / 0.15)] - Shadow of a toast.
 * @cssprop [--rt-notification-background=Canvas] - Background of a row.
 * @cssprop [--rt-notification-unread-background=color-mix(in srgb, var(--rt-color-info, #1d4ed8) 6%, Canvas)] - Background of an unread inbox row.
 * @cssprop [--rt-notification-border-color=#d1d5db] - Border colour.
 * @cssprop [--rt-notification-radius=6px] - Corner radius.
 * @cssprop [--rt-notification-accent-width=4px] - Width of the level-coloured inline-start border.
 * @cssprop [--rt-notification-padding-block=0.5rem] - Block padding.
 * @cssprop [--rt-notification-padding-inline=0.75rem] - Inline padding.
 * @cssprop [--rt-color-info=#1d4ed8] - Accent for info (and the unread dot).
 * @cssprop [--rt-color-success=#15803d] - Accent for success.
 * @cssprop [--rt-color-warning=#b45309] - Accent for warning.
 * @cssprop [--rt-color-danger=#b91c1c] - Accent for error.
 * @cssprop [--rt-focus-color=#2563eb] - Focus ring.
 */
export class NotificationFeed extends LitElement {
  static override styles = [sharedStyles, notificationFeedStyles];

  /** Floating toasts or a persistent inbox. */
  @property({ reflect: true }) variant: NotificationVariant = 'toast';

  /** Where toasts float. */
  @property({ reflect: true }) placement: ToastPlacement = 'bottom-end';

  /** Toasts leave after this many ms (raised to {@link MIN_TOAST_MS}); `0` keeps them until dismissed. */
  @property({ type: Number }) duration = 5000;

  /** Most rows kept; unset means 5 for toasts and 50 for the inbox. */
  @property({ type: Number }) max: number | undefined = undefined;

  /** Same-`group` notifications within this many ms merge into one row; `0` never merges groups. */
  @property({ type: Number, attribute: 'group-window' }) groupWindow = 10_000;

  /** The user's unread notifications; set by the element, reflected for styling and bells. */
  @property({ type: Number, reflect: true, attribute: 'unread-count' }) unreadCount = 0;

  /** Overrides for single strings of the table. */
  @property({ attribute: false }) strings: Partial<RealtimeStrings> = {};

  /** Optional template for a row's content; the row keeps its icon, count and buttons. */
  @property({ attribute: false }) renderItem: ((notification: FeedNotification, context: NotificationItemContext) => unknown) | undefined =
    undefined;

  readonly #inbox = new NotificationInbox({ cap: () => this.#cap, groupWindowMs: () => this.#groupWindowMs });
  readonly #timing = new WeakMap<FeedEntry, Timing>();
  #timer: ReturnType<typeof globalThis.setTimeout> | null = null;
  #hovered = false;
  #focused = false;
  // Older inbox pages raise the cap by what they brought: the user asked for them.
  #extra = 0;
  #next: number | null = null;
  #firstPage: PageState = 'idle';
  #olderPage: PageState = 'idle';
  #loaded = false;
  #pageAbort: AbortController | null = null;
  #recount: Promise<void> | null = null;
  #droppedSeen = 0;
  #reportedUnread = 0;

  readonly #user = new ContextSubscription(this, userContext);
  readonly #api = new ContextSubscription(this, apiContext, () => this.#maybeLoad());
  // In a burst the rows change faster than anyone reads: the stack then renders four times a
  // second, not every frame (the toasts' rows would all be replaced each frame).
  readonly #frames = new BurstScheduler();
  readonly #batch = new FrameBatcher<FeedNotification>(this, (items) => this.#add(items), {
    // Only the newest rows can survive the flush, so a burst in a hidden tab stays bounded.
    max: () => this.#cap,
    scheduler: this.#frames,
  });
  // Timers render through the batch's frame, so a burst still gets one render per frame.
  readonly #times = new RelativeTimeController(this, () => this.#batch.requestFrame());
  readonly #announcer = new LiveAnnouncer(
    this,
    (count, politeness) => {
      const strings = this.#strings;
      return formatString(politeness === 'assertive' ? strings.notificationsAnnounceErrors : strings.notificationsAnnounceMany, { count });
    },
    { requestUpdate: () => this.#batch.requestFrame() },
  );

  constructor() {
    super();
    // Follows a change of this element's or the page's `lang`.
    new LangController(this);
    new ConnectionController(this, {
      subscribe: (connection) => [
        connection.on('notification.new', (envelope) => this.#receive(envelope)),
        connection.on('notification.read', (envelope) => this.#receiveRead(envelope.payload)),
        connection.onReset(() => this.#reset()),
      ],
    });
  }

  /** The newest notification of each row, newest first. */
  get notifications(): readonly FeedNotification[] {
    return this.#inbox.entries.map((entry) => entry.notification);
  }

  /**
   * Dismisses a row by (any of its) notification id as if the user had: fires the cancelable
   * `notification-dismiss` and removes it unless a listener vetoes. Returns whether it was removed.
   */
  dismiss(id: string, reason: NotificationDismissReason = 'user'): boolean {
    const entry = this.#entryOf(id);
    if (!entry) return false;
    const event = new NotificationDismissEvent(entry.notification, reason);
    if (!this.dispatchEvent(event)) {
      this.#timing.set(entry, { expiresAt: null, remaining: null });
      this.#schedule();
      return false;
    }
    this.#inbox.remove(entry);
    this.#schedule();
    this.requestUpdate();
    return true;
  }

  /** Marks notifications read (all of a row's when given any of its ids); optimistic, undone on error. */
  markRead(ids: string | readonly string[]): Promise<void> {
    return this.#mark('read', this.#expand(ids));
  }

  /** Marks every notification of the user read, including ones not loaded. */
  markAllRead(): Promise<void> {
    return this.#mark('read', 'all');
  }

  /** Marks notifications seen (shown to the user, not necessarily read). */
  markSeen(ids: string | readonly string[] | 'all'): Promise<void> {
    return this.#mark('seen', ids === 'all' ? 'all' : this.#expand(ids));
  }

  /** Archives notifications: they leave the inbox and the unread count. */
  archive(ids: string | readonly string[]): Promise<void> {
    return this.#mark('archived', this.#expand(ids));
  }

  /** Inbox: loads the next older page; resolves when it is listed (or failed). */
  async loadOlder(): Promise<void> {
    const api = this.#api.value;
    if (!api || this.#next === null || this.#olderPage === 'loading') return;
    this.#olderPage = 'loading';
    this.requestUpdate();
    const signal = this.#pageSignal();
    try {
      const page = await api.listNotifications({ before: this.#next, limit: NOTIFICATION_PAGE_SIZE, signal });
      if (signal.aborted) return;
      this.#extra += this.#inbox.addPage(page, false).length;
      this.#next = page.next;
      this.#olderPage = 'idle';
    } catch (error) {
      if (signal.aborted) return;
      this.#olderPage = 'error';
      const event = new NotificationLoadErrorEvent(error);
      this.dispatchEvent(event);
    }
    this.requestUpdate();
  }

  /** Inbox: loads the first page again (the error state's retry button does this). */
  reload(): void {
    this.#loaded = false;
    this.#maybeLoad();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('pointerenter', this.#onPointerEnter);
    this.addEventListener('pointerleave', this.#onPointerLeave);
    this.addEventListener('focusin', this.#onFocusIn);
    this.addEventListener('focusout', this.#onFocusOut);
    this.addEventListener('keydown', this.#onKeyDown);
    this.#schedule();
    this.#maybeLoad();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('pointerenter', this.#onPointerEnter);
    this.removeEventListener('pointerleave', this.#onPointerLeave);
    this.removeEventListener('focusin', this.#onFocusIn);
    this.removeEventListener('focusout', this.#onFocusOut);
    this.removeEventListener('keydown', this.#onKeyDown);
    // No pointerleave or focusout follows a removal: unpause so timers resume after a move.
    this.#setPaused(false, false);
    this.#clearTimer();
    this.#pageAbort?.abort();
    this.#pageAbort = null;
    if (this.#firstPage === 'loading') {
      this.#firstPage = 'idle';
      this.#loaded = false;
    }
    if (this.#olderPage === 'loading') this.#olderPage = 'idle';
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('max') || changed.has('variant')) this.#inbox.applyCap();
    if (changed.has('variant')) this.#maybeLoad();
    this.unreadCount = this.#inbox.unread;
  }

  protected override updated(): void {
    if (this.#reportedUnread === this.unreadCount) return;
    this.#reportedUnread = this.unreadCount;
    const event = new NotificationUnreadChangeEvent(this.unreadCount);
    this.dispatchEvent(event);
  }

  /** Also waits for live events received so far to be flushed into the list and rendered. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#batch.settled;
    return super.getUpdateComplete();
  }

  protected override render() {
    const strings = this.#strings;
    return html`${this.#announcer.render()}${this.variant === 'inbox' ? this.#renderInbox(strings) : this.#renderToasts(strings)}`;
  }

  #renderToasts(strings: RealtimeStrings) {
    const entries = this.#inbox.entries;
    const now = Date.now();
    return html`<section part="base" tabindex="-1" aria-label=${strings.notificationsToastsLabel}>
      <ul part="list" role="list">
        ${repeat(entries, (entry) => entry.key, (entry) => this.#renderItem(entry, strings, now))}
      </ul>
      ${this.#renderMore(strings)}
    </section>`;
  }

  #renderInbox(strings: RealtimeStrings) {
    const entries = this.#inbox.entries;
    const now = Date.now();
    const unread = this.#inbox.unread;
    const empty = entries.length === 0;
    return html`<section part="base" tabindex="-1" aria-labelledby="heading">
      <div part="header">
        <h2 part="heading" id="heading">${strings.notificationsLabel}</h2>
        <span part="unread-count" ?hidden=${unread === 0}>${formatString(strings.notificationsUnread, { count: unread })}</span>
        <button part="mark-all" type="button" ?disabled=${unread === 0} @click=${() => void this.markAllRead()}>
          ${strings.notificationsMarkAllRead}
        </button>
      </div>
      ${this.#firstPage === 'error'
        ? html`<div part="error" role="alert">
            <slot name="error">${strings.notificationsError}</slot>
            <button part="retry" type="button" @click=${() => this.reload()}>${strings.retry}</button>
          </div>`
        : nothing}
      ${empty && this.#firstPage === 'loading'
        ? html`<div part="loading" role="status"><slot name="loading">${strings.notificationsLoading}</slot></div>`
        : nothing}
      ${empty && this.#firstPage === 'idle' ? html`<div part="empty"><slot name="empty">${strings.notificationsEmpty}</slot></div>` : nothing}
      ${empty
        ? nothing
        : html`<ul part="list" role="list" aria-label=${strings.notificationsLabel}>
            ${repeat(entries, (entry) => entry.key, (entry) => this.#renderItem(entry, strings, now))}
          </ul>`}
      ${this.#renderMore(strings)}
      ${this.#olderPage === 'error'
        ? html`<div part="error" role="alert">
            ${strings.notificationsError}
            <button part="retry" type="button" @click=${() => void this.loadOlder()}>${strings.retry}</button>
          </div>`
        : nothing}
      ${this.#next !== null && this.#olderPage !== 'error'
        ? html`<button part="load-older" type="button" aria-busy=${this.#olderPage === 'loading' ? 'true' : 'false'} @click=${() => void this.loadOlder()}>
            ${strings.notificationsLoadOlder}
          </button>`
        : nothing}
    </section>`;
  }

  #renderMore(strings: RealtimeStrings) {
    const more = this.#inbox.hidden;
    return more > 0 ? html`<p part="more">${formatString(strings.notificationsMore, { count: more })}</p>` : nothing;
  }

  #renderItem(entry: FeedEntry, strings: RealtimeStrings, now: number) {
    const { notification, count } = entry;
    const { level, title, message, link, ts } = notification;
    const inbox = this.variant === 'inbox';
    const unread = inbox && entry.unreadIds.size > 0;
    const content = this.renderItem
      ? this.renderItem(notification, { count, unread, variant: this.variant })
      : html`<span part="level">${levelLabel(strings, level)}</span>
          ${link
            ? html`<a part="title" href=${link} @click=${() => unread && void this.markRead(entry.ids)}>${title}</a>`
            : html`<span part="title">${title}</span>`}
          ${message ? html`<p part="message">${message}</p>` : null}
          <time part="time" datetime=${new Date(ts).toISOString()}>${this.#times.format(ts, now)}</time>`;
    return html`<li part="item item-${level}${unread ? ' item-unread' : ''}" data-level=${level} data-id=${notification.id}>
      <svg part="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">${ICONS[level]}</svg>
      <div part="content">
        ${unread ? html`<span part="unread"><span class="visually-hidden">${strings.notificationUnread}</span></span>` : nothing}
        ${content}
        ${count > 1 ? html`<span part="count">${formatString(strings.notificationsRepeat, { count })}</span>` : nothing}
      </div>
      <div part="actions">${inbox ? this.#renderInboxActions(entry, unread, strings) : this.#renderDismiss(entry, strings)}</div>
    </li>`;
  }

  #renderDismiss(entry: FeedEntry, strings: RealtimeStrings) {
    return html`<button
      part="dismiss"
      type="button"
      aria-label=${formatString(strings.dismiss, { title: entry.notification.title })}
      @click=${() => this.#dismissByUser(entry.notification.id)}
    >
      <span aria-hidden="true">×</span>
    </button>`;
  }

  #renderInboxActions(entry: FeedEntry, unread: boolean, strings: RealtimeStrings) {
    const title = entry.notification.title;
    return html`${unread
        ? html`<button part="mark-read" type="button" aria-label=${formatString(strings.notificationMarkRead, { title })} @click=${() => void this.markRead(entry.ids)}>
            <span aria-hidden="true">✓</span>
          </button>`
        : nothing}
      <button part="archive" type="button" aria-label=${formatString(strings.notificationArchive, { title })} @click=${() => this.#archiveByUser(entry)}>
        <span aria-hidden="true">🗄</span>
      </button>`;
  }

  get #strings(): RealtimeStrings {
    return stringsFor(resolveLang(this), this.strings);
  }

  get #cap(): number {
    const fallback = this.variant === 'inbox' ? DEFAULT_INBOX_MAX : DEFAULT_TOAST_MAX;
    const max = this.max !== undefined && Number.isFinite(this.max) && this.max > 0 ? Math.floor(this.max) : fallback;
    return max + this.#extra;
  }

  get #groupWindowMs(): number {
    return Number.isFinite(this.groupWindow) && this.groupWindow > 0 ? this.groupWindow : 0;
  }

  get #toastMs(): number {
    return this.duration > 0 ? Math.max(this.duration, MIN_TOAST_MS) : 0;
  }

  #receive(envelope: Envelope<'notification.new'>): void {
    const user = this.#user.value;
    // The server filters by user already; this keeps a shared or misconfigured stream honest.
    if (envelope.payload.to !== undefined && user && envelope.payload.to !== user.id) return;
    const notification: FeedNotification = { ...envelope.payload, ts: envelope.ts, ...(envelope.seq === undefined ? {} : { seq: envelope.seq }) };
    // Counted here, before the batch may trim a burst, so the unread count takes every one.
    if (this.#inbox.count(notification)) this.#batch.add(notification);
  }

  #receiveRead(payload: NotificationReadPayload): void {
    if (!this.#inbox.applyRemote(payload)) void this.#recountUnread();
    this.requestUpdate();
  }

  #add(items: FeedNotification[]): void {
    const dropped = this.#batch.dropped - this.#droppedSeen;
    this.#droppedSeen = this.#batch.dropped;
    this.#frames.flushed(items.length + dropped);
    const { added, merged } = this.#inbox.add(items);
    if (dropped > 0) this.#inbox.addHidden(dropped);
    // Rows that arrive several to a frame do not fade in: nobody can follow them, and the
    // animations would cost more than the rows.
    this.toggleAttribute('data-burst', items.length > 1);
    const now = Date.now();
    const duration = this.variant === 'toast' ? this.#toastMs : 0;
    for (const entry of [...added, ...merged]) {
      const paused = this.#paused;
      // A merged row starts its time again: something new arrived in it.
      this.#timing.set(entry, {
        expiresAt: duration && !paused ? now + duration : null,
        remaining: duration && paused ? duration : null,
      });
    }
    const strings = this.#strings;
    // A single arrival is said as itself; more within the announcer's interval as a count.
    for (const entry of [...merged, ...added]) {
      const { level, title } = entry.notification;
      this.#announcer.announce(`${levelLabel(strings, level)}: ${title}`, level === 'error' ? 'assertive' : 'polite');
    }
    for (const entry of added) {
      const event = new NotificationShowEvent(entry.notification);
      this.dispatchEvent(event);
    }
    this.#schedule();
  }

  #expand(ids: string | readonly string[]): string[] {
    const wanted = typeof ids === 'string' ? [ids] : ids;
    const out = new Set<string>();
    for (const id of wanted) {
      out.add(id);
      for (const member of this.#entryOf(id)?.ids ?? []) out.add(member);
    }
    return [...out];
  }

  #entryOf(id: string): FeedEntry | undefined {
    return this.#inbox.entries.find((entry) => entry.ids.includes(id));
  }

  async #mark(state: NotificationState, target: readonly string[] | 'all'): Promise<void> {
    if (target !== 'all' && target.length === 0) return;
    const exact = state === 'seen' || this.#inbox.knows(target);
    const rollback = this.#inbox.mark(state, target);
    this.requestUpdate();
    const api = this.#api.value;
    // Without a REST API (a page feeding the feed itself) the change stays local.
    if (!api) return;
    const change: NotificationReadPayload = target === 'all' ? { state, all: true } : { state, ids: [...target] };
    try {
      await api.markNotifications(change);
      if (!exact) await this.#recountUnread();
    } catch (error) {
      rollback();
      this.#announcer.announce(this.#strings.notificationsUpdateFailed, 'assertive');
      const event = new NotificationMarkErrorEvent(state, target, error);
      this.dispatchEvent(event);
      this.requestUpdate();
    }
  }

  #archiveByUser(entry: FeedEntry): void {
    const index = this.#inbox.entries.indexOf(entry);
    void this.archive(entry.ids);
    this.#refocus(index, '[part="archive"]');
  }

  #dismissByUser(id: string): void {
    const index = this.#inbox.entries.findIndex((entry) => entry.ids.includes(id));
    if (!this.dismiss(id, 'user')) return;
    this.#refocus(index, '[part="dismiss"]');
  }

  // Keep keyboard users in the list: focus the same button on the next row, or the previous one, or
  // the (now empty) stack itself, so focus never falls back to the top of the page.
  #refocus(index: number, button: string): void {
    const entries = this.#inbox.entries;
    const next = entries[index] ?? entries[index - 1];
    void this.updateComplete.then(() => {
      const target = next
        ? this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(next.notification.id)}"] ${button}`)
        : this.renderRoot.querySelector<HTMLElement>('[part="base"]');
      target?.focus();
    });
  }

  #maybeLoad(): void {
    const api = this.#api.value;
    if (this.variant !== 'inbox' || !api || !this.isConnected || this.#loaded) return;
    this.#loaded = true;
    this.#firstPage = 'loading';
    this.requestUpdate();
    const signal = this.#pageSignal();
    api.listNotifications({ limit: NOTIFICATION_PAGE_SIZE, signal }).then(
      (page) => {
        if (signal.aborted) return;
        // Live ones waiting in the batch go first, so the page's count meets them in order.
        this.#batch.flushNow();
        this.#inbox.addPage(page, true);
        this.#next = page.next;
        this.#firstPage = 'idle';
        this.requestUpdate();
      },
      (error: unknown) => {
        if (signal.aborted) return;
        this.#firstPage = 'error';
        this.#loaded = false;
        const event = new NotificationLoadErrorEvent(error);
        this.dispatchEvent(event);
        this.requestUpdate();
      },
    );
  }

  #pageSignal(): AbortSignal {
    this.#pageAbort ??= new AbortController();
    return this.#pageAbort.signal;
  }

  // The count may be off (a read of notifications this feed never held): ask the server.
  async #recountUnread(): Promise<void> {
    const api = this.#api.value;
    if (!api) return;
    if (this.#recount) return this.#recount;
    this.#recount = (async () => {
      try {
        const page = await api.listNotifications({ limit: 1, signal: this.#pageSignal() });
        if (page.unread !== undefined) this.#inbox.setUnread(page.unread, page.items[0]?.seq);
        this.requestUpdate();
      } catch {
        // Keep the local count; the next read or reload corrects it.
      } finally {
        this.#recount = null;
      }
    })();
    return this.#recount;
  }

  #reset(): void {
    // The log was truncated or replaced: what we hold may not match it any more.
    this.#pageAbort?.abort();
    this.#pageAbort = null;
    this.#batch.clear();
    this.#inbox.clear();
    this.#extra = 0;
    this.#next = null;
    this.#olderPage = 'idle';
    this.#firstPage = 'idle';
    this.#loaded = false;
    this.#maybeLoad();
    this.requestUpdate();
  }

  get #paused(): boolean {
    return this.#hovered || this.#focused;
  }

  #setPaused(hovered: boolean, focused: boolean): void {
    const was = this.#paused;
    this.#hovered = hovered;
    this.#focused = focused;
    if (was === this.#paused) return;
    const now = Date.now();
    for (const entry of this.#inbox.entries) {
      const timing = this.#timing.get(entry);
      if (!timing) continue;
      if (this.#paused && timing.expiresAt !== null) {
        timing.remaining = Math.max(0, timing.expiresAt - now);
        timing.expiresAt = null;
      } else if (!this.#paused && timing.remaining !== null) {
        timing.expiresAt = now + Math.max(timing.remaining, RESUME_MIN_MS);
        timing.remaining = null;
      }
    }
    this.#schedule();
  }

  // One timer for the whole feed, aimed at the earliest expiry.
  #schedule(): void {
    this.#clearTimer();
    if (!this.isConnected || this.#paused || this.variant !== 'toast') return;
    let next = Infinity;
    for (const entry of this.#inbox.entries) {
      const expiresAt = this.#timing.get(entry)?.expiresAt ?? null;
      if (expiresAt !== null && expiresAt < next) next = expiresAt;
    }
    if (next === Infinity) return;
    this.#timer = globalThis.setTimeout(() => {
      this.#timer = null;
      this.#expire();
    }, Math.max(0, next - Date.now()));
  }

  #clearTimer(): void {
    if (this.#timer === null) return;
    globalThis.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #expire(): void {
    const now = Date.now();
    const due = this.#inbox.entries.filter((entry) => {
      const expiresAt = this.#timing.get(entry)?.expiresAt ?? null;
      return expiresAt !== null && expiresAt <= now;
    });
    for (const entry of due) this.dismiss(entry.notification.id, 'timeout');
    this.#schedule();
  }

  readonly #onPointerEnter = (): void => this.#setPaused(true, this.#focused);
  readonly #onPointerLeave = (): void => this.#setPaused(false, this.#focused);
  readonly #onFocusIn = (): void => this.#setPaused(this.#hovered, true);
  readonly #onFocusOut = (event: FocusEvent): void => {
    // relatedTarget is retargeted to this host when focus moves within the shadow root.
    const next = event.relatedTarget as Node | null;
    this.#setPaused(this.#hovered, next !== null && (next === this || this.contains(next)));
  };
  readonly #onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || this.variant !== 'toast') return;
    // The toast holding focus, else the newest.
    const row = event.composedPath().find((node): node is HTMLElement => node instanceof HTMLElement && node.matches('li[data-id]'));
    const id = row?.dataset['id'] ?? this.#inbox.entries[0]?.notification.id;
    if (id === undefined) return;
    event.preventDefault();
    this.#dismissByUser(id);
  };
}
