export * from './realtime-error-event.js';
export * from './realtime-state-change-event.js';
export * from './notification-events.js';
export * from './activity-load-error-event.js';
export * from './activity-spec-error-event.js';
export * from './collab-events.js';
export * from './collab-events.js';
export * from './realtime-logout-event.js';
