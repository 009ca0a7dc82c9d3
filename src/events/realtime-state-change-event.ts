import type { ConnectionState, ConnectionStatus, Transport } from '../services/types.js';

/**
 * The provider's primary connection changed state or transport. Fired on the provider; bubbles so
 * a page-level listener can follow it (not composed: the provider lives in the page's tree).
 */
export class RealtimeStateChangeEvent extends Event {
  static readonly eventName = 'realtime-state-change';

  readonly state: ConnectionState;
  readonly previous: ConnectionState;
  readonly transport: Transport;
  /** The whole snapshot, with attempt count, next retry time and reason. */
  readonly status: ConnectionStatus;

  constructor(status: ConnectionStatus, previous: ConnectionState) {
    super(RealtimeStateChangeEvent.eventName, { bubbles: true });
    this.status = status;
    this.state = status.state;
    this.transport = status.transport;
    this.previous = previous;
  }
}

declare global {
  interface HTMLElementEventMap {
    'realtime-state-change': RealtimeStateChangeEvent;
  }
  interface DocumentEventMap {
    'realtime-state-change': RealtimeStateChangeEvent;
  }
}
