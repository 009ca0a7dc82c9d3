import type * as Y from 'yjs';

/** What the offline copy needs of `y-indexeddb`'s `IndexeddbPersistence`. */
export interface OfflineStore {
  readonly whenSynced: Promise<unknown>;
  destroy(): unknown;
}

/** Loads the store's module; the default is a dynamic import, so pages that never ask never load it. */
export type OfflineStoreLoader = () => Promise<{ IndexeddbPersistence: new (name: string, doc: Y.Doc) => OfflineStore }>;

const loadIndexeddb: OfflineStoreLoader = () => import('y-indexeddb');

/** Prefix of the IndexedDB database that holds a document's copy; the document id follows. */
export const OFFLINE_COPY_PREFIX = 'realtime-elements:';

/**
 * A copy of a shared document in this browser's IndexedDB (`y-indexeddb`): every change is written
 * there too, and what is there is merged into the document when it opens. Work that the server
 * has not confirmed yet thus survives a reload or a crash, and is sent when the connection is back.
 */
export class CollabOfflineCopy {
  /** Resolves once the stored copy is merged into the document (or the copy failed to open). */
  readonly loaded: Promise<void>;
  #store: OfflineStore | null = null;
  #destroyed = false;

  constructor(doc: Y.Doc, documentId: string, load: OfflineStoreLoader = loadIndexeddb) {
    this.loaded = load()
      .then(async ({ IndexeddbPersistence }) => {
        if (this.#destroyed) return;
        this.#store = new IndexeddbPersistence(OFFLINE_COPY_PREFIX + documentId, doc);
        await this.#store.whenSynced;
      })
      // No IndexedDB (private mode, blocked storage): the editor works without a local copy.
      .catch(() => undefined);
  }

  /** Stops writing; the stored copy stays for the next time the document opens. */
  destroy(): void {
    this.#destroyed = true;
    void this.#store?.destroy();
    this.#store = null;
  }
}
