import type {
  ActivityInput,
  ActivityItem,
  Created,
  NotificationInput,
  NotificationPage,
  NotificationReadPayload,
  Page,
} from '../protocol/index.js';

export interface PageRequest {
  /** Only items with a smaller `seq`. */
  readonly before?: number;
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/** REST calls the elements make, behind an interface so tests and stories can fake them. */
export interface RealtimeApi {
  listActivities(request?: PageRequest): Promise<Page<ActivityItem>>;
  listNotifications(request?: PageRequest): Promise<NotificationPage>;
  publishActivity(input: ActivityInput): Promise<Created>;
  publishNotification(input: NotificationInput): Promise<Created>;
  markNotifications(change: NotificationReadPayload): Promise<void>;
}
