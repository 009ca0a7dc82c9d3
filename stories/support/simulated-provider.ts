// <simulated-provider>: the real <realtime-provider> with its services swapped for the simulated
// backend through `createServices()`, the seam the provider keeps for tests and stories.
import { property } from 'lit/decorators.js';
import '../../src/define/realtime-provider.js';
import { RealtimeProvider, type RealtimeServices } from '../../src/elements/realtime-provider/realtime-provider.js';
import { SimulatedBackend } from './simulated-backend.js';

export class SimulatedProvider extends RealtimeProvider {
  /** The simulated server; set it before the element enters the page (a `.backend=` binding does). */
  @property({ attribute: false }) backend: SimulatedBackend | undefined = undefined;

  /** Leave the connection `idle` instead of connecting when the provider starts. */
  @property({ type: Boolean, attribute: 'no-start' }) noStart = false;

  protected override createServices(): RealtimeServices {
    const backend = (this.backend ??= new SimulatedBackend());
    return {
      connection: backend.connection,
      api: backend.api,
      collab: backend.collab,
      start: () => {
        if (!this.noStart) backend.connection.connect();
      },
      close: () => backend.dispose(),
    };
  }
}

/**
 * Registers `<simulated-provider>`. A call, not an import side effect: the package's
 * `sideEffects` list lets the bundler drop side-effect-only imports of files outside src/define.
 */
export function defineSimulatedProvider(): void {
  if (!customElements.get('simulated-provider')) customElements.define('simulated-provider', SimulatedProvider);
}

declare global {
  interface HTMLElementTagNameMap {
    'simulated-provider': SimulatedProvider;
  }
}
