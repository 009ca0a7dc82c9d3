import type {
  ActivityFeed,
  ActivityLoadErrorEvent,
  ActivitySpecErrorEvent,
} from "../dist/elements/activity-feed/activity-feed.js";
import type {
  CollaborativeEditor,
  CollabStatusChangeEvent,
  CollabPeersChangeEvent,
} from "../dist/elements/collaborative-editor/collaborative-editor.js";
import type { ConnectionBadge } from "../dist/elements/connection-badge/connection-badge.js";
import type {
  NotificationFeed,
  NotificationShowEvent,
  NotificationDismissEvent,
  NotificationUnreadChangeEvent,
  NotificationMarkErrorEvent,
  NotificationLoadErrorEvent,
} from "../dist/elements/notification-feed/notification-feed.js";
import type {
  RealtimeProvider,
  RealtimeErrorEvent,
  RealtimeStateChangeEvent,
  RealtimeLogoutEvent,
} from "../dist/elements/realtime-provider/realtime-provider.js";

/**
 * This type can be used to create scoped tags for your components.
 *
 * Usage:
 *
 * ```ts
 * import type { ScopedElements } from "path/to/library/jsx-integration";
 *
 * declare module "my-library" {
 *   namespace JSX {
 *     interface IntrinsicElements
 *       extends ScopedElements<'test-', ''> {}
 *   }
 * }
 * ```
 *
 */
export type ScopedElements<Prefix extends string = "", Suffix extends string = ""> = {
  [Key in keyof CustomElements as `${Prefix}${Key}${Suffix}`]: CustomElements[Key];
};

type BaseProps = {
  /** Content added between the opening and closing tags of the element */
  children?: any;
  /** Used for declaratively styling one or more elements using CSS (Cascading Stylesheets) */
  class?: string;
  /** Used for declaratively styling one or more elements using CSS (Cascading Stylesheets) */
  className?: string;
  /** Takes an object where the key is the class name(s) and the value is a boolean expression. When true, the class is applied, and when false, it is removed. */
  classList?: Record<string, boolean | undefined>;
  /** Specifies the text direction of the element. */
  dir?: "ltr" | "rtl";
  /** Contains a space-separated list of the part names of the element that should be exposed on the host element. */
  exportparts?: string;
  /** For <label> and <output>, lets you associate the label with some control. */
  htmlFor?: string;
  /** Specifies whether the element should be hidden. */
  hidden?: boolean | string;
  /** A unique identifier for the element. */
  id?: string;
  /** Keys tell React which array item each component corresponds to */
  key?: string | number;
  /** Specifies the language of the element. */
  lang?: string;
  /** Contains a space-separated list of the part names of the element. Part names allows CSS to select and style specific elements in a shadow tree via the ::part pseudo-element. */
  part?: string;
  /** Use the ref attribute with a variable to assign a DOM element to the variable once the element is rendered. */
  ref?: unknown | ((e: unknown) => void);
  /** Adds a reference for a custom element slot */
  slot?: string;
  /** Prop for setting inline styles */
  style?: Record<string, string | number>;
  /** Overrides the default Tab button behavior. Avoid using values other than -1 and 0. */
  tabIndex?: number;
  /** Specifies the tooltip text for the element. */
  title?: string;
  /** Passing 'no' excludes the element content from being translated. */
  translate?: "yes" | "no";
};

type BaseEvents = {};

export type ActivityFeedProps = {
  /** Most items kept, filtered or not; the oldest (smallest `seq`) leave first. */
  max?: ActivityFeed["max"];
  /** Load older pages when the end of the list scrolls into view. */
  infinite?: ActivityFeed["infinite"];
  /** Show only items whose `userId` or `userName` equals this. */
  "filter-user"?: ActivityFeed["filterUser"];
  /** Show only items whose `action` equals this. */
  "filter-action"?: ActivityFeed["filterAction"];
  /** Clauses separated by `;` that must all hold, e.g. `action=commented on;userName~Ada` (see the
class description for the syntax). Invalid: ignored and reported by `activity-spec-error`. */
  filter?: ActivityFeed["filter"];
  /** Fields separated by commas, `-` for descending (`-ts`). Default: newest first by `seq`. */
  "sort-by"?: ActivityFeed["sortBy"];
  /** Whether the connection is open; reflected for styling. Set by the element. */
  live?: ActivityFeed["live"];
  /** Language of labels, day headings and relative times; defaults to the page's. */
  lang?: ActivityFeed["undefined"];
  /** Optional predicate, on the main thread; combined with `filter`, `filter-user` and `filter-action`. */
  predicate?: ActivityFeed["predicate"];
  /** Overrides for single strings of the table. */
  strings?: ActivityFeed["strings"];
  /** Optional template for one item's content (inside its `<li part="item">`, after the day heading; replaces avatar, text and time). */
  renderItem?: ActivityFeed["renderItem"];
  /** Read-only: every kept item, newest first, filtered or not. */
  items?: ActivityFeed["items"];
  /** Read-only: what the list shows: the kept items that pass the filters, in `sort-by` order (newest first without it). While the pool computes a new view, still the previous one. */
  filteredItems?: ActivityFeed["filteredItems"];
  /** Read-only: older items may exist on the server (the "Load older" button shows). */
  hasOlder?: ActivityFeed["hasOlder"];
  /** A page could not be loaded (`before` is null for the first page). */
  "onactivity-load-error"?: (e: CustomEvent<ActivityLoadErrorEvent>) => void;
  /** `filter` or `sort-by` holds a value that cannot be read; the feed ignores that attribute (once per value). */
  "onactivity-spec-error"?: (e: CustomEvent<ActivitySpecErrorEvent>) => void;
};

export type CollaborativeEditorProps = {
  /** Id of the shared document. */
  "document-id"?: CollaborativeEditor["documentId"];
  /** The text shows live but cannot be edited. */
  readonly?: CollaborativeEditor["readonly"];
  /** Placeholder of the empty text area. */
  placeholder?: CollaborativeEditor["placeholder"];
  /** Accessible name of the text area; defaults to the strings table's `editorLabel`. */
  label?: CollaborativeEditor["label"];
  /** Keep a copy of the document in IndexedDB (loaded on demand) so unsaved work survives a reload. */
  "offline-copy"?: CollaborativeEditor["offlineCopy"];
  /** The document's sync state; reflected for styling. Set by the element, not by the page. */
  state?: CollaborativeEditor["state"];
  /** Language of the labels; defaults to the page's. */
  lang?: CollaborativeEditor["undefined"];
  /** Who this editor's person is (`{ id, name, color }`), overriding the provider's `user`; `null` uses the provider's. */
  user?: CollaborativeEditor["user"];
  /** Overrides for single strings. */
  strings?: CollaborativeEditor["strings"];
  /** Read-only: the current text of the document. */
  text?: CollaborativeEditor["text"];
  /** Read-only: local changes the server has not confirmed as stored yet (with a plain y-websocket peer: changes not sent yet). */
  unsaved?: CollaborativeEditor["unsaved"];
  /** Read-only: the other people in the document. */
  peers?: CollaborativeEditor["peers"];
  /** The document's sync state changed (`state`, `previous`, `connected`, `unsaved`, `documentId`). Fired with every change of `state`, so the `synced`/`saved` flips come at most once per animation frame. Bubbles. */
  "oncollab-status-change"?: (e: CustomEvent<CollabStatusChangeEvent>) => void;
  /** Someone joined or left, or changed name or colour (`peers`, `documentId`); at most once per animation frame, never for caret moves. Bubbles. */
  "oncollab-peers-change"?: (e: CustomEvent<CollabPeersChangeEvent>) => void;
};

export type ConnectionBadgeProps = {
  /** The connection's state; reflected for styling. Set by the element, not by the page. */
  state?: ConnectionBadge["state"];
  /** How events arrive; reflected for styling. Set by the element, not by the page. */
  transport?: ConnectionBadge["transport"];
  /** True when open over a transport other than WebSocket; reflected. Set by the element. */
  degraded?: ConnectionBadge["degraded"];
  /** True when open but quiet (see `staleAfter`); reflected. Set by the element. */
  stale?: ConnectionBadge["stale"];
  /** Also look stale after this many ms without a delivered event while open. Unset, 0 or
negative: only the connection's own `status.stale` counts. Heartbeats are not events, so
this measures "no news", not a dead line (the connection's own `stale` does that). */
  "stale-after"?: ConnectionBadge["staleAfter"];
  /** Icon only; the words stay as the accessible text and the tooltip. */
  compact?: ConnectionBadge["compact"];
  /** Language of the labels; defaults to the page's. */
  lang?: ConnectionBadge["undefined"];
  /** Overrides for single strings of the table (`stateOpen`, `retryNow`, `retryIn`, `degraded`, `stale`, ...). */
  strings?: ConnectionBadge["strings"];
};

export type NotificationFeedProps = {
  /** Floating toasts or a persistent inbox. */
  variant?: NotificationFeed["variant"];
  /** Where toasts float. */
  placement?: NotificationFeed["placement"];
  /** Toasts leave after this many ms (raised to MIN_TOAST_MS); `0` keeps them until dismissed. */
  duration?: NotificationFeed["duration"];
  /** Most rows kept; unset means 5 for toasts and 50 for the inbox. */
  max?: NotificationFeed["max"];
  /** Same-`group` notifications within this many ms merge into one row; `0` never merges groups. */
  "group-window"?: NotificationFeed["groupWindow"];
  /** Read-only: the user's unread notifications, including ones past the cap. */
  "unread-count"?: NotificationFeed["unreadCount"];
  /** Language of labels and relative times; defaults to the page's. */
  lang?: NotificationFeed["undefined"];
  /** Overrides for single strings of the table. */
  strings?: NotificationFeed["strings"];
  /** Optional template for a row's content (level, title, message, time); the row keeps its icon and buttons. */
  renderItem?: NotificationFeed["renderItem"];
  /** Read-only: the newest notification of each row, newest first. */
  notifications?: NotificationFeed["notifications"];
  /** A new row was added (once per row, not per merged repeat). */
  "onnotification-show"?: (e: CustomEvent<NotificationShowEvent>) => void;
  /** A toast is about to leave (by the user or its timer). Cancelable: `preventDefault()` keeps it. */
  "onnotification-dismiss"?: (e: CustomEvent<NotificationDismissEvent>) => void;
  /** The unread count changed; `count` holds it. */
  "onnotification-unread-change"?: (e: CustomEvent<NotificationUnreadChangeEvent>) => void;
  /** Marking read, seen or archived failed; the change was undone. */
  "onnotification-mark-error"?: (e: CustomEvent<NotificationMarkErrorEvent>) => void;
  /** The inbox could not load a page. */
  "onnotification-load-error"?: (e: CustomEvent<NotificationLoadErrorEvent>) => void;
};

export type RealtimeProviderProps = {
  /** WebSocket endpoint. */
  url?: RealtimeProvider["url"];
  /** Server-Sent Events endpoint. */
  events?: RealtimeProvider["events"];
  /** REST base including `/api`. */
  api?: RealtimeProvider["api"];
  /** y-websocket base for the editor. */
  collab?: RealtimeProvider["collab"];
  /** One connection for every tab of the browser; the tabs elect which one holds it. */
  shared?: RealtimeProvider["shared"];
  /** The primary connection's state; reflected. Set by the provider, not by the page. */
  state?: RealtimeProvider["state"];
  /** How events arrive; reflected. Set by the provider, not by the page. */
  transport?: RealtimeProvider["transport"];
  /** Asked for an access token before every connection attempt (`{ refresh: true }` after an expiry). */
  getToken?: RealtimeProvider["getToken"];
  /** The page's user `{ id, name, color }`; a stored guest when unset. */
  user?: RealtimeProvider["user"];
  /** Read-only: the connection handed down, while connected. */
  connection?: RealtimeProvider["connection"];
  /** A service reported a problem. Bubbles, composed. */
  "onrealtime-error"?: (e: CustomEvent<RealtimeErrorEvent>) => void;
  /** The connection's state or transport changed. Bubbles. */
  "onrealtime-state-change"?: (e: CustomEvent<RealtimeStateChangeEvent>) => void;
  /** This tab or another called `logout()`; the connection is closed. Bubbles, composed. */
  "onrealtime-logout"?: (e: CustomEvent<RealtimeLogoutEvent>) => void;
};

export type CustomElements = {
  /**
   * A live list of recent activity, grouped by day, with older pages and filters.
   * ---
   *
   *
   * ### **Events:**
   *  - **activity-load-error** - A page could not be loaded (`before` is null for the first page).
   * - **activity-spec-error** - `filter` or `sort-by` holds a value that cannot be read; the feed ignores that attribute (once per value).
   *
   * ### **Methods:**
   *  - **reload(): _void_** - Loads the first page again (the error state's retry button does this).
   * - **loadOlder(): _Promise<void>_** - Loads the next older page (`before=` the oldest kept item), as the "Load older" button does.
   * Resolves when it has been merged, dropped as stale, or has failed; does nothing while a page
   * loads or when nothing older exists.
   *
   *
   *
   *
   * ### **Slots:**
   *  - **loading** - Shown while the first page loads and nothing is listed yet. Default: "Loading activity…".
   * - **empty** - Shown when there is nothing to list. Default: "No activity yet.".
   * - **no-match** - Shown when items are kept but the filters hide them all. Default: "No activity matches the filter.".
   * - **error** - Shown when the first page failed, next to a retry button. Default: "Activity could not be loaded.".
   *
   * ### **CSS Properties:**
   *  - **--rt-feed-gap** - Space between items. _(default: 0.5rem)_
   * - **--rt-feed-color** - Text colour. _(default: inherit)_
   * - **--rt-feed-muted-color** - Colour of times. _(default: color-mix(in srgb, currentColor 75%, transparent))_
   * - **--rt-activity-border-color** - Separator between items. _(default: #e5e7eb)_
   * - **--rt-activity-padding-block** - Block padding of an item. _(default: 0.375rem)_
   * - **--rt-activity-padding-inline** - Inline padding of an item. _(default: 0)_
   * - **--rt-activity-max-block-size** - Largest block size of the scroller part; the list scrolls inside it beyond that. _(default: none)_
   * - **--rt-activity-avatar-size** - Avatar width and height. _(default: 2rem)_
   * - **--rt-activity-avatar-background** - Background of initials. _(default: hsl(<hue from the user> 60% 86%))_
   * - **--rt-activity-avatar-color** - Colour of initials. _(default: #1f2937)_
   * - **--rt-activity-day-color** - Colour of day headings. _(default: inherit)_
   * - **--rt-activity-focus-color** - Outline of a focused item. _(default: Highlight)_
   * - **--rt-color-success** - Live indicator colour. _(default: #15803d)_
   * - **--rt-color-neutral** - Offline indicator colour. _(default: #6b7280)_
   * - **--rt-color-danger** - Colour of the older-page error text. _(default: #b91c1c)_
   *
   * ### **CSS Parts:**
   *  - **header** - Heading and live indicator.
   * - **heading** - The feed's title.
   * - **status** - The live/offline indicator (icon and words).
   * - **scroller** - Wraps the list and the older-page controls; bound its height (or set `--rt-activity-max-block-size`) to scroll inside the feed.
   * - **list** - The list of items (virtualized: only rows near the viewport are present).
   * - **item** - One item (an `<li>`; focused, with `tabindex="-1"`, after "Load older" brings it).
   * - **day** - The day heading at the top of the first item of each day.
   * - **entry** - An item's default content: avatar and text.
   * - **avatar** - The user's picture (`<img>`) or initials (`<span>`).
   * - **body** - Actor, action, target and time.
   * - **actor** - Who did it.
   * - **action** - What they did.
   * - **target** - What they did it to (a link when the item has one).
   * - **time** - The relative time.
   * - **loading** - The loading state.
   * - **empty** - The empty state (also when filters hide every item, with `data-reason="filtered"`).
   * - **error** - The error state of the first page.
   * - **retry** - The retry button of the error state.
   * - **older** - Older-page controls after the list.
   * - **load-older** - The "Load older" button (its label reads "Retry" after a failure); `data-state` is idle, loading or error.
   * - **older-status** - Polite status text while an older page loads.
   * - **older-error** - The error text of a failed older page.
   */
  "activity-feed": Partial<ActivityFeedProps & BaseProps & BaseEvents>;

  /**
   * A textarea several people edit at once.
   * ---
   *
   *
   * ### **Events:**
   *  - **collab-status-change** - The document's sync state changed (`state`, `previous`, `connected`, `unsaved`, `documentId`). Fired with every change of `state`, so the `synced`/`saved` flips come at most once per animation frame. Bubbles.
   * - **collab-peers-change** - Someone joined or left, or changed name or colour (`peers`, `documentId`); at most once per animation frame, never for caret moves. Bubbles.
   *
   * ### **CSS Properties:**
   *  - **--rt-editor-color** - Text colour. _(default: inherit)_
   * - **--rt-editor-muted-color** - Colour of the status text. _(default: color-mix(in srgb, currentColor 75%, transparent))_
   * - **--rt-editor-background** - Background of the text area. _(default: Canvas)_
   * - **--rt-editor-readonly-background** - Background of a read-only text area. _(default: transparent)_
   * - **--rt-editor-border** - Border of the text area. _(default: 1px solid #6b7280)_
   * - **--rt-editor-radius** - Corner radius of the text area. _(default: 4px)_
   * - **--rt-editor-font** - Font of the text area. _(default: inherit)_
   * - **--rt-editor-min-block-size** - Minimum height of the text area. _(default: 12em)_
   * - **--rt-editor-padding-block** - Block padding of the text area. _(default: 0.5em)_
   * - **--rt-editor-padding-inline** - Inline padding of the text area. _(default: 0.75em)_
   * - **--rt-editor-focus-ring** - Outline of the focused text area. _(default: 2px solid #2563eb)_
   * - **--rt-editor-gap** - Space between the status bar and the text area. _(default: 0.375em)_
   * - **--rt-editor-avatar-size** - Size of a person's avatar. _(default: 1.75em)_
   * - **--rt-editor-caret-width** - Width of another person's caret. _(default: 2px)_
   * - **--rt-editor-selection-tint** - How much of a person's colour tints the text they select. _(default: 30%)_
   *
   * ### **CSS Parts:**
   *  - **input** - The text area.
   * - **status** - The sync state in words. A visually hidden polite live region announces it (a save confirmed after each keystroke is not re-announced).
   * - **peers** - The list of other people.
   * - **peer** - One person: an avatar and the name.
   * - **avatar** - A person's initials on their colour (hidden from assistive technology; the name is read).
   * - **peer-name** - A person's name.
   * - **carets** - The mirror over the text area that holds other people's carets and selections.
   * - **caret** - Another person's caret, a bar in their colour.
   * - **caret-label** - The name above another person's caret.
   * - **selection** - Text another person has selected, tinted with their colour.
   */
  "collaborative-editor": Partial<CollaborativeEditorProps & BaseProps & BaseEvents>;

  /**
   * The live connection's state in words and icon, with retry countdown and a retry button.
   * ---
   *
   *
   * ### **CSS Properties:**
   *  - **--rt-badge-color** - Text colour. _(default: inherit)_
   * - **--rt-badge-background** - Background. _(default: transparent)_
   * - **--rt-badge-border-color** - Border colour. _(default: currentColor)_
   * - **--rt-badge-radius** - Corner radius. _(default: 999px)_
   * - **--rt-badge-gap** - Space between icon, label, countdown and button. _(default: 0.375em)_
   * - **--rt-badge-padding-block** - Block padding. _(default: 0.125em)_
   * - **--rt-badge-padding-inline** - Inline padding. _(default: 0.5em)_
   * - **--rt-badge-icon-color** - Icon colour for every state (defaults differ per state). _(default: undefined)_
   * - **--rt-badge-muted-color** - Colour of the countdown. _(default: color-mix(in srgb, currentColor 75%, transparent))_
   * - **--rt-badge-degraded-border-style** - Border style while degraded. _(default: dashed)_
   * - **--rt-badge-stale-border-style** - Border style while stale. _(default: dotted)_
   * - **--rt-badge-stale-background** - Background while stale. _(default: transparent)_
   * - **--rt-badge-spin-duration** - One turn of the connecting icon; no spin under `prefers-reduced-motion`. _(default: 1.2s)_
   * - **--rt-badge-retry-background** - Background of the retry button. _(default: transparent)_
   * - **--rt-badge-retry-color** - Text colour of the retry button. _(default: inherit)_
   * - **--rt-focus-ring** - Outline of the focused retry button. _(default: 2px solid #2563eb)_
   * - **--rt-color-success** - Icon colour when open. _(default: #15803d)_
   * - **--rt-color-warning** - Icon colour while connecting, reconnecting or degraded. _(default: #b45309)_
   * - **--rt-color-danger** - Icon colour when offline or failed. _(default: #b91c1c)_
   * - **--rt-color-neutral** - Icon colour when idle, closed or stale. _(default: #6b7280)_
   *
   * ### **CSS Parts:**
   *  - **base** - The badge box.
   * - **icon** - The state icon (an `svg`).
   * - **label** - The state in words, with its notes (fallback, stale); inside the live region.
   * - **countdown** - "in 4 s" while reconnecting; outside the live region.
   * - **retry** - The "Retry now" button, while reconnecting or failed.
   */
  "connection-badge": Partial<ConnectionBadgeProps & BaseProps & BaseEvents>;

  /**
   * Live notifications as toasts or an inbox, with unread counts and accessible announcements.
   * ---
   *
   *
   * ### **Events:**
   *  - **notification-show** - A new row was added (once per row, not per merged repeat).
   * - **notification-dismiss** - A toast is about to leave (by the user or its timer). Cancelable: `preventDefault()` keeps it.
   * - **notification-unread-change** - The unread count changed; `count` holds it.
   * - **notification-mark-error** - Marking read, seen or archived failed; the change was undone.
   * - **notification-load-error** - The inbox could not load a page.
   *
   * ### **Methods:**
   *  - **dismiss(id: _string_, reason: _NotificationDismissReason_): _boolean_** - Dismisses a row by (any of its) notification id as if the user had: fires the cancelable
   * `notification-dismiss` and removes it unless a listener vetoes. Returns whether it was removed.
   * - **markRead(ids: _string | readonly string[]_): _Promise<void>_** - Marks notifications read (all of a row's when given any of its ids); optimistic, undone on error.
   * - **markAllRead(): _Promise<void>_** - Marks every notification of the user read, including ones not loaded.
   * - **markSeen(ids: _string | readonly string[] | 'all'_): _Promise<void>_** - Marks notifications seen (shown to the user, not necessarily read).
   * - **archive(ids: _string | readonly string[]_): _Promise<void>_** - Archives notifications: they leave the inbox and the unread count.
   * - **loadOlder(): _Promise<void>_** - Inbox: loads the next older page; resolves when it is listed (or failed).
   * - **reload(): _void_** - Inbox: loads the first page again (the error state's retry button does this).
   *
   *
   * ### **Slots:**
   *  - **empty** - Inbox: shown when there is nothing to list. Default: "No notifications.".
   * - **loading** - Inbox: shown while the first page loads. Default: "Loading notifications…".
   * - **error** - Inbox: shown when a page failed, next to a retry button. Default: "Notifications could not be loaded.".
   *
   * ### **CSS Properties:**
   *  - **--rt-feed-gap** - Space between rows. _(default: 0.5rem)_
   * - **--rt-feed-color** - Text colour. _(default: inherit)_
   * - **--rt-feed-muted-color** - Colour of the time. _(default: color-mix(in srgb, currentColor 75%, transparent))_
   * - **--rt-toast-inset** - Distance of the toast stack from the viewport edges. _(default: 1rem)_
   * - **--rt-toast-width** - Width of the toast stack. _(default: 22rem)_
   * - **--rt-toast-z-index** - Stacking order of the toast stack. _(default: 1000)_
   * - **--rt-toast-shadow** - Shadow of a toast. _(default: 0 4px 12px rgb(0 0 0 / 0.15))_
   * - **--rt-notification-background** - Background of a row. _(default: Canvas)_
   * - **--rt-notification-unread-background** - Background of an unread inbox row. _(default: color-mix(in srgb, var(--rt-color-info, #1d4ed8) 6%, Canvas))_
   * - **--rt-notification-border-color** - Border colour. _(default: #d1d5db)_
   * - **--rt-notification-radius** - Corner radius. _(default: 6px)_
   * - **--rt-notification-accent-width** - Width of the level-coloured inline-start border. _(default: 4px)_
   * - **--rt-notification-padding-block** - Block padding. _(default: 0.5rem)_
   * - **--rt-notification-padding-inline** - Inline padding. _(default: 0.75rem)_
   * - **--rt-color-info** - Accent for info (and the unread dot). _(default: #1d4ed8)_
   * - **--rt-color-success** - Accent for success. _(default: #15803d)_
   * - **--rt-color-warning** - Accent for warning. _(default: #b45309)_
   * - **--rt-color-danger** - Accent for error. _(default: #b91c1c)_
   * - **--rt-focus-color** - Focus ring. _(default: #2563eb)_
   *
   * ### **CSS Parts:**
   *  - **base** - The stack or the inbox.
   * - **header** - Inbox: heading, unread count and "Mark all as read".
   * - **heading** - Inbox: the heading.
   * - **unread-count** - Inbox: the unread count (also as words for screen readers).
   * - **mark-all** - Inbox: the "Mark all as read" button.
   * - **list** - The list of rows.
   * - **item** - One row; also has the part `item-<level>`, and `item-unread` while unread.
   * - **icon** - The level icon.
   * - **content** - Level, title, message and time.
   * - **level** - The level in words.
   * - **title** - The title (a link when the notification has one).
   * - **message** - The message text.
   * - **time** - The relative time.
   * - **count** - How many notifications merged into the row (shown from 2).
   * - **unread** - Inbox: the unread marker (a dot and the word for screen readers).
   * - **actions** - The row's buttons.
   * - **dismiss** - Toasts: the dismiss button.
   * - **mark-read** - Inbox: a row's "Mark as read" button.
   * - **archive** - Inbox: a row's "Archive" button.
   * - **more** - The "+N more" summary.
   * - **load-older** - Inbox: the "Load older" button.
   * - **loading** - Inbox: the loading state.
   * - **empty** - Inbox: the empty state.
   * - **error** - Inbox: the error state.
   * - **retry** - Inbox: the retry button of the error state.
   */
  "notification-feed": Partial<NotificationFeedProps & BaseProps & BaseEvents>;

  /**
   * Connects the page and hands the connection to the elements inside it.
   * ---
   *
   *
   * ### **Events:**
   *  - **realtime-error** - A service reported a problem. Bubbles, composed.
   * - **realtime-state-change** - The connection's state or transport changed. Bubbles.
   * - **realtime-logout** - This tab or another called `logout()`; the connection is closed. Bubbles, composed.
   *
   * ### **Methods:**
   *  - **logout(reason: _string | null_): _void_** - Logs every tab of the origin out: every provider in every tab closes its connection and fires
   * `realtime-logout` (this one included). Nothing navigates.
   *
   *
   * ### **Slots:**
   *  - _default_ - The page content that uses the services.
   */
  "realtime-provider": Partial<RealtimeProviderProps & BaseProps & BaseEvents>;
};
