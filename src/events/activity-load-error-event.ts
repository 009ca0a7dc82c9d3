/**
 * `<activity-feed>` could not load a page: the first one (`before` is null) or an older one. The
 * feed shows its error state with a retry button; the event lets a page log or report it.
 * Bubbles; not composed.
 */
export class ActivityLoadErrorEvent extends Event {
  static readonly eventName = 'activity-load-error';

  /** What the API call rejected with. */
  readonly error: unknown;

  /** The `before=` cursor of the older page that failed; null for the first page. */
  readonly before: number | null;

  constructor(error: unknown, before: number | null = null) {
    super(ActivityLoadErrorEvent.eventName, { bubbles: true });
    this.error = error;
    this.before = before;
  }
}

declare global {
  interface HTMLElementEventMap {
    'activity-load-error': ActivityLoadErrorEvent;
  }
}
