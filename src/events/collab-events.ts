import type { CollabPeer, CollabStatus, CollabSyncState } from '../context/collab.js';

/** Every state `<collaborative-editor>` shows: a session's state, or `idle` with no session. */
export type CollabEditorState = CollabSyncState | 'idle';

/**
 * The editor's document changed sync state (`connecting`, `syncing`, `synced`, `saved`,
 * `offline`, `closed`, or `idle` with no session). Fired on `<collaborative-editor>`; bubbles so a
 * page-level listener can follow every editor (not composed).
 */
export class CollabStatusChangeEvent extends Event {
  static readonly eventName = 'collab-status-change';

  readonly state: CollabEditorState;
  readonly previous: CollabEditorState;
  /** The document the editor shows. */
  readonly documentId: string;
  /** Whether the socket is open. */
  readonly connected: boolean;
  /** Local changes not yet confirmed stored (or not yet sent, with a plain y-websocket peer). */
  readonly unsaved: number;

  constructor(status: CollabStatus | { readonly state: 'idle'; readonly connected: false }, previous: CollabEditorState, documentId: string) {
    super(CollabStatusChangeEvent.eventName, { bubbles: true });
    this.state = status.state;
    this.connected = status.connected;
    this.unsaved = 'unsaved' in status ? (status.unsaved ?? 0) : 0;
    this.previous = previous;
    this.documentId = documentId;
  }
}

/**
 * The people in the editor's document changed: someone joined or left, or changed name or colour
 * (caret moves do not count). Fired on `<collaborative-editor>` at most once per animation frame,
 * with the list as it is then; bubbles (not composed).
 */
export class CollabPeersChangeEvent extends Event {
  static readonly eventName = 'collab-peers-change';

  /** The other people in the document, by awareness client id. */
  readonly peers: readonly CollabPeer[];
  /** The document the editor shows. */
  readonly documentId: string;

  constructor(peers: readonly CollabPeer[], documentId: string) {
    super(CollabPeersChangeEvent.eventName, { bubbles: true });
    this.peers = peers;
    this.documentId = documentId;
  }
}

declare global {
  interface HTMLElementEventMap {
    'collab-peers-change': CollabPeersChangeEvent;
    'collab-status-change': CollabStatusChangeEvent;
  }
}
