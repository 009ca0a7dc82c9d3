import type { RealtimeErrorDetail } from '../services/types.js';

/**
 * A service behind `<realtime-provider>` reported a problem (an invalid frame, a refused send, an
 * auth failure). Fired on the provider; bubbles and crosses shadow roots so one page-level
 * listener sees every provider's errors. Nothing is thrown into the page instead.
 */
export class RealtimeErrorEvent extends Event {
  static readonly eventName = 'realtime-error';

  /** What went wrong; `kind` tells the variants apart. */
  readonly detail: RealtimeErrorDetail;

  constructor(detail: RealtimeErrorDetail) {
    super(RealtimeErrorEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'realtime-error': RealtimeErrorEvent;
  }
  // Composed and bubbling, so a page listens once on the document.
  interface DocumentEventMap {
    'realtime-error': RealtimeErrorEvent;
  }
}
