/**
 * realtime-elements: Lit web components for live data.
 *
 * Importing this module registers nothing; import `realtime-elements/define/<tag>.js` (or the CDN
 * file) to register tags.
 * @module
 */
export * from './protocol/index.js';
export * from './services/index.js';
export { CollabSession } from './services/collab-session.js';
export * from './context/index.js';
export * from './events/index.js';
export * from './controllers/index.js';
export * from './strings.js';
export { RealtimeProvider } from './elements/realtime-provider/realtime-provider.js';
export { ConnectionBadge } from './elements/connection-badge/connection-badge.js';
export { NotificationFeed } from './elements/notification-feed/notification-feed.js';
export { ActivityFeed } from './elements/activity-feed/activity-feed.js';
export { CollaborativeEditor } from './elements/collaborative-editor/collaborative-editor.js';
export * from './elements/collaborative-editor/collaborative-editor.strings.js';
export * from './services/tab-sync.js';
export * from './services/auth-sync.js';
export * from './services/worker-pool.js';
export * from './services/leader.js';
export * from './services/shared-connection.js';
export {
  type AggregateGroup,
  type AggregateOp,
  type AggregateResult,
  type AggregateSpec,
  type FilterClause,
  type FilterOp,
  type FilterSpec,
  type NumericArray,
  type Primitive,
  type SortDirection,
  type SortKey,
  type SortSpec,
  DataSpecError,
  validateAggregate,
  validateFilter,
  validateSort,
} from './workers/data-ops.js';
