import { LitElement, type TemplateResult, html, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ConnectionController } from '../../controllers/connection-controller.js';
import { LangController } from '../../controllers/lang-controller.js';
import { ContextSubscription } from '../../controllers/context-subscription.js';
import { FrameBatcher } from '../../controllers/frame-batcher.js';
import { RelativeTimeController } from '../../controllers/relative-time-controller.js';
import { userContext } from '../../context/keys.js';
import {
  type FeedNotification,
  type NotificationDismissReason,
  NotificationDismissEvent,
  NotificationShowEvent,
} from '../../events/notification-events.js';
import type { Envelope, NotificationLevel } from '../../protocol/index.js';
import { type RealtimeStrings, formatString, levelLabel, resolveLang, stringsFor } from '../../strings.js';
import { notificationFeedStyles } from './notification-feed.styles.js';
import { sharedStyles } from '../shared.styles.js';

interface Entry {
  readonly key: string;
  readonly notification: FeedNotification;
  /** When the auto-dismiss fires (ms since the epoch); null while paused or when it stays. */
  expiresAt: number | null;
  /** Time left while paused. */
  remaining: number | null;
}

// A different shape per level, so the level never rests on colour alone (the text label is there too).
const ICONS: { readonly [L in NotificationLevel]: TemplateResult } = {
  info: svg`<circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M10 9v5M10 6v.01" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  success: svg`<circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M6.5 10.2l2.3 2.3 4.7-4.7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  warning: svg`<path d="M10 2.5l8 14.5H2z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><path d="M10 8v4M10 14.5v.01" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  error: svg`<path d="M7 2.5h6l4.5 4.5v6L13 17.5H7L2.5 13V7z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><path d="M7.5 7.5l5 5M12.5 7.5l-5 5" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
};

/**
 * Shows live `notification.new` events from the nearest `<realtime-provider>`, newest first.
 * Notifications addressed to another user are ignored. Each shows its level as an icon and in
 * words, its title (a link when it has one), message and a relative time, and a dismiss button.
 * Auto-dismiss pauses while the pointer is over the feed or focus is inside it, and resumes with
 * the time that was left, so a reader is never hurried. Bursts render once per animation frame
 * and the list keeps only the newest `max` notifications.
 *
 * @summary Live notifications with dismiss, auto-dismiss and a polite live region.
 *
 * @tagname notification-feed
 *
 * @attr {number} duration - Auto-dismiss after this many ms; `0` keeps notifications until dismissed. Default 5000.
 * @attr {number} max - Most notifications kept; the oldest leave first. Default 50.
 * @attr {string} lang - Language of labels and relative times; defaults to the page's.
 *
 * @prop {Partial<RealtimeStrings>} strings - Overrides for single strings of the table.
 * @prop {readonly FeedNotification[]} notifications - Read-only: what the feed shows, newest first.
 *
 * @fires {NotificationShowEvent} notification-show - A notification was added.
 * @fires {NotificationDismissEvent} notification-dismiss - A notification is about to leave (by the user or its timer). Cancelable: `preventDefault()` keeps it.
 *
 * @csspart base - The list, a polite live region (`role="log"`).
 * @csspart item - One notification; also has the part `item-<level>`.
 * @csspart icon - The level icon.
 * @csspart content - Level, title, message and time.
 * @csspart level - The level in words.
 * @csspart title - The title (a link when the notification has one).
 * @csspart message - The message text.
 * @csspart time - The relative time.
 * @csspart dismiss - The dismiss button.
 *
 * @cssprop [--rt-feed-gap=0.5rem] - Space between notifications.
 * @cssprop [--rt-feed-color=inherit] - Text colour.
 * @cssprop [--rt-feed-muted-color=color-mix(in srgb, currentColor 75%, transparent)] - Colour of the time.
 * @cssprop [--rt-notification-background=Canvas] - Background of a notification.
 * @cssprop [--rt-notification-border-color=#d1d5db] - Border colour.
 * @cssprop [--rt-notification-radius=6px] - Corner radius.
 * @cssprop [--rt-notification-accent-width=4px] - Width of the level-coloured inline-start border.
 * @cssprop [--rt-notification-padding-block=0.5rem] - Block padding.
 * @cssprop [--rt-notification-padding-inline=0.75rem] - Inline padding.
 * @cssprop [--rt-color-info=#1d4ed8] - Accent for info.
 * @cssprop [--rt-color-success=#15803d] - Accent for success.
 * @cssprop [--rt-color-warning=#b45309] - Accent for warning.
 * @cssprop [--rt-color-danger=#b91c1c] - Accent for error.
 * @cssprop [--rt-focus-color=#2563eb] - Focus ring.
 */
export class NotificationFeed extends LitElement {
  static override styles = [sharedStyles, notificationFeedStyles];

  /** Auto-dismiss after this many ms; `0` keeps notifications until the user dismisses them. */
  @property({ type: Number }) duration = 5000;

  /** Most notifications kept; when more arrive the oldest leave (without a dismiss event). */
  @property({ type: Number }) max = 50;

  /** Overrides for single strings of the table. */
  @property({ attribute: false }) strings: Partial<RealtimeStrings> = {};

  #entries: Entry[] = [];
  #timer: ReturnType<typeof globalThis.setTimeout> | null = null;
  #hovered = false;
  #focused = false;

  readonly #user = new ContextSubscription(this, userContext);
  readonly #times = new RelativeTimeController(this);
  readonly #batch = new FrameBatcher<FeedNotification>(this, (items) => this.#add(items), {
    // Only the newest `max` can survive the flush, so a burst in a hidden tab stays bounded.
    max: () => this.#cap,
  });

  constructor() {
    super();
    // Follows a change of this element's or the page's `lang`.
    new LangController(this);
    new ConnectionController(this, {
      subscribe: (connection) => [connection.on('notification.new', (envelope) => this.#receive(envelope))],
    });
  }

  /** What the feed shows, newest first. */
  get notifications(): readonly FeedNotification[] {
    return this.#entries.map((entry) => entry.notification);
  }

  /**
   * Dismisses a notification by id as if the user had: fires the cancelable `notification-dismiss`
   * and removes it unless a listener vetoes. Returns whether it was removed.
   */
  dismiss(id: string, reason: NotificationDismissReason = 'user'): boolean {
    const entry = this.#entries.find((candidate) => candidate.notification.id === id);
    if (!entry) return false;
    const event = new NotificationDismissEvent(entry.notification, reason);
    if (!this.dispatchEvent(event)) {
      entry.expiresAt = null;
      entry.remaining = null;
      this.#schedule();
      return false;
    }
    this.#entries = this.#entries.filter((candidate) => candidate !== entry);
    this.#schedule();
    this.requestUpdate();
    return true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('pointerenter', this.#onPointerEnter);
    this.addEventListener('pointerleave', this.#onPointerLeave);
    this.addEventListener('focusin', this.#onFocusIn);
    this.addEventListener('focusout', this.#onFocusOut);
    this.#schedule();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('pointerenter', this.#onPointerEnter);
    this.removeEventListener('pointerleave', this.#onPointerLeave);
    this.removeEventListener('focusin', this.#onFocusIn);
    this.removeEventListener('focusout', this.#onFocusOut);
    // No pointerleave or focusout follows a removal: unpause so timers resume after a move.
    this.#setPaused(false, false);
    this.#clearTimer();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('max') && this.#entries.length > this.#cap) this.#entries = this.#entries.slice(0, this.#cap);
  }

  /** Also waits for live events received so far to be flushed into the list and rendered. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#batch.settled;
    return super.getUpdateComplete();
  }

  protected override render() {
    const strings = stringsFor(resolveLang(this), this.strings);
    const now = Date.now();
    return html`<div part="base" role="log" tabindex="-1" aria-live="polite" aria-relevant="additions" aria-label=${strings.notificationsLabel}>
      ${repeat(
        this.#entries,
        (entry) => entry.key,
        (entry) => this.#renderItem(entry.notification, strings, now),
      )}
    </div>`;
  }

  #renderItem(notification: FeedNotification, strings: RealtimeStrings, now: number) {
    const { level, title, message, link, ts } = notification;
    return html`<div part="item item-${level}" data-level=${level} data-id=${notification.id}>
      <svg part="icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">${ICONS[level]}</svg>
      <div part="content">
        <span part="level">${levelLabel(strings, level)}</span>
        ${link ? html`<a part="title" href=${link}>${title}</a>` : html`<span part="title">${title}</span>`}
        ${message ? html`<p part="message">${message}</p>` : null}
        <time part="time" datetime=${new Date(ts).toISOString()}>${this.#times.format(ts, now)}</time>
      </div>
      <button
        part="dismiss"
        type="button"
        aria-label=${formatString(strings.dismiss, { title })}
        @click=${() => this.#dismissByUser(notification.id)}
      >
        <span aria-hidden="true">×</span>
      </button>
    </div>`;
  }

  get #cap(): number {
    return Number.isFinite(this.max) && this.max > 0 ? Math.floor(this.max) : 50;
  }

  #receive(envelope: Envelope<'notification.new'>): void {
    const user = this.#user.value;
    // The server filters by user already; this keeps a shared or misconfigured stream honest.
    if (envelope.payload.to !== undefined && user && envelope.payload.to !== user.id) return;
    this.#batch.add({ ...envelope.payload, ts: envelope.ts, ...(envelope.seq === undefined ? {} : { seq: envelope.seq }) });
  }

  #add(items: FeedNotification[]): void {
    const now = Date.now();
    const known = new Set(this.#entries.map((entry) => entry.key));
    const added: Entry[] = [];
    for (const notification of items) {
      const key = notification.id;
      if (known.has(key)) continue;
      known.add(key);
      const duration = this.duration > 0 ? this.duration : 0;
      const paused = this.#paused;
      added.push({
        key,
        notification,
        expiresAt: duration && !paused ? now + duration : null,
        remaining: duration && paused ? duration : null,
      });
    }
    if (added.length === 0) return;
    // Items arrive oldest first; the list shows newest first.
    this.#entries = [...added.reverse(), ...this.#entries].slice(0, this.#cap);
    const kept = new Set(this.#entries);
    for (const entry of added) {
      if (!kept.has(entry)) continue;
      const event = new NotificationShowEvent(entry.notification);
      this.dispatchEvent(event);
    }
    this.#schedule();
  }

  #dismissByUser(id: string): void {
    const index = this.#entries.findIndex((entry) => entry.notification.id === id);
    if (!this.dismiss(id, 'user')) return;
    // Keep keyboard users in the list: focus the next dismiss button, or the previous one, or the
    // (now empty) list itself, so focus never falls back to the top of the page.
    const next = this.#entries[index] ?? this.#entries[index - 1];
    void this.updateComplete.then(() => {
      const target = next
        ? this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(next.notification.id)}"] [part="dismiss"]`)
        : this.renderRoot.querySelector<HTMLElement>('[part="base"]');
      target?.focus();
    });
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
    for (const entry of this.#entries) {
      if (this.#paused && entry.expiresAt !== null) {
        entry.remaining = Math.max(0, entry.expiresAt - now);
        entry.expiresAt = null;
      } else if (!this.#paused && entry.remaining !== null) {
        entry.expiresAt = now + entry.remaining;
        entry.remaining = null;
      }
    }
    this.#schedule();
  }

  // One timer for the whole feed, aimed at the earliest expiry.
  #schedule(): void {
    this.#clearTimer();
    if (!this.isConnected || this.#paused) return;
    let next = Infinity;
    for (const entry of this.#entries) if (entry.expiresAt !== null && entry.expiresAt < next) next = entry.expiresAt;
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
    const due = this.#entries.filter((entry) => entry.expiresAt !== null && entry.expiresAt <= now);
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
}
