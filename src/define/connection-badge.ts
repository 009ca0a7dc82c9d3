import { ConnectionBadge } from '../elements/connection-badge/connection-badge.js';

export { ConnectionBadge };

/** Registers `<connection-badge>`; a second call (or a second copy of the kit) is a no-op. */
export function defineConnectionBadge(tag = 'connection-badge'): void {
  if (!customElements.get(tag)) customElements.define(tag, ConnectionBadge);
}

defineConnectionBadge();

declare global {
  interface HTMLElementTagNameMap {
    'connection-badge': ConnectionBadge;
  }
}
