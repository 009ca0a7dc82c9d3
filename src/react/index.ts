/**
 * React wrappers for every tag, made with `@lit/react`: typed props for the elements' properties
 * and `on…` props for their events. Importing this module registers the tags.
 *
 * ```tsx
 * import { RealtimeProvider, NotificationFeed } from 'realtime-elements/react';
 * <RealtimeProvider url="/ws"><NotificationFeed variant="inbox" onNotificationUnreadChange={(e) => setCount(e.count)} /></RealtimeProvider>
 * ```
 * @module
 */
import { type EventName, createComponent } from '@lit/react';
import * as React from 'react';
import { RealtimeProvider as RealtimeProviderElement } from '../define/realtime-provider.js';
import { ConnectionBadge as ConnectionBadgeElement } from '../define/connection-badge.js';
import { NotificationFeed as NotificationFeedElement } from '../define/notification-feed.js';
import { ActivityFeed as ActivityFeedElement } from '../define/activity-feed.js';
import { CollaborativeEditor as CollaborativeEditorElement } from '../define/collaborative-editor.js';
import type {
  ActivityLoadErrorEvent,
  ActivitySpecErrorEvent,
  CollabPeersChangeEvent,
  CollabStatusChangeEvent,
  NotificationDismissEvent,
  NotificationLoadErrorEvent,
  NotificationMarkErrorEvent,
  NotificationShowEvent,
  NotificationUnreadChangeEvent,
  RealtimeErrorEvent,
  RealtimeLogoutEvent,
  RealtimeStateChangeEvent,
} from '../events/index.js';

/** `<realtime-provider>`: owns the connection, REST API and collaboration services for its children. */
export const RealtimeProvider = createComponent({
  tagName: 'realtime-provider',
  elementClass: RealtimeProviderElement,
  react: React,
  events: {
    onRealtimeStateChange: 'realtime-state-change' as EventName<RealtimeStateChangeEvent>,
    onRealtimeError: 'realtime-error' as EventName<RealtimeErrorEvent>,
    onRealtimeLogout: 'realtime-logout' as EventName<RealtimeLogoutEvent>,
  },
});

/** `<connection-badge>`: the connection's state in words and icon. */
export const ConnectionBadge = createComponent({
  tagName: 'connection-badge',
  elementClass: ConnectionBadgeElement,
  react: React,
});

/** `<notification-feed>`: live notifications as toasts or an inbox. */
export const NotificationFeed = createComponent({
  tagName: 'notification-feed',
  elementClass: NotificationFeedElement,
  react: React,
  events: {
    onNotificationShow: 'notification-show' as EventName<NotificationShowEvent>,
    onNotificationDismiss: 'notification-dismiss' as EventName<NotificationDismissEvent>,
    onNotificationUnreadChange: 'notification-unread-change' as EventName<NotificationUnreadChangeEvent>,
    onNotificationMarkError: 'notification-mark-error' as EventName<NotificationMarkErrorEvent>,
    onNotificationLoadError: 'notification-load-error' as EventName<NotificationLoadErrorEvent>,
  },
});

/** `<activity-feed>`: recent activity, live. */
export const ActivityFeed = createComponent({
  tagName: 'activity-feed',
  elementClass: ActivityFeedElement,
  react: React,
  events: {
    onActivityLoadError: 'activity-load-error' as EventName<ActivityLoadErrorEvent>,
    onActivitySpecError: 'activity-spec-error' as EventName<ActivitySpecErrorEvent>,
  },
});

/** `<collaborative-editor>`: a shared text on Yjs. */
export const CollaborativeEditor = createComponent({
  tagName: 'collaborative-editor',
  elementClass: CollaborativeEditorElement,
  react: React,
  events: {
    onCollabStatusChange: 'collab-status-change' as EventName<CollabStatusChangeEvent>,
    onCollabPeersChange: 'collab-peers-change' as EventName<CollabPeersChangeEvent>,
  },
});
