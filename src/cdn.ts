/**
 * The CDN entry: one `<script type="module">` that registers every tag. The editor (with Yjs) and
 * the activity feed (with its virtualizer and sort/filter code) are further files next to this one
 * (found through `import.meta.url`), fetched only when their tag appears in the document, so a
 * page that shows neither never pays for them.
 * @module
 */
import './define/realtime-provider.js';
import './define/connection-badge.js';
import './define/notification-feed.js';

export * from './protocol/index.js';
export * from './services/index.js';
export * from './context/index.js';
export * from './events/index.js';
export * from './strings.js';
export { RealtimeProvider } from './elements/realtime-provider/realtime-provider.js';
export { ConnectionBadge } from './elements/connection-badge/connection-badge.js';
export { NotificationFeed } from './elements/notification-feed/notification-feed.js';

type EditorModule = typeof import('./define/collaborative-editor.js');
type ActivityFeedModule = typeof import('./define/activity-feed.js');

// Each tag's module, imported once; the import registers the tag.
const LAZY_TAGS = {
  'collaborative-editor': once((): Promise<EditorModule> => import('./define/collaborative-editor.js')),
  'activity-feed': once((): Promise<ActivityFeedModule> => import('./define/activity-feed.js')),
};

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () => (loaded ??= load());
}

/**
 * Loads and registers `<collaborative-editor>` (Yjs included) now. It happens by itself when the tag
 * appears in the document; a page that builds editors before attaching them may call it first.
 */
export function loadEditor(): Promise<EditorModule> {
  return LAZY_TAGS['collaborative-editor']();
}

/**
 * Loads and registers `<activity-feed>` now and gives its module (the `ActivityFeed` class, to
 * subclass). It happens by itself when the tag appears in the document; a page that builds feeds
 * before attaching them may call it first.
 */
export function loadActivityFeed(): Promise<ActivityFeedModule> {
  return LAZY_TAGS['activity-feed']();
}

// This module is the page's script, so looking at the document here is its purpose. Guarded for
// imports outside a page (a server renderer, a test in Node).
if (typeof document !== 'undefined') {
  const waiting = new Set(Object.keys(LAZY_TAGS) as (keyof typeof LAZY_TAGS)[]);
  const loadPresent = (): void => {
    for (const tag of waiting) {
      if (!document.querySelector(tag)) continue;
      waiting.delete(tag);
      void LAZY_TAGS[tag]();
    }
  };
  loadPresent();
  if (waiting.size > 0) {
    const watch = new MutationObserver(() => {
      loadPresent();
      if (waiting.size === 0) watch.disconnect();
    });
    watch.observe(document.documentElement, { childList: true, subtree: true });
  }
}
