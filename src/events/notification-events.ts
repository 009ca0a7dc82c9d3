import type { NotificationPayload } from '../protocol/index.js';

/** Why a notification is leaving the feed. */
export type NotificationDismissReason = 'user' | 'timeout';

/** A notification as a feed holds it: the payload plus when it happened and its log position. */
export interface FeedNotification extends NotificationPayload {
  readonly ts: number;
  readonly seq?: number;
}

/**
 * A notification is about to be dismissed, by the user or by its timer. Cancelable: call
 * `preventDefault()` to keep it (a vetoed timeout leaves it on screen until the user dismisses
 * it). Bubbles so a page can listen on an ancestor; not composed.
 */
export class NotificationDismissEvent extends Event {
  static readonly eventName = 'notification-dismiss';

  readonly notification: FeedNotification;
  readonly reason: NotificationDismissReason;

  constructor(notification: FeedNotification, reason: NotificationDismissReason) {
    super(NotificationDismissEvent.eventName, { bubbles: true, cancelable: true });
    this.notification = notification;
    this.reason = reason;
  }
}

/** A notification was added to the feed (fired once per notification, after it is kept). */
export class NotificationShowEvent extends Event {
  static readonly eventName = 'notification-show';

  readonly notification: FeedNotification;

  constructor(notification: FeedNotification) {
    super(NotificationShowEvent.eventName, { bubbles: true });
    this.notification = notification;
  }
}

/**
 * The user's unread count changed: a notification arrived, something was marked read or archived
 * here or in another tab, or the first page brought the server's count. Bubbles, so a bell
 * elsewhere on the page can listen on an ancestor; not composed.
 */
export class NotificationUnreadChangeEvent extends Event {
  static readonly eventName = 'notification-unread-change';

  readonly count: number;

  constructor(count: number) {
    super(NotificationUnreadChangeEvent.eventName, { bubbles: true });
    this.count = count;
  }
}

/**
 * Marking notifications read, seen or archived failed on the server; the feed has already undone
 * the change on screen and said so to screen readers. Bubbles; not composed.
 */
export class NotificationMarkErrorEvent extends Event {
  static readonly eventName = 'notification-mark-error';

  readonly state: 'read' | 'seen' | 'archived';
  /** The ids marked, or `'all'`. */
  readonly ids: readonly string[] | 'all';
  /** What the API call rejected with. */
  readonly error: unknown;

  constructor(state: 'read' | 'seen' | 'archived', target: readonly string[] | 'all', error: unknown) {
    super(NotificationMarkErrorEvent.eventName, { bubbles: true });
    this.state = state;
    this.ids = target;
    this.error = error;
  }
}

/** The inbox could not load a page of notifications (the first or an older one). Bubbles; not composed. */
export class NotificationLoadErrorEvent extends Event {
  static readonly eventName = 'notification-load-error';

  readonly error: unknown;

  constructor(error: unknown) {
    super(NotificationLoadErrorEvent.eventName, { bubbles: true });
    this.error = error;
  }
}

declare global {
  interface HTMLElementEventMap {
    'notification-dismiss': NotificationDismissEvent;
    'notification-show': NotificationShowEvent;
    'notification-unread-change': NotificationUnreadChangeEvent;
    'notification-mark-error': NotificationMarkErrorEvent;
    'notification-load-error': NotificationLoadErrorEvent;
  }
}
