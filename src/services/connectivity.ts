import type { Unsubscribe } from './types.js';

/**
 * What the services need to know about the page's surroundings: network and visibility.
 * Injected so tests can go offline or hide the tab; the default reads the browser at call time.
 */
export interface ConnectivityEnvironment {
  online(): boolean;
  onOnline(callback: () => void): Unsubscribe;
  onOffline(callback: () => void): Unsubscribe;
  visible(): boolean;
  onVisibility(callback: () => void): Unsubscribe;
}

/** Adds a listener when `target` can take one and returns its removal; a no-op elsewhere (Node). */
export function listen(target: unknown, type: string, callback: () => void): Unsubscribe {
  const eventTarget = target as Partial<EventTarget> | null | undefined;
  if (!eventTarget || typeof eventTarget.addEventListener !== 'function' || typeof eventTarget.removeEventListener !== 'function') {
    return () => {};
  }
  eventTarget.addEventListener(type, callback);
  return () => eventTarget.removeEventListener!(type, callback);
}

/**
 * The browser's network and visibility signals, read when called (never at import). In Node,
 * where neither exists, it reports online and visible and its subscriptions are no-ops.
 */
export function browserEnvironment(): ConnectivityEnvironment {
  const scope = globalThis as { navigator?: { onLine?: boolean }; document?: { visibilityState?: string } };
  return {
    online: () => scope.navigator?.onLine !== false,
    onOnline: (callback) => listen(globalThis, 'online', callback),
    onOffline: (callback) => listen(globalThis, 'offline', callback),
    visible: () => scope.document?.visibilityState !== 'hidden',
    onVisibility: (callback) => listen(scope.document, 'visibilitychange', callback),
  };
}
