import type { CollabEditorState } from '../../events/collab-events.js';

/**
 * The editor's user-visible strings. Kept next to the element until the shared table in
 * `src/strings.ts` takes them; the language is resolved the same way (`resolveLang`).
 */
export interface CollabEditorStrings {
  readonly statusIdle: string;
  readonly statusConnecting: string;
  readonly statusSyncing: string;
  readonly statusSynced: string;
  readonly statusSaved: string;
  readonly statusOffline: string;
  readonly statusClosed: string;
  /** Accessible name of the text area when the page gives no `label`. */
  readonly editorLabel: string;
  /** Accessible name of the list of people in the document. */
  readonly collaboratorsLabel: string;
  /** Shown for a person whose awareness state has no name. */
  readonly anonymous: string;
}

/** English, the fallback for every language and every missing key. */
export const defaultCollabEditorStrings: CollabEditorStrings = Object.freeze({
  statusIdle: 'Not connected',
  statusConnecting: 'Connecting…',
  statusSyncing: 'Syncing…',
  statusSynced: 'Synced',
  statusSaved: 'Saved',
  statusOffline: 'Offline',
  statusClosed: 'Closed',
  editorLabel: 'Shared document',
  collaboratorsLabel: 'Also editing',
  anonymous: 'Anonymous',
});

const tables = new Map<string, Partial<CollabEditorStrings>>([
  ['en', defaultCollabEditorStrings],
  [
    'fr',
    {
      statusIdle: 'Non connecté',
      statusConnecting: 'Connexion…',
      statusSyncing: 'Synchronisation…',
      statusSynced: 'Synchronisé',
      statusSaved: 'Enregistré',
      statusOffline: 'Hors ligne',
      statusClosed: 'Fermé',
      editorLabel: 'Document partagé',
      collaboratorsLabel: 'Modifient aussi',
      anonymous: 'Anonyme',
    },
  ],
]);

/** Adds or extends the editor's strings for a language. Later calls win. */
export function registerCollabEditorStrings(lang: string, strings: Partial<CollabEditorStrings>): void {
  const key = lang.toLowerCase();
  tables.set(key, { ...tables.get(key), ...strings });
}

/** The table for a language (exact tag, then primary subtag, then English) with overrides on top. */
export function collabEditorStringsFor(lang: string, overrides?: Partial<CollabEditorStrings>): CollabEditorStrings {
  const key = lang.toLowerCase();
  const primary = key.split('-')[0] ?? 'en';
  return { ...defaultCollabEditorStrings, ...tables.get(primary), ...tables.get(key), ...overrides };
}

const STATUS_KEYS: { readonly [S in CollabEditorState]: keyof CollabEditorStrings } = {
  idle: 'statusIdle',
  connecting: 'statusConnecting',
  syncing: 'statusSyncing',
  synced: 'statusSynced',
  saved: 'statusSaved',
  offline: 'statusOffline',
  closed: 'statusClosed',
};

/** The words for an editor state. */
export function collabStatusLabel(strings: CollabEditorStrings, state: CollabEditorState): string {
  return strings[STATUS_KEYS[state]];
}
