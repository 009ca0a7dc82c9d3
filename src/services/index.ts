/** The kit's services: plain classes with an injected environment, no globals read at import. */
export * from './types.js';
export { Emitter } from './emitter.js';
export { type BackoffPolicy, DEFAULT_BACKOFF, computeBackoff, resolveBackoff } from './backoff.js';
export type { ConnectionOptions } from './connection-base.js';
export { type ConnectivityEnvironment, browserEnvironment } from './connectivity.js';
export { resolveUrl } from './urls.js';
export { Waiter } from './waiter.js';
export { type SequenceVerdict, SequenceTracker } from './sequence-tracker.js';
export { type RealtimeSocketOptions, RealtimeSocket } from './realtime-socket.js';
export { type EventStreamOptions, EventStream } from './event-stream.js';
export { type PollerOptions, Poller } from './poller.js';
export {
  type FallbackConnectionOptions,
  type FallbackTransport,
  type TransportFactory,
  FallbackConnection,
} from './fallback-connection.js';
export { type RestApiOptions, RestApi, RestError } from './rest-api.js';
export { type CollabClientOptions, CollabClient } from './collab-client.js';
