/**
 * Some tab of the origin logged out (`provider.logout()` here or in another tab): the provider has
 * closed its connection. Fired on every `<realtime-provider>` of every tab; the kit never
 * navigates, the page decides (show a login form, go to a sign-in page). Bubbles and crosses
 * shadow roots so one page-level listener hears it.
 */
export class RealtimeLogoutEvent extends Event {
  static readonly eventName = 'realtime-logout';

  /** The reason given to `logout()`, or null. */
  readonly reason: string | null;
  /** True in the tab that called `logout()`. */
  readonly local: boolean;

  constructor(reason: string | null, local: boolean) {
    super(RealtimeLogoutEvent.eventName, { bubbles: true, composed: true });
    this.reason = reason;
    this.local = local;
  }
}

declare global {
  interface HTMLElementEventMap {
    'realtime-logout': RealtimeLogoutEvent;
  }
  interface DocumentEventMap {
    'realtime-logout': RealtimeLogoutEvent;
  }
}
