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

declare global {
  interface HTMLElementEventMap {
    'notification-dismiss': NotificationDismissEvent;
    'notification-show': NotificationShowEvent;
  }
}
