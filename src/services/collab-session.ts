import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { CollabPeer, CollabSessionLike, CollabStatus, CollabSyncState } from '../context/collab.js';
import type { RealtimeUser } from '../context/keys.js';
import { COLLAB_TEXT_NAME, CollabMessageType } from '../protocol/collab.js';
import { Emitter } from './emitter.js';
import type { Unsubscribe } from './types.js';

export interface CollabSessionOptions {
  /** WebSocket base, e.g. `ws://127.0.0.1:5173/collab`; the document id is appended as a path segment. */
  readonly url: string;
  readonly documentId: string;
  readonly user: RealtimeUser;
  /** WebSocket constructor; defaults to the global one, read when the session is created. */
  readonly WebSocket?: typeof WebSocket;
  /** Connect at once (default true). */
  readonly connect?: boolean;
  /** Longest wait between reconnect attempts, ms (default 2500, y-websocket's default). */
  readonly maxBackoffTime?: number;
}

/**
 * One shared document: a `Y.Doc` with its text, the awareness of who is in it, and a y-websocket
 * connection. Status goes `connecting` → `syncing` → `synced` (→ `saved` with our server),
 * `offline` while disconnected, `closed` after {@link destroy}.
 *
 * Tabs do not talk to each other over BroadcastChannel (y-websocket's shortcut is disabled): every
 * change goes through the server, so "saved" means stored and two tabs behave like two devices.
 */
export class CollabSession implements CollabSessionLike {
  readonly documentId: string;
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly awareness: Awareness;
  readonly #provider: WebsocketProvider;
  readonly #events = new Emitter<{ status: CollabStatus }>();
  #status: CollabStatus = { state: 'connecting', connected: false };
  /** Local changes made so far, and the highest count the server confirmed as stored. */
  #changes = 0;
  #stored = 0;
  /** Changes made by the last time the session was connected and synced (for plain peers). */
  #delivered = 0;
  #storedSupported = false;
  #markerQueued = false;
  readonly #teardown: Array<() => void> = [];

  constructor(options: CollabSessionOptions) {
    this.documentId = options.documentId;
    this.doc = new Y.Doc();
    this.text = this.doc.getText(COLLAB_TEXT_NAME);
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalStateField('user', {
      id: options.user.id,
      name: options.user.name,
      color: options.user.color,
    });
    const WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    // y-websocket appends the room name to the URL as is: encode it so any id is one path segment.
    this.#provider = new WebsocketProvider(options.url, encodeURIComponent(options.documentId), this.doc, {
      connect: false,
      awareness: this.awareness,
      WebSocketPolyfill: WebSocketImpl,
      disableBc: true,
      maxBackoffTime: options.maxBackoffTime ?? 2500,
    });
    const provider = this.#provider;

    provider.messageHandlers[CollabMessageType.stored] = (_encoder, decoder) => {
      this.#storedSupported = true;
      this.#stored = Math.max(this.#stored, decoding.readVarUint(decoder));
      this.#refresh();
    };

    const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }): void => {
      if (status === 'connected') {
        // Peers and the server forgot us with the last socket but remember our awareness clock,
        // and refuse a state with a clock they have seen: a fresh clock makes presence come back
        // at once instead of at the next 15 s renewal.
        const local = this.awareness.getLocalState();
        if (local) this.awareness.setLocalState({ ...local });
        this.#set('syncing', true);
      } else if (status === 'disconnected') {
        this.#set('offline', false);
      }
      // 'connecting' keeps the current state: a retry after a drop still reads as offline.
    };
    const onClose = (): void => {
      if (this.#status.state !== 'closed') this.#set('offline', false);
    };
    const onSync = (synced: boolean): void => {
      if (synced) this.#sendStoredMarker();
      this.#refresh();
    };
    // Counts local edits (anything not applied by the provider) so "saved" can be judged.
    const onUpdate = (_update: Uint8Array, origin: unknown): void => {
      if (origin === provider) return;
      this.#changes += 1;
      // One marker after a burst of changes (a paste, a remote merge, an undo of many steps): at
      // the end of this task, after the provider sent every update, so it follows them on the wire.
      if (!this.#markerQueued) {
        this.#markerQueued = true;
        queueMicrotask(() => {
          this.#markerQueued = false;
          if (this.#status.state !== 'closed') this.#sendStoredMarker();
        });
      }
      this.#refresh();
    };
    // Forget the clock of people who left (or whom a dropped socket removed), so their state is
    // taken again when they come back, even from a client that rejoins with the same clock.
    const onAwarenessChange = ({ removed }: { removed: number[] }): void => {
      for (const clientId of removed) if (clientId !== this.awareness.clientID) this.awareness.meta.delete(clientId);
    };
    // On 'update', after the provider's own handler (registered first) has sent the removal.
    this.awareness.on('update', onAwarenessChange);
    this.#teardown.push(() => this.awareness.off('update', onAwarenessChange));
    provider.on('status', onStatus);
    this.#teardown.push(() => provider.off('status', onStatus));
    provider.on('connection-close', onClose);
    this.#teardown.push(() => provider.off('connection-close', onClose));
    provider.on('sync', onSync);
    this.#teardown.push(() => provider.off('sync', onSync));
    this.doc.on('update', onUpdate);
    this.#teardown.push(() => this.doc.off('update', onUpdate));

    if (options.connect ?? true) provider.connect();
  }

  get status(): CollabStatus {
    return this.#status;
  }

  /**
   * Local changes not yet confirmed: with our server, those it has not confirmed as stored; with
   * a plain y-websocket peer (which confirms nothing), those made while not connected and synced.
   */
  get unsaved(): number {
    return Math.max(0, this.#changes - (this.#storedSupported ? this.#stored : this.#delivered));
  }

  /** The y-websocket provider, for pages that need its lower-level events. */
  get provider(): WebsocketProvider {
    return this.#provider;
  }

  onStatus(handler: (status: CollabStatus) => void): Unsubscribe {
    return this.#events.on('status', handler);
  }

  /** Other people in the document, from awareness (the local user excluded). */
  peers(): CollabPeer[] {
    return readPeers(this.awareness);
  }

  /** Connects (again) after `connect: false` or {@link disconnect}. */
  connect(): void {
    if (this.#status.state === 'closed') return;
    this.#provider.connect();
  }

  /** Stops the connection but keeps the document; edits merge on {@link connect}. */
  disconnect(): void {
    this.#provider.disconnect();
  }

  /** Tears down provider, awareness and doc; the status ends at `closed`. Safe to call twice. */
  destroy(): void {
    if (this.#status.state === 'closed') return;
    // Our listeners go first so the provider's own disconnect does not read as `offline`.
    for (const undo of this.#teardown.splice(0)) undo();
    // The provider's disconnect tells the server our awareness state is gone.
    this.#provider.destroy();
    this.awareness.destroy();
    this.doc.destroy();
    this.#set('closed', false);
    this.#events.clear();
  }

  #sendStoredMarker(): void {
    const ws = this.#provider.ws;
    if (!this.#provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, CollabMessageType.stored);
    encoding.writeVarUint(encoder, this.#changes);
    ws.send(encoding.toUint8Array(encoder));
  }

  /** Recomputes the state while connected: syncing, synced, or saved. */
  #refresh(): void {
    if (!this.#provider.wsconnected) {
      // An offline change still changes the unsaved count.
      if (this.#status.state !== 'closed') this.#set(this.#status.state, this.#status.connected);
      return;
    }
    // Connected and synced: the provider sends each change as it is made.
    if (this.#provider.synced) this.#delivered = this.#changes;
    if (!this.#provider.synced) this.#set('syncing', true);
    else if (this.#storedSupported && this.#stored >= this.#changes) this.#set('saved', true);
    else this.#set('synced', true);
  }

  #set(state: CollabSyncState, connected: boolean): void {
    if (this.#status.state === 'closed') return;
    const unsaved = state === 'closed' ? 0 : this.unsaved;
    const current = this.#status;
    if (current.state === state && current.connected === connected && (current.unsaved ?? 0) === unsaved) return;
    this.#status = Object.freeze({ state, connected, unsaved });
    this.#events.emit('status', this.#status);
  }
}

const COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,20}|(rgb|rgba|hsl|hsla|oklch|oklab|lab|lch)\([0-9a-z.,%\s/+-]{1,60}\))$/i;

/** A CSS colour from the network, or a neutral one when it is not a plain colour value. */
export function safeColor(value: unknown): string {
  return typeof value === 'string' && COLOR.test(value.trim()) ? value.trim() : 'gray';
}

/** Reads `{ user: { id, name, color } }` awareness states into peers, the local one excluded. */
export function readPeers(awareness: Awareness): CollabPeer[] {
  const peers: CollabPeer[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue;
    const user: unknown = state['user'];
    if (typeof user !== 'object' || user === null) continue;
    const record = user as Record<string, unknown>;
    const name = typeof record['name'] === 'string' && record['name'].trim() ? record['name'].trim().slice(0, 100) : '';
    peers.push({
      clientId,
      id: typeof record['id'] === 'string' ? record['id'] : String(clientId),
      name,
      color: safeColor(record['color']),
    });
  }
  return peers.sort((a, b) => a.clientId - b.clientId);
}
