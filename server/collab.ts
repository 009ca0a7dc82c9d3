// STUB: replaced by the editor work. Keeps the server compiling meanwhile.
import type Database from 'better-sqlite3';
import type { WebSocket } from 'ws';
import type { DocumentInfo } from '../src/protocol/index.js';

export interface CollabRooms {
  /** Takes over an upgraded socket on `/collab/<documentId>` and speaks y-websocket on it. */
  handleConnection(socket: WebSocket, documentId: string): void;
  /** `GET /api/documents/<id>`. */
  getDocument(documentId: string): DocumentInfo;
  /** Closes every collab socket and flushes pending state. */
  close(): void;
}

export interface CollabRoomsOptions {
  readonly db: Database.Database;
  readonly log: (line: string) => void;
}

export function createCollabRooms(_options: CollabRoomsOptions): CollabRooms {
  return {
    handleConnection: (socket) => socket.close(1011, 'collab not implemented'),
    getDocument: (id) => ({ id, text: '', updatedAt: null }),
    close: () => {},
  };
}
