import {
  type AnyEnvelope,
  type AppTypeRegistry,
  type NotificationReadPayload,
  type ParsedFrame,
  isAppType,
  isRecord,
  invalid,
  parseEnvelope,
  valid,
} from '../src/protocol/index.js';
import type { Hub } from './hub.js';
import type { MidCache } from './limits.js';
import type { Store } from './store.js';

/**
 * Parses a client frame. The server knows no page's `app.*` validators, so any `app.*` type with an
 * object payload is accepted and passed on; kit types get their full validation.
 */
export function parseClientFrame(json: unknown): ParsedFrame {
  const type = isRecord(json) && typeof json['type'] === 'string' ? json['type'] : '';
  const registry: AppTypeRegistry | undefined = isAppType(type)
    ? new Map([[type, { validate: (input: unknown, path = 'payload') => (isRecord(input) ? valid(input) : invalid(path, `${path} must be an object`)) }]])
    : undefined;
  return parseEnvelope(json, registry);
}

/** Marks notifications for `user` and tells the user's other clients (tabs, devices). */
export function applyRead(hub: Hub, store: Store, user: string, payload: NotificationReadPayload): number {
  const changed = store.markNotifications(user, payload.state, payload.all ? 'all' : (payload.ids ?? []));
  const event = payload.all ? { state: payload.state, all: true } : { state: payload.state, ids: [...(payload.ids ?? [])] };
  hub.publish({ type: 'notification.read', payload: event, to: user });
  return changed;
}

/** What became of a client message. */
export type ClientMessageResult =
  | { readonly kind: 'sent' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'read'; readonly changed: number }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string };

/** Who sent a client message and where it goes. */
export interface ClientMessageContext {
  readonly hub: Hub;
  readonly store: Store;
  readonly mids: MidCache;
  readonly user: string | null;
  /** Demo mode: a sender without a user may still fan out `app.*` and `presence.update`. */
  readonly anonymousMaySend: boolean;
  /** The sending connection (or null for REST), so fan-out skips it. */
  readonly origin: unknown;
}

/**
 * What a client may send besides `sys.*`: `app.*` and `presence.update` are fanned out unlogged
 * (repeats of a `mid` dropped); `notification.read` updates the user's state.
 */
export function handleClientMessage(message: AnyEnvelope, context: ClientMessageContext): ClientMessageResult {
  const { hub, mids } = context;
  if (message.type === 'notification.read') {
    if (context.user === null) return { kind: 'refused', code: 'no-user', message: 'marking notifications needs a user' };
    if (message.mid !== undefined && mids.repeat(message.mid)) return { kind: 'duplicate' };
    return { kind: 'read', changed: applyRead(hub, context.store, context.user, message.payload as NotificationReadPayload) };
  }
  if ((isAppType(message.type) || message.type === 'presence.update') && context.user === null && !context.anonymousMaySend) {
    // Outside demo mode an anonymous connection may read public events but never speak: it could
    // pose as anyone in presence or message any user.
    return { kind: 'refused', code: 'no-user', message: `sending ${message.type} needs a user` };
  }
  if (message.type === 'presence.update' && context.user !== null && (message.payload as { userId: string }).userId !== context.user) {
    return { kind: 'refused', code: 'not-allowed', message: 'presence.update must be about the sending user' };
  }
  if (isAppType(message.type) || message.type === 'presence.update') {
    if (message.mid !== undefined && mids.repeat(message.mid)) return { kind: 'duplicate' };
    const payload = message.payload as Record<string, unknown>;
    const to = typeof payload['to'] === 'string' ? payload['to'] : null;
    // Re-serialized from the validated envelope, so only known fields travel on; never logged.
    const out = { type: message.type, ts: message.ts, payload, ...(message.mid === undefined ? {} : { mid: message.mid }) };
    hub.broadcast({ type: message.type, text: JSON.stringify(out), to, origin: context.origin });
    return { kind: 'sent' };
  }
  return { kind: 'refused', code: 'not-allowed', message: `clients may not send ${message.type}` };
}
