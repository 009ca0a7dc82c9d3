import type { CollabService, CollabSessionLike } from '../context/collab.js';
import type { RealtimeUser } from '../context/keys.js';
import type { CollabSessionOptions } from './collab-session.js';

export interface CollabClientOptions {
  /** WebSocket base of the collaboration backend, e.g. `ws://127.0.0.1:5173/collab`; the document id is appended. */
  readonly url: string;
  /** WebSocket constructor; defaults to the global one, read when a session opens. */
  readonly WebSocket?: typeof WebSocket;
  /** Longest wait between reconnect attempts, ms (default 2500). */
  readonly maxBackoffTime?: number;
}

/** Makes one session; registered by the editor's module (see {@link provideCollabSessions}). */
export type CollabSessionFactory = (options: CollabSessionOptions) => CollabSessionLike;

let sessionFactory: CollabSessionFactory | null = null;

/**
 * Registers how sessions are made. The editor's module calls it with `CollabSession` (Yjs and
 * y-websocket): so the provider, which creates a {@link CollabClient} for every page, never pulls
 * Yjs into a page without an editor. The first registration wins.
 */
export function provideCollabSessions(factory: CollabSessionFactory): void {
  sessionFactory ??= factory;
}

/**
 * Opens shared documents on a y-websocket backend (ours or any other). Each {@link open} gives a
 * new session; the caller destroys it. Nothing is touched at import time, and Yjs is not imported
 * here: sessions come from the factory the editor's module registers.
 */
export class CollabClient implements CollabService {
  constructor(readonly options: CollabClientOptions) {}

  open(documentId: string, user: RealtimeUser): CollabSessionLike {
    if (!sessionFactory) {
      throw new Error('realtime-elements: no collaboration sessions: import "realtime-elements/define/collaborative-editor.js" (or the CDN file)');
    }
    return sessionFactory({
      url: this.options.url,
      documentId,
      user,
      ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
      ...(this.options.maxBackoffTime !== undefined ? { maxBackoffTime: this.options.maxBackoffTime } : {}),
    });
  }
}
