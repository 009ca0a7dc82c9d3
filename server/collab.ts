/**
 * Collaborative documents over the y-websocket protocol, persisted to SQLite.
 *
 * One room per document id holds a `Y.Doc` and an `Awareness`. The wire format is the one of
 * y-websocket (and `@y/websocket-server`'s utils): each binary frame starts with a varuint
 * message type,
 * - `0` sync: y-protocols sync step 1 / step 2 / update,
 * - `1` awareness: an awareness update,
 * - `3` query awareness: the peer asks for every awareness state,
 * - `100` stored (our extension): the client sends a varuint counter; the server answers with the
 *   same counter once everything the client sent before it is stored. Plain y-websocket peers
 *   never send it, so they never receive it; plain servers ignore it, so the client stays at
 *   "synced" instead of "saved".
 *
 * The document's text lives in the shared type `doc.getText('content')` (see
 * {@link COLLAB_TEXT_NAME}); `getDocument` reads that type.
 *
 * Per tick: updates are applied to the room's doc as they arrive, and everything applied within
 * one turn of the event loop is merged into one row in `collab_updates` and one fan-out message
 * (see `flush`). Ten clients typing at once thus cost each peer one message per tick instead of
 * one per keystroke. A `stored` answer waits for that tick's row to be written, so it never
 * claims more than is on disk. When a document has gathered many rows they are replaced by one
 * snapshot (`Y.encodeStateAsUpdate`).
 */
import type Database from 'better-sqlite3';
import type { WebSocket, RawData } from 'ws';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { COLLAB_TEXT_NAME, CollabMessageType, type DocumentInfo } from '../src/protocol/index.js';

/** Rows per document after which its updates are merged into one snapshot row. */
const COMPACT_AFTER_ROWS = 200;
/** Updates in one tick up to which they are merged; above, the doc's diff is cheaper. */
const MERGE_AT_MOST = 16;
/** How often dead sockets are looked for (a ping without a pong by the next round closes them). */
const PING_INTERVAL_MS = 30_000;
/** ws readyState OPEN, without importing the ws runtime. */
const OPEN = 1;

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
  /** Rows after which a document is compacted; default 200. Tests lower it. */
  readonly compactAfter?: number;
}

interface Room {
  readonly id: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  /** Each socket with the awareness client ids it controls, removed when it closes. */
  readonly sockets: Map<WebSocket, Set<number>>;
  rows: number;
  updatedAt: number | null;
  /** Updates applied since the last flush, each with the socket it came from. */
  pending: Array<{ readonly update: Uint8Array; readonly origin: unknown }>;
  /** State vector at the last flush: the tick's diff starts there. */
  flushedVector: Uint8Array;
  /** `stored` answers held until the pending updates are written. */
  acks: Array<{ readonly socket: WebSocket; readonly message: Uint8Array }>;
  /** The scheduled flush, if any. */
  flushHandle: ReturnType<typeof setImmediate> | null;
  /** Detaches the doc and awareness listeners. */
  readonly dispose: () => void;
}

/** Marks updates read from the database so they are not written back. */
const LOAD_ORIGIN = Symbol('collab.load');

/** Creates the room registry; the table is created when missing. */
export function createCollabRooms(options: CollabRoomsOptions): CollabRooms {
  const { db, log } = options;
  const compactAfter = options.compactAfter ?? COMPACT_AFTER_ROWS;

  db.exec(`CREATE TABLE IF NOT EXISTS collab_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc TEXT NOT NULL,
    "update" BLOB NOT NULL,
    ts INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS collab_updates_doc ON collab_updates (doc, id);`);

  const selectUpdates = db.prepare<[string], { update: Buffer; ts: number }>(
    'SELECT "update", ts FROM collab_updates WHERE doc = ? ORDER BY id',
  );
  const insertUpdate = db.prepare<[string, Uint8Array, number]>(
    'INSERT INTO collab_updates (doc, "update", ts) VALUES (?, ?, ?)',
  );
  const deleteUpdates = db.prepare<[string]>('DELETE FROM collab_updates WHERE doc = ?');
  const compact = db.transaction((id: string, snapshot: Uint8Array, ts: number) => {
    deleteUpdates.run(id);
    insertUpdate.run(id, snapshot, ts);
  });

  const rooms = new Map<string, Room>();

  /** Reads every stored update of a document into `doc`. */
  function load(id: string, doc: Y.Doc): { rows: number; updatedAt: number | null } {
    const rows = selectUpdates.all(id);
    let updatedAt: number | null = null;
    Y.transact(
      doc,
      () => {
        for (const row of rows) {
          Y.applyUpdate(doc, new Uint8Array(row.update), LOAD_ORIGIN);
          updatedAt = Math.max(updatedAt ?? 0, row.ts);
        }
      },
      LOAD_ORIGIN,
    );
    return { rows: rows.length, updatedAt };
  }

  function compactRoom(room: Room): void {
    if (room.rows <= 1) return;
    const ts = room.updatedAt ?? Date.now();
    compact(room.id, Y.encodeStateAsUpdate(room.doc), ts);
    room.rows = 1;
  }

  function send(socket: WebSocket, message: Uint8Array): void {
    if (socket.readyState !== OPEN) return;
    socket.send(message, (error) => {
      // A failed send means the socket is going away; its close handler cleans up.
      if (error) socket.terminate();
    });
  }

  function broadcast(room: Room, message: Uint8Array, except: unknown): void {
    for (const socket of room.sockets.keys()) if (socket !== except) send(socket, message);
  }

  function syncUpdateMessage(update: Uint8Array): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, CollabMessageType.sync);
    syncProtocol.writeUpdate(encoder, update);
    return encoding.toUint8Array(encoder);
  }

  /**
   * Sends the tick's updates as one message to every socket but the one that sent them all,
   * writes them as one row, then sends the `stored` answers that waited for the row. A few updates are
   * merged (`Y.mergeUpdates`); many (ten people typing at once) are replaced by the doc's diff
   * since the last flush (`Y.encodeStateAsUpdate` against the state vector of then), one pass
   * over the new structs and much cheaper than merging hundreds of small updates, though it
   * carries the whole delete set. A socket that sent part of the tick gets its own structs back
   * too; Yjs skips what it already has.
   */
  function flush(room: Room): void {
    if (room.flushHandle !== null) clearImmediate(room.flushHandle);
    room.flushHandle = null;
    const pending = room.pending;
    room.pending = [];
    if (pending.length > 0) {
      const tick =
        pending.length === 1
          ? pending[0]!.update
          : pending.length <= MERGE_AT_MOST
            ? Y.mergeUpdates(pending.map((entry) => entry.update))
            : Y.encodeStateAsUpdate(room.doc, room.flushedVector);
      room.flushedVector = Y.encodeStateVector(room.doc);
      // Peers first (storing is not on the way from one screen to another), then the row.
      const origin = pending[0]!.origin;
      const onlyFrom = pending.every((entry) => entry.origin === origin) ? origin : undefined;
      broadcast(room, syncUpdateMessage(tick), onlyFrom);
      insertUpdate.run(room.id, tick, room.updatedAt ?? Date.now());
      room.rows += 1;
      if (room.rows > compactAfter) compactRoom(room);
    }
    for (const { socket, message } of room.acks.splice(0)) send(socket, message);
  }

  function openRoom(id: string): Room {
    const existing = rooms.get(id);
    if (existing) return existing;
    const doc = new Y.Doc();
    // The server has no user of its own: drop the awareness state the constructor creates.
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null);
    // Loaded before any socket is answered, so the first sync step already sees stored text.
    const loaded = load(id, doc);

    const room: Room = {
      id,
      doc,
      awareness,
      sockets: new Map(),
      rows: loaded.rows,
      updatedAt: loaded.updatedAt,
      pending: [],
      flushedVector: Y.encodeStateVector(doc),
      acks: [],
      flushHandle: null,
      dispose: () => {
        doc.off('update', onUpdate);
        awareness.off('update', onAwareness);
      },
    };

    // Every applied update waits for the end of the tick, to be stored and fanned out merged.
    const onUpdate = (update: Uint8Array, origin: unknown): void => {
      if (origin === LOAD_ORIGIN) return;
      room.pending.push({ update, origin });
      room.updatedAt = Date.now();
      room.flushHandle ??= setImmediate(() => flush(room));
    };
    doc.on('update', onUpdate);

    // Awareness changes: remember which client ids a socket controls, then fan out.
    const onAwareness = (
      change: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ): void => {
      const changed = [...change.added, ...change.updated, ...change.removed];
      const controlled = room.sockets.get(origin as WebSocket);
      if (controlled) {
        for (const clientId of [...change.added, ...change.updated]) controlled.add(clientId);
        for (const clientId of change.removed) controlled.delete(clientId);
      }
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, CollabMessageType.awareness);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, changed));
      broadcast(room, encoding.toUint8Array(encoder), origin);
      // A client that comes back may reuse its clock: forget the clocks of those who left.
      for (const clientId of change.removed) awareness.meta.delete(clientId);
    };
    awareness.on('update', onAwareness);

    rooms.set(id, room);
    return room;
  }

  /** Frees a room whose last socket left; its state is already stored. */
  function closeRoom(room: Room): void {
    if (rooms.get(room.id) !== room) return;
    flush(room);
    rooms.delete(room.id);
    room.dispose();
    compactRoom(room);
    room.awareness.destroy();
    room.doc.destroy();
  }

  /** Answers one binary frame; returns the reply to send, if any. */
  function handleMessage(room: Room, socket: WebSocket, data: Uint8Array): Uint8Array | null {
    const decoder = decoding.createDecoder(data);
    const encoder = encoding.createEncoder();
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case CollabMessageType.sync: {
        encoding.writeVarUint(encoder, CollabMessageType.sync);
        // Step 1 gets a step 2 reply; step 2 and updates are applied with the socket as origin.
        syncProtocol.readSyncMessage(decoder, encoder, room.doc, socket);
        // Only the type byte written: nothing to answer.
        return encoding.length(encoder) > 1 ? encoding.toUint8Array(encoder) : null;
      }
      case CollabMessageType.awareness:
        awarenessProtocol.applyAwarenessUpdate(room.awareness, decoding.readVarUint8Array(decoder), socket);
        return null;
      case CollabMessageType.queryAwareness: {
        encoding.writeVarUint(encoder, CollabMessageType.awareness);
        encoding.writeVarUint8Array(
          encoder,
          awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...room.awareness.getStates().keys()]),
        );
        return encoding.toUint8Array(encoder);
      }
      case CollabMessageType.stored: {
        // Frames are handled in order: once the tick's updates are written, everything before
        // this frame is saved. With nothing waiting, that is already true.
        const counter = decoding.readVarUint(decoder);
        encoding.writeVarUint(encoder, CollabMessageType.stored);
        encoding.writeVarUint(encoder, counter);
        const answer = encoding.toUint8Array(encoder);
        if (room.pending.length === 0) return answer;
        room.acks.push({ socket, message: answer });
        return null;
      }
      default:
        return null; // unknown types are ignored, as y-websocket servers do
    }
  }

  /** Sockets that answered the last ping; the others are terminated on the next round. */
  const alive = new WeakSet<WebSocket>();
  const pingTimer = setInterval(() => {
    for (const room of rooms.values()) {
      for (const socket of room.sockets.keys()) {
        if (!alive.has(socket)) {
          socket.terminate();
          continue;
        }
        alive.delete(socket);
        socket.ping();
      }
    }
  }, PING_INTERVAL_MS);
  pingTimer.unref?.();

  function handleConnection(socket: WebSocket, documentId: string): void {
    const room = openRoom(documentId);
    room.sockets.set(socket, new Set());
    alive.add(socket);
    log(`collab open doc=${JSON.stringify(documentId)} clients=${room.sockets.size}`);

    const onMessage = (data: RawData, isBinary: boolean): void => {
      if (!isBinary) return; // y-websocket is binary only
      if (rooms.get(documentId) !== room) return; // the room was freed by close(); the socket is going
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      try {
        const reply = handleMessage(room, socket, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        if (reply) send(socket, reply);
      } catch (error) {
        log(`collab bad frame doc=${JSON.stringify(documentId)}: ${(error as Error).message}`);
        socket.close(1007, 'invalid y-websocket frame');
      }
    };
    const onPong = (): void => void alive.add(socket);
    const onClose = (): void => {
      socket.off('message', onMessage);
      socket.off('pong', onPong);
      socket.off('close', onClose);
      socket.off('error', onError);
      const controlled = room.sockets.get(socket);
      room.sockets.delete(socket);
      // Tell the others this socket's users left (the update handler broadcasts the removal).
      if (controlled && controlled.size > 0) {
        awarenessProtocol.removeAwarenessStates(room.awareness, [...controlled], null);
      }
      log(`collab close doc=${JSON.stringify(documentId)} clients=${room.sockets.size}`);
      if (room.sockets.size === 0) closeRoom(room);
    };
    const onError = (error: Error): void => log(`collab error doc=${JSON.stringify(documentId)}: ${error.message}`);
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    socket.on('close', onClose);
    socket.on('error', onError);

    // Sync step 1 first (as @y/websocket-server does), then who is here.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, CollabMessageType.sync);
    syncProtocol.writeSyncStep1(encoder, room.doc);
    send(socket, encoding.toUint8Array(encoder));
    const states = room.awareness.getStates();
    if (states.size > 0) {
      const awarenessEncoder = encoding.createEncoder();
      encoding.writeVarUint(awarenessEncoder, CollabMessageType.awareness);
      encoding.writeVarUint8Array(awarenessEncoder, awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()]));
      send(socket, encoding.toUint8Array(awarenessEncoder));
    }
  }

  function getDocument(documentId: string): DocumentInfo {
    const room = rooms.get(documentId);
    if (room) {
      return { id: documentId, text: room.doc.getText(COLLAB_TEXT_NAME).toString(), updatedAt: room.updatedAt };
    }
    const doc = new Y.Doc();
    try {
      const { updatedAt } = load(documentId, doc);
      return { id: documentId, text: doc.getText(COLLAB_TEXT_NAME).toString(), updatedAt };
    } finally {
      doc.destroy();
    }
  }

  function close(): void {
    clearInterval(pingTimer);
    for (const room of [...rooms.values()]) {
      for (const socket of [...room.sockets.keys()]) socket.close(1001, 'server shutting down');
      closeRoom(room);
    }
  }

  return { handleConnection, getDocument, close };
}
