import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Unsubscribe } from '../services/types.js';
import type { RealtimeUser } from './keys.js';

/** Where a shared document stands. `saved` needs a server that confirms storage; a plain y-websocket peer stops at `synced`. */
export type CollabSyncState = 'connecting' | 'syncing' | 'synced' | 'saved' | 'offline' | 'closed';

export interface CollabStatus {
  readonly state: CollabSyncState;
  readonly connected: boolean;
}

/** One open shared document. */
export interface CollabSessionLike {
  readonly documentId: string;
  readonly doc: Y.Doc;
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
