/**
 * `<activity-feed>` could not load its first page. The feed shows its error state with a retry
 * button; the event lets a page log or report it. Bubbles; not composed.
 */
export class ActivityLoadErrorEvent extends Event {
  static readonly eventName = 'activity-load-error';

  /** What the API call rejected with. */
  readonly error: unknown;

  constructor(error: unknown) {
    super(ActivityLoadErrorEvent.eventName, { bubbles: true });
    this.error = error;
  }
}

declare global {
  interface HTMLElementEventMap {
    'activity-load-error': ActivityLoadErrorEvent;
  }
}
