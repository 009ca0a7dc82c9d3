import { RealtimeProvider } from '../elements/realtime-provider/realtime-provider.js';

export { RealtimeProvider };

/** Registers `<realtime-provider>`; a second call (or a second copy of the kit) is a no-op. */
export function defineRealtimeProvider(tag = 'realtime-provider'): void {
  if (!customElements.get(tag)) customElements.define(tag, RealtimeProvider);
}

defineRealtimeProvider();

declare global {
  interface HTMLElementTagNameMap {
    'realtime-provider': RealtimeProvider;
  }
}
