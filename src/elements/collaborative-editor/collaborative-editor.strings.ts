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
  /** One local change the server has not confirmed as stored yet. */
  readonly unsavedOne: string;
  /** Several unconfirmed changes: `{count}` is their number. */
  readonly unsavedOther: string;
  /** A state with the unsaved count: `{status}` and `{unsaved}`. */
  readonly statusWithUnsaved: string;
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
  unsavedOne: '1 change not saved yet',
  unsavedOther: '{count} changes not saved yet',
  statusWithUnsaved: '{status} · {unsaved}',
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
      unsavedOne: '1 modification pas encore enregistrée',
      unsavedOther: '{count} modifications pas encore enregistrées',
      statusWithUnsaved: '{status} · {unsaved}',
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

/** Plural rules by language tag (`null`: a tag Intl refuses). Bounded: pages use a few languages. */
const pluralRules = new Map<string, Intl.PluralRules | null>();
const PLURAL_RULES_KEPT = 16;

/** Built once per language: a new `Intl.PluralRules` costs far more than a status render. */
function pluralRulesFor(lang: string): Intl.PluralRules | null {
  let rules = pluralRules.get(lang);
  if (rules !== undefined) return rules;
  try {
    rules = new Intl.PluralRules(lang);
  } catch {
    rules = null;
  }
  if (pluralRules.size >= PLURAL_RULES_KEPT) pluralRules.clear();
  pluralRules.set(lang, rules);
  return rules;
}

/** "3 changes not saved yet", in the language's plural form (French counts 0 and 1 as one). */
export function unsavedLabel(strings: CollabEditorStrings, lang: string, count: number): string {
  // An unknown language tag: English rules.
  const form = pluralRulesFor(lang)?.select(count) ?? (count === 1 ? 'one' : 'other');
  return (form === 'one' ? strings.unsavedOne : strings.unsavedOther).replaceAll('{count}', String(count));
}

/**
 * What the status shows: the state's words, or the unsaved count when the server confirms saves
 * and some are missing ("Saved" / "2 changes not saved yet"), joined to the state while it is not
 * synced ("Offline · 2 changes not saved yet").
 */
export function collabStatusText(
  strings: CollabEditorStrings,
  lang: string,
  state: CollabEditorState,
  unsaved: number,
  confirmsSaves: boolean,
): string {
  if (unsaved <= 0 || state === 'saved' || state === 'idle' || state === 'closed') return collabStatusLabel(strings, state);
  if (state === 'synced') return confirmsSaves ? unsavedLabel(strings, lang, unsaved) : collabStatusLabel(strings, state);
  const count = unsavedLabel(strings, lang, unsaved);
  return strings.statusWithUnsaved.replaceAll('{status}', collabStatusLabel(strings, state)).replaceAll('{unsaved}', count);
}
