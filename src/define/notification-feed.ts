import { NotificationFeed } from '../elements/notification-feed/notification-feed.js';

export { NotificationFeed };

/** Registers `<notification-feed>`; a second call (or a second copy of the kit) is a no-op. */
export function defineNotificationFeed(tag = 'notification-feed'): void {
  if (!customElements.get(tag)) customElements.define(tag, NotificationFeed);
}

defineNotificationFeed();

declare global {
  interface HTMLElementTagNameMap {
    'notification-feed': NotificationFeed;
  }
}
