import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { CollabPeer } from '../context/collab.js';
import { readPeers } from './collab-session.js';

/**
 * Carets and selections in awareness. Each client shares `cursor: { anchor, head }` as Yjs
 * relative positions (`Y.relativePositionToJSON`), the field y-codemirror and y-prosemirror use, so
 * a position stays on its character while others edit and any Yjs editor can read it.
 */

/** The awareness field that holds the local caret and selection. */
export const CURSOR_FIELD = 'cursor';

/** A selection as text indexes: `head` is where the caret is, `anchor` where the selection began. */
export interface TextRange {
  readonly anchor: number;
  readonly head: number;
}

/** A person in the document with their caret and selection, resolved against the local text. */
export interface PeerCursor extends CollabPeer, TextRange {}

/** The awareness value for a selection in `text`. */
export function encodeCursor(text: Y.Text, range: TextRange): { anchor: unknown; head: unknown } {
  const length = text.length;
  const at = (index: number) =>
    Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, Math.max(0, Math.min(index, length))));
  return { anchor: at(range.anchor), head: at(range.head) };
}

const isId = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as Record<string, unknown>)['client']) &&
  Number.isSafeInteger((value as Record<string, unknown>)['clock']);

/** One relative position from the network, or null when it is not one. */
function resolve(value: unknown, text: Y.Text): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record['item'] !== undefined && record['item'] !== null && !isId(record['item'])) return null;
  if (record['type'] !== undefined && record['type'] !== null && !isId(record['type'])) return null;
  if (record['tname'] !== undefined && record['tname'] !== null && typeof record['tname'] !== 'string') return null;
  if (record['assoc'] !== undefined && record['assoc'] !== null && !Number.isSafeInteger(record['assoc'])) return null;
  const doc = text.doc;
  if (!doc) return null;
  try {
    const absolute = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(record), doc);
    if (!absolute || absolute.type !== text) return null;
    return Math.max(0, Math.min(absolute.index, text.length));
  } catch {
    // A position naming something this doc cannot resolve: no caret rather than a wrong one.
    return null;
  }
}

/** Reads the selection a peer shares, or null when it shares none or it does not resolve. */
export function decodeCursor(value: unknown, text: Y.Text): TextRange | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const anchor = resolve(record['anchor'], text);
  const head = resolve(record['head'], text);
  return anchor === null || head === null ? null : { anchor, head };
}

/** The other people in the document who share a caret, with it resolved against `text`. */
export function readPeerCursors(awareness: Awareness, text: Y.Text): PeerCursor[] {
  const states = awareness.getStates();
  const cursors: PeerCursor[] = [];
  for (const peer of readPeers(awareness)) {
    const range = decodeCursor(states.get(peer.clientId)?.[CURSOR_FIELD], text);
    if (range) cursors.push({ ...peer, ...range });
  }
  return cursors;
}
