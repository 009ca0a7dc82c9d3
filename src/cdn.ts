/**
 * The CDN entry: one `<script type="module">` that registers every tag. The editor and its Yjs
 * part are a second file next to this one (found through `import.meta.url`), fetched only when a
 * `<collaborative-editor>` appears in the document, so a page with feeds alone never pays for it.
 * @module
 */
import './define/realtime-provider.js';
import './define/connection-badge.js';
import './define/notification-feed.js';
import './define/activity-feed.js';

export * from './protocol/index.js';
export * from './services/index.js';
export * from './context/index.js';
export * from './events/index.js';
export * from './strings.js';
export { RealtimeProvider } from './elements/realtime-provider/realtime-provider.js';
export { ConnectionBadge } from './elements/connection-badge/connection-badge.js';
export { NotificationFeed } from './elements/notification-feed/notification-feed.js';
export { ActivityFeed } from './elements/activity-feed/activity-feed.js';

const EDITOR_TAG = 'collaborative-editor';
let editor: Promise<typeof import('./define/collaborative-editor.js')> | null = null;

/**
 * Loads and registers `<collaborative-editor>` (Yjs included) now. It happens by itself when the tag
 * appears in the document; a page that builds editors before attaching them may call it first.
 */
export function loadEditor(): Promise<typeof import('./define/collaborative-editor.js')> {
  editor ??= import('./define/collaborative-editor.js');
  return editor;
}

// This module is the page's script, so looking at the document here is its purpose. Guarded for
// imports outside a page (a server renderer, a test in Node).
if (typeof document !== 'undefined') {
  if (document.querySelector(EDITOR_TAG)) {
    void loadEditor();
  } else {
    const watch = new MutationObserver(() => {
      if (!document.querySelector(EDITOR_TAG)) return;
      watch.disconnect();
      void loadEditor();
    });
    watch.observe(document.documentElement, { childList: true, subtree: true });
  }
}
