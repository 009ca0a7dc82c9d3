import type { CollabStatus, CollabSyncState } from '../context/collab.js';

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

  constructor(status: CollabStatus | { readonly state: 'idle'; readonly connected: false }, previous: CollabEditorState, documentId: string) {
    super(CollabStatusChangeEvent.eventName, { bubbles: true });
    this.state = status.state;
    this.connected = status.connected;
    this.previous = previous;
    this.documentId = documentId;
  }
}

declare global {
  interface HTMLElementEventMap {
    'collab-status-change': CollabStatusChangeEvent;
  }
}
