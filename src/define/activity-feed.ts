import { ActivityFeed } from '../elements/activity-feed/activity-feed.js';

export { ActivityFeed };

/** Registers `<activity-feed>`; a second call (or a second copy of the kit) is a no-op. */
export function defineActivityFeed(tag = 'activity-feed'): void {
  if (!customElements.get(tag)) customElements.define(tag, ActivityFeed);
}

defineActivityFeed();

declare global {
  interface HTMLElementTagNameMap {
    'activity-feed': ActivityFeed;
  }
}
