import type { ConnectionState } from './services/types.js';
import type { NotificationLevel } from './protocol/index.js';

/**
 * Every user-visible string the elements render. Values may hold `{name}` placeholders, filled by
 * {@link formatString}. Pages override single strings per element through its `strings` property,
 * or whole languages through {@link registerStrings}.
 */
export interface RealtimeStrings {
  readonly stateIdle: string;
  readonly stateConnecting: string;
  readonly stateOpen: string;
  readonly stateReconnecting: string;
  readonly stateOffline: string;
  readonly stateClosed: string;
  readonly stateFailed: string;
  /**
   * Note added to the open label when the transport is not WebSocket: `{transport}` is one of
   * the `transport*` strings. A value without the placeholder works too (`limited`).
   */
  readonly degraded: string;
  /** Read before the state by screen readers (visually hidden). */
  readonly connectionPrefix: string;
  readonly retry: string;
  /** The badge's button that skips the wait while reconnecting or starts over after a failure. */
  readonly retryNow: string;
  /** Time to the next attempt, after the reconnecting label: `{seconds}` whole seconds. */
  readonly retryIn: string;
  /** Screen-reader detail while reconnecting or failed: `{attempt}` is the attempt number. */
  readonly attempt: string;
  /** Screen-reader detail: `{reason}` is the connection's last reason (a close reason, `max-retries`, ...). */
  readonly reason: string;
  /** Note added to the open label after a quiet spell (nothing arrived for a while). */
  readonly stale: string;
  /** A state with its notes (fallback, stale): `{state}` and `{notes}`, the notes comma-separated. */
  readonly stateNotes: string;
  readonly transportWebsocket: string;
  readonly transportSse: string;
  readonly transportPolling: string;

  readonly notificationsLabel: string;
  readonly levelInfo: string;
  readonly levelSuccess: string;
  readonly levelWarning: string;
  readonly levelError: string;
  /** Accessible name of a dismiss button: `{title}` is the notification title. */
  readonly dismiss: string;
  /** Accessible name of the toast stack and the inbox list. */
  readonly notificationsToastsLabel: string;
  /** Summary of notifications beyond the cap: `{count}`. */
  readonly notificationsMore: string;
  /** Times a grouped notification arrived: `{count}`. */
  readonly notificationsRepeat: string;
  /** Bell count: `{count}` unread notifications. */
  readonly notificationsUnread: string;
  /** Screen-reader marker of an unread item. */
  readonly notificationUnread: string;
  /** Accessible name of a mark-read button: `{title}`. */
  readonly notificationMarkRead: string;
  /** Accessible name of an archive button: `{title}`. */
  readonly notificationArchive: string;
  readonly notificationsMarkAllRead: string;
  readonly notificationsLoadOlder: string;
  readonly notificationsLoading: string;
  readonly notificationsEmpty: string;
  readonly notificationsError: string;
  /** Said when marking read or archiving failed and was undone. */
  readonly notificationsUpdateFailed: string;
  /** Announcement for several polite notifications at once: `{count}`. */
  readonly notificationsAnnounceMany: string;
  /** Announcement for several error notifications at once: `{count}`. */
  readonly notificationsAnnounceErrors: string;

  readonly activityLabel: string;
  readonly activityLoading: string;
  readonly activityEmpty: string;
  readonly activityError: string;
  /** The activity feed's button that loads the next older page. */
  readonly activityLoadOlder: string;
  readonly activityLoadingOlder: string;
  readonly activityOlderError: string;
  /** Shown when items are kept but none passes the feed's filters. */
  readonly activityNoMatch: string;
  /** Day headings of the activity feed; other days use the date in the element's language. */
  readonly activityToday: string;
  readonly activityYesterday: string;
  readonly live: string;
  readonly connecting: string;
  readonly offline: string;
}

/** English, the fallback for every language and every missing key. */
export const defaultStrings: RealtimeStrings = Object.freeze({
  stateIdle: 'Not connected',
  stateConnecting: 'Connecting',
  stateOpen: 'Connected',
  stateReconnecting: 'Reconnecting',
  stateOffline: 'Offline',
  stateClosed: 'Disconnected',
  stateFailed: 'Connection failed',
  degraded: 'fallback: {transport}',
  connectionPrefix: 'Connection:',
  retry: 'Retry',
  retryNow: 'Retry now',
  retryIn: 'in {seconds} s',
  attempt: 'Attempt {attempt}.',
  reason: 'Reason: {reason}.',
  stale: 'no recent data',
  stateNotes: '{state} ({notes})',
  transportWebsocket: 'WebSocket',
  transportSse: 'SSE',
  transportPolling: 'polling',

  notificationsLabel: 'Notifications',
  levelInfo: 'Info',
  levelSuccess: 'Success',
  levelWarning: 'Warning',
  levelError: 'Error',
  dismiss: 'Dismiss notification: {title}',
  notificationsToastsLabel: 'New notifications',
  notificationsMore: '+{count} more',
  notificationsRepeat: '×{count}',
  notificationsUnread: '{count} unread',
  notificationUnread: 'Unread',
  notificationMarkRead: 'Mark as read: {title}',
  notificationArchive: 'Archive: {title}',
  notificationsMarkAllRead: 'Mark all as read',
  notificationsLoadOlder: 'Load older',
  notificationsLoading: 'Loading notifications…',
  notificationsEmpty: 'No notifications.',
  notificationsError: 'Notifications could not be loaded.',
  notificationsUpdateFailed: 'The change could not be saved and was undone.',
  notificationsAnnounceMany: '{count} new notifications',
  notificationsAnnounceErrors: '{count} new errors',

  activityLabel: 'Recent activity',
  activityLoading: 'Loading activity…',
  activityEmpty: 'No activity yet.',
  activityError: 'Activity could not be loaded.',
  activityLoadOlder: 'Load older',
  activityLoadingOlder: 'Loading older activity…',
  activityOlderError: 'Older activity could not be loaded.',
  activityNoMatch: 'No activity matches the filter.',
  activityToday: 'Today',
  activityYesterday: 'Yesterday',
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Offline',
});

const french: Partial<RealtimeStrings> = {
  stateIdle: 'Non connecté',
  stateConnecting: 'Connexion en cours',
  stateOpen: 'Connecté',
  stateReconnecting: 'Reconnexion',
  stateOffline: 'Hors ligne',
  stateClosed: 'Déconnecté',
  stateFailed: 'Échec de la connexion',
  degraded: 'secours : {transport}',
  connectionPrefix: 'Connexion :',
  retry: 'Réessayer',
  retryNow: 'Réessayer maintenant',
  retryIn: 'dans {seconds} s',
  attempt: 'Tentative {attempt}.',
  reason: 'Raison : {reason}.',
  stale: 'aucune donnée récente',
  stateNotes: '{state} ({notes})',
  transportWebsocket: 'WebSocket',
  transportSse: 'SSE',
  transportPolling: 'interrogation périodique',
  notificationsLabel: 'Notifications',
  levelInfo: 'Info',
  levelSuccess: 'Succès',
  levelWarning: 'Avertissement',
  levelError: 'Erreur',
  dismiss: 'Fermer la notification : {title}',
  notificationsToastsLabel: 'Nouvelles notifications',
  notificationsMore: '+{count} de plus',
  notificationsRepeat: '×{count}',
  notificationsUnread: '{count} non lues',
  notificationUnread: 'Non lue',
  notificationMarkRead: 'Marquer comme lue : {title}',
  notificationArchive: 'Archiver : {title}',
  notificationsMarkAllRead: 'Tout marquer comme lu',
  notificationsLoadOlder: 'Charger les plus anciennes',
  notificationsLoading: 'Chargement des notifications…',
  notificationsEmpty: 'Aucune notification.',
  notificationsError: 'Les notifications n’ont pas pu être chargées.',
  notificationsUpdateFailed: 'La modification n’a pas pu être enregistrée et a été annulée.',
  notificationsAnnounceMany: '{count} nouvelles notifications',
  notificationsAnnounceErrors: '{count} nouvelles erreurs',
  activityLabel: 'Activité récente',
  activityLoading: 'Chargement de l’activité…',
  activityEmpty: 'Aucune activité pour le moment.',
  activityError: 'Impossible de charger l’activité.',
  activityLoadOlder: 'Charger l’activité plus ancienne',
  activityLoadingOlder: 'Chargement de l’activité plus ancienne…',
  activityOlderError: 'Impossible de charger l’activité plus ancienne.',
  activityNoMatch: 'Aucune activité ne correspond au filtre.',
  activityToday: 'Aujourd’hui',
  activityYesterday: 'Hier',
  live: 'En direct',
  connecting: 'Connexion…',
  offline: 'Hors ligne',
};

// Keyed by lower-case language tag; filled lazily by registerStrings, no globals touched.
const tables = new Map<string, Partial<RealtimeStrings>>([
  ['en', defaultStrings],
  ['fr', french],
]);

/** Adds or extends the strings for a language (`de`, `pt-br`, ...). Later calls win. */
export function registerStrings(lang: string, strings: Partial<RealtimeStrings>): void {
  const key = lang.toLowerCase();
  tables.set(key, { ...tables.get(key), ...strings });
}

/**
 * The table for a language: the exact tag, then its primary subtag, then English, with
 * `overrides` on top. Missing keys fall back one level at a time.
 */
export function stringsFor(lang: string | null | undefined, overrides?: Partial<RealtimeStrings>): RealtimeStrings {
  const key = (lang || 'en').toLowerCase();
  const primary = key.split('-')[0] ?? 'en';
  return { ...defaultStrings, ...tables.get(primary), ...tables.get(key), ...overrides };
}

/**
 * The language an element speaks: its own `lang` (or the nearest ancestor's in the same tree),
 * else the page's `<html lang>`, else English. Read at render time so a page can switch.
 */
export function resolveLang(element: Element): string {
  const own = element.closest('[lang]')?.getAttribute('lang');
  if (own) return own;
  const page = element.ownerDocument?.documentElement?.lang;
  return page || 'en';
}

/** Fills `{name}` placeholders; unknown names stay as written. */
export function formatString(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole,
  );
}

const STATE_KEYS: { readonly [S in ConnectionState]: keyof RealtimeStrings } = {
  idle: 'stateIdle',
  connecting: 'stateConnecting',
  open: 'stateOpen',
  reconnecting: 'stateReconnecting',
  offline: 'stateOffline',
  closed: 'stateClosed',
  failed: 'stateFailed',
};

/** The words for a connection state. */
export function stateLabel(strings: RealtimeStrings, state: ConnectionState): string {
  return strings[STATE_KEYS[state]];
}

const LEVEL_KEYS: { readonly [L in NotificationLevel]: keyof RealtimeStrings } = {
  info: 'levelInfo',
  success: 'levelSuccess',
  warning: 'levelWarning',
  error: 'levelError',
};

/** The words for a notification level. */
export function levelLabel(strings: RealtimeStrings, level: NotificationLevel): string {
  return strings[LEVEL_KEYS[level]];
}
