/**
 * The CDN entry: one `<script type="module">` that registers every tag.
 * @module
 */
import './define/realtime-provider.js';
import './define/connection-badge.js';
import './define/notification-feed.js';
import './define/activity-feed.js';
import './define/collaborative-editor.js';

export * from './index.js';
