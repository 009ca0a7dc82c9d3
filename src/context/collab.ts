import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Unsubscribe } from '../services/types.js';
import type { RealtimeUser } from './keys.js';

/**
 * Where a shared document stands: `connecting` (first attempt), `syncing` (socket open, waiting
 * for the server's state), `synced`, `saved` (the server confirmed it stored every local change;
 * needs our server's `stored` extension, a plain y-websocket peer stops at `synced`), `offline`
 * (disconnected, retrying), `closed` (destroyed by the page).
 */
export type CollabSyncState = 'connecting' | 'syncing' | 'synced' | 'saved' | 'offline' | 'closed';

export interface CollabStatus {
  readonly state: CollabSyncState;
  /** True while the socket is open. */
  readonly connected: boolean;
  /**
   * Local changes not yet confirmed: not yet stored (a server with the `stored` extension), or not
   * yet sent (a plain y-websocket peer, which confirms nothing). Absent means 0.
   */
  readonly unsaved?: number;
}

/** One person in a shared document, as its awareness state says. */
export interface CollabPeer {
  /** Awareness client id (the peer's `Y.Doc` client id). */
  readonly clientId: number;
  readonly id: string;
  readonly name: string;
  /** A CSS colour, already checked to be a plain colour value. */
  readonly color: string;
}

/** One open shared document. */
export interface CollabSessionLike {
  readonly documentId: string;
  readonly doc: Y.Doc;
  /** The shared text, `doc.getText('content')`. */
  readonly text: Y.Text;
  readonly awareness: Awareness;
  readonly status: CollabStatus;
  onStatus(handler: (status: CollabStatus) => void): Unsubscribe;
  destroy(): void;
}

/** Opens shared documents; the provider hands one down. */
export interface CollabService {
  open(documentId: string, user: RealtimeUser): CollabSessionLike;
}
