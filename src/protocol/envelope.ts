import {
  type ActivityPayload,
  type EmptyPayload,
  type ErrorPayload,
  type HelloPayload,
  type NotificationPayload,
  type NotificationReadPayload,
  type PresencePayload,
  type ResetPayload,
  type ResumePayload,
  validateActivity,
  validateEmpty,
  validateError,
  validateHello,
  validateNotification,
  validateNotificationRead,
  validatePresence,
  validateReset,
  validateResume,
} from './payloads.js';
import { type Validation, type Validator, invalid, isRecord, isSafeInteger, valid } from './validate.js';

/** Version of the JSON protocol carried in `sys.hello`. */
export const PROTOCOL_VERSION = 1;

/** Every kit message type and its payload. Pages add `app.*` types at run time. */
export interface KitMessageMap {
  'notification.new': NotificationPayload;
  'notification.read': NotificationReadPayload;
  'activity.new': ActivityPayload;
  'presence.update': PresencePayload;
  'sys.hello': HelloPayload;
  'sys.resume': ResumePayload;
  'sys.reset': ResetPayload;
  'sys.ping': EmptyPayload;
  'sys.pong': EmptyPayload;
  'sys.error': ErrorPayload;
}

/** A message type the kit itself defines (`notification.new`, `sys.hello`, …). */
export type KitMessageType = keyof KitMessageMap;

/** A page-defined type: `app.` followed by a name. */
export type AppMessageType = `app.${string}`;

/** Any message type: a kit type or a page-registered `app.*` type. */
export type MessageType = KitMessageType | AppMessageType;

/** The payload type of a message type; `unknown` for `app.*` types until validated. */
export type PayloadOf<T extends MessageType> = T extends KitMessageType ? KitMessageMap[T] : unknown;

/** What travels over WebSocket and SSE. */
export interface Envelope<T extends MessageType = MessageType> {
  readonly type: T;
  /** Position in the server's ordered log; present on logged (replayable) events. */
  readonly seq?: number;
  /** `seq` of the previous event sent on this subscription; reveals a gap. */
  readonly prev?: number;
  /** Milliseconds since the Unix epoch. */
  readonly ts: number;
  readonly payload: PayloadOf<T>;
  /** Client message id; the server drops repeats. */
  readonly mid?: string;
}

/** Any envelope with its payload typed by its `type`. */
export type AnyEnvelope = { [K in KitMessageType]: Envelope<K> }[KitMessageType] | Envelope<AppMessageType>;

/** The payload validator of each kit type; `parseEnvelope` uses them. */
export const KIT_VALIDATORS: { readonly [K in KitMessageType]: Validator<KitMessageMap[K]> } = {
  'notification.new': validateNotification,
  'notification.read': validateNotificationRead,
  'activity.new': validateActivity,
  'presence.update': validatePresence,
  'sys.hello': validateHello,
  'sys.resume': validateResume,
  'sys.reset': validateReset,
  'sys.ping': validateEmpty,
  'sys.pong': validateEmpty,
  'sys.error': validateError,
};

/** Whether `type` is one of the kit's own message types. */
export function isKitType(type: string): type is KitMessageType {
  return Object.prototype.hasOwnProperty.call(KIT_VALIDATORS, type);
}

/** Whether `type` is a well-formed page type: `app.` followed by 1 to 100 of `A-Z a-z 0-9 _ . : -`. */
export function isAppType(type: string): type is AppMessageType {
  return /^app\.[A-Za-z0-9_.:-]{1,100}$/.test(type);
}

/** How a page registers its own `app.*` type. */
export interface AppTypeDefinition<T = unknown> {
  readonly validate: Validator<T>;
  /** Volatile messages (typing indicators, cursors) are never queued while offline. */
  readonly volatile?: boolean;
}

/** The page's `app.*` types by name, as the services receive them. */
export type AppTypeRegistry = ReadonlyMap<string, AppTypeDefinition>;

/** Why a frame was refused. `unknown-type` frames are valid JSON envelopes of a type nobody registered. */
export type FrameRejection =
  | { readonly kind: 'invalid'; readonly field: string; readonly message: string }
  | { readonly kind: 'unknown-type'; readonly type: string };

/** A validated envelope, or why the frame was refused. */
export type ParsedFrame = { readonly ok: true; readonly envelope: AnyEnvelope } | { readonly ok: false; readonly rejection: FrameRejection };

/**
 * Validates an envelope and its payload. Unknown types are reported separately from invalid
 * frames so a client can ignore one and raise an error for the other.
 */
export function parseEnvelope(input: unknown, appTypes: AppTypeRegistry = NO_APP_TYPES): ParsedFrame {
  if (!isRecord(input)) return fail('', 'frame must be a JSON object');
  const { type, seq, prev, ts, payload, mid } = input;
  if (typeof type !== 'string' || type === '') return fail('type', 'type must be a non-empty string');
  if (seq !== undefined && (!isSafeInteger(seq) || seq < 1)) return fail('seq', 'seq must be a positive integer');
  if (prev !== undefined && (!isSafeInteger(prev) || prev < 0)) return fail('prev', 'prev must be a non-negative integer');
  if (!isSafeInteger(ts) || ts < 0) return fail('ts', 'ts must be milliseconds since the Unix epoch');
  if (mid !== undefined && (typeof mid !== 'string' || mid === '' || mid.length > 100)) {
    return fail('mid', 'mid must be a string of 1 to 100 characters');
  }
  let checked: Validation<unknown>;
  if (isKitType(type)) checked = KIT_VALIDATORS[type](payload, 'payload');
  else if (isAppType(type) && appTypes.has(type)) checked = appTypes.get(type)!.validate(payload, 'payload');
  else return { ok: false, rejection: { kind: 'unknown-type', type } };
  if (!checked.ok) return fail(checked.issue.field, checked.issue.message);
  // Absent fields stay absent (not `undefined`), built without spreads: this runs for every event.
  const envelope: { type: string; seq?: number; prev?: number; ts: number; payload: unknown; mid?: string } = { type, ts, payload: checked.value };
  if (seq !== undefined) envelope.seq = seq;
  if (prev !== undefined) envelope.prev = prev;
  if (mid !== undefined) envelope.mid = mid;
  return { ok: true, envelope: envelope as AnyEnvelope };
}

const NO_APP_TYPES: AppTypeRegistry = new Map();

function fail(field: string, message: string): ParsedFrame {
  return { ok: false, rejection: { kind: 'invalid', field, message } };
}

/** Parses a text frame (JSON) into an envelope. */
export function parseFrame(data: unknown, appTypes?: AppTypeRegistry): ParsedFrame {
  if (typeof data !== 'string') return { ok: false, rejection: { kind: 'invalid', field: '', message: 'frame must be text' } };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, rejection: { kind: 'invalid', field: '', message: 'frame is not valid JSON' } };
  }
  return parseEnvelope(json, appTypes);
}

/**
 * WebSocket query parameter (`?batch=1`) by which a client says it reads batch frames: a JSON
 * array of envelopes, in order, sent by our server when several events go out at once. Without it
 * the server sends one envelope per frame, as plain y-websocket-style peers expect.
 */
export const BATCH_PARAM = 'batch';

/** Most envelopes the server packs into one batch frame. */
export const MAX_BATCH = 256;

/** Builds an envelope with `ts` set, for sending. */
export function envelope<T extends MessageType>(
  type: T,
  payload: PayloadOf<T>,
  extra: { seq?: number; prev?: number; mid?: string; ts?: number } = {},
): Envelope<T> {
  return { type, ts: extra.ts ?? Date.now(), payload, ...withoutUndefined({ seq: extra.seq, prev: extra.prev, mid: extra.mid }) };
}

function withoutUndefined<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A resume point: `<epoch>:<seq>`, the same string over WebSocket, SSE and polling. */
export interface Cursor {
  readonly epoch: string;
  readonly seq: number;
}

/** Formats a resume point as `<epoch>:<seq>`. */
export function formatCursor(cursor: Cursor): string {
  return `${cursor.epoch}:${cursor.seq}`;
}

/** Parses `<epoch>:<seq>`; null for an empty or malformed cursor. */
export function parseCursor(text: string | null | undefined): Cursor | null {
  if (!text) return null;
  const at = text.lastIndexOf(':');
  if (at <= 0) return null;
  const epoch = text.slice(0, at);
  const seqText = text.slice(at + 1);
  if (!/^\d{1,15}$/.test(seqText)) return null;
  return { epoch, seq: Number(seqText) };
}

export { valid, invalid };
