// STUB: replaced by the editor work. Keeps the provider compiling meanwhile.
import type { CollabService, CollabSessionLike } from '../context/collab.js';
import type { RealtimeUser } from '../context/keys.js';

export interface CollabClientOptions {
  /** WebSocket base of the collaboration backend, e.g. `ws://127.0.0.1:5173/collab`; the document id is appended. */
  readonly url: string;
  readonly WebSocket?: typeof WebSocket;
}

export class CollabClient implements CollabService {
  constructor(readonly options: CollabClientOptions) {}
  open(_documentId: string, _user: RealtimeUser): CollabSessionLike {
    throw new Error('not implemented yet');
  }
}
