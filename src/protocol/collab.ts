/** Name of the shared `Y.Text` that holds a document's text, in the editor and on the server. */
export const COLLAB_TEXT_NAME = 'content';

/**
 * y-websocket message types on `/collab/<id>`, plus our `stored` extension: the client sends a
 * varuint counter after its changes, and our server answers with the same counter once everything
 * before it is stored. Other y-websocket servers ignore it, so the editor stops at "synced" there.
 */
export const CollabMessageType = Object.freeze({ sync: 0, awareness: 1, queryAwareness: 3, stored: 100 } as const);
