import type { CollabService } from '../context/collab.js';
import type { RealtimeUser } from '../context/keys.js';
import { CollabSession } from './collab-session.js';

export interface CollabClientOptions {
  /** WebSocket base of the collaboration backend, e.g. `ws://127.0.0.1:5173/collab`; the document id is appended. */
  readonly url: string;
  /** WebSocket constructor; defaults to the global one, read when a session opens. */
  readonly WebSocket?: typeof WebSocket;
  /** Longest wait between reconnect attempts, ms (default 2500). */
  readonly maxBackoffTime?: number;
}

/**
 * Opens shared documents on a y-websocket backend (ours or any other). Each {@link open} gives a
 * new {@link CollabSession}; the caller destroys it. Nothing is touched at import time.
 */
export class CollabClient implements CollabService {
  constructor(readonly options: CollabClientOptions) {}

  open(documentId: string, user: RealtimeUser): CollabSession {
    return new CollabSession({
      url: this.options.url,
      documentId,
      user,
      ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
      ...(this.options.maxBackoffTime !== undefined ? { maxBackoffTime: this.options.maxBackoffTime } : {}),
    });
  }
}
