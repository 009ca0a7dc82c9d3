import {
  FieldReader,
  type StringOptions,
  type Validation,
  invalid,
  isRecord,
  isSafeInteger,
  isUserId,
  readString,
  safeLink,
  valid,
} from './validate.js';

/** Notification levels, least to most severe. */
export const NOTIFICATION_LEVELS = ['info', 'success', 'warning', 'error'] as const;
/** How severe a notification is. */
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];

/** Payload of `notification.new`. Text is plain text; `link` is http, https or relative. */
export interface NotificationPayload {
  readonly id: string;
  readonly level: NotificationLevel;
  readonly title: string;
  readonly message: string;
  readonly link?: string;
  /** Notifications with the same group key may be merged by a feed. */
  readonly group?: string;
  /** The user this is addressed to; absent means everyone. */
  readonly to?: string;
}

/** Payload of `notification.read`: the user marked items read, seen or archived. */
export interface NotificationReadPayload {
  readonly state: 'read' | 'seen' | 'archived';
  readonly ids?: readonly string[];
  readonly all?: boolean;
}

/** Payload of `activity.new`. */
export interface ActivityPayload {
  readonly id: string;
  readonly userId?: string;
  readonly userName: string;
  readonly action: string;
  readonly target: string;
  readonly link?: string;
  /** Picture of the user: http, https or relative, like `link`; feeds show initials without it. */
  readonly avatar?: string;
}

/** Payload of `presence.update`: a user came, went away or left. */
export interface PresencePayload {
  readonly userId: string;
  readonly name?: string;
  readonly status: 'online' | 'away' | 'offline';
}

/** The user the server recognised, as echoed in `sys.hello`. */
export interface HelloUser {
  readonly id: string;
  readonly name?: string;
}

/** Payload of `sys.hello`, the first frame the server sends on a WebSocket. */
export interface HelloPayload {
  readonly version: number;
  readonly epoch: string;
  /** Largest frame the server accepts, in bytes. */
  readonly maxFrameBytes: number;
  /** Quiet time after which the client pings, in ms. */
  readonly heartbeatMs: number;
  readonly user: HelloUser | null;
  /** The newest `seq` in the server's log when the socket opened. */
  readonly seq: number;
}

/** Payload of `sys.resume`, the first frame a client sends: where to resume from. */
export interface ResumePayload {
  /** `<epoch>:<seq>`; absent or empty on a fresh start. */
  readonly cursor?: string;
  /** Demo mode only: the page's user id. */
  readonly user?: string;
}

/** Payload of `sys.reset`: the asked-for position is gone; lists reload their first page. */
export interface ResetPayload {
  readonly epoch: string;
  readonly seq: number;
  readonly reason: string;
}

/** Payload of `sys.error`: the server refused a client frame; the connection stays open. */
export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
}

/** Payload of `sys.ping` and `sys.pong`. */
export type EmptyPayload = Record<string, never>;

type Out<T> = Validation<T>;

function collect<T>(checks: Validation<unknown>[], build: () => T): Out<T> {
  for (const check of checks) if (!check.ok) return check as Out<T>;
  return valid(build());
}

/** Validates a `notification.new` payload; unsafe links are dropped, not rejected. */
export function validateNotification(input: unknown, path = 'payload'): Out<NotificationPayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const read = new FieldReader(input, path);
  const id = read.string('id', ID);
  const title = read.string('title', TITLE);
  const message = read.string('message', MESSAGE);
  const link = read.string('link', LINK);
  const group = read.string('group', OPTIONAL_ID);
  const to = read.string('to', OPTIONAL_ID);
  if (read.issue) return { ok: false, issue: read.issue };
  const level = input['level'];
  if (!NOTIFICATION_LEVELS.includes(level as NotificationLevel)) {
    return invalid(`${path}.level`, `${path}.level must be one of ${NOTIFICATION_LEVELS.join(', ')}`);
  }
  return valid(withOptional({ id: id!, level: level as NotificationLevel, title: title!, message: message ?? '' }, { link: safeLink(link), group, to }));
}

// Field rules of the two event payloads, built once (they run for every live event).
const ID: StringOptions = { max: 200 };
const OPTIONAL_ID: StringOptions = { optional: true, max: 200 };
const TITLE: StringOptions = { max: 500 };
const MESSAGE: StringOptions = { allowEmpty: true };
const LINK: StringOptions = { optional: true, max: 2000 };

/** Validates a `notification.read` payload: `{ state, ids }` or `{ state, all: true }`. */
export function validateNotificationRead(input: unknown, path = 'payload'): Out<NotificationReadPayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const state = input['state'];
  if (state !== 'read' && state !== 'seen' && state !== 'archived') {
    return invalid(`${path}.state`, `${path}.state must be read, seen or archived`);
  }
  const all = input['all'];
  const ids = input['ids'];
  if (all === true) return valid({ state, all: true });
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000 || !ids.every((id) => typeof id === 'string')) {
    return invalid(`${path}.ids`, `${path}.ids must be a non-empty list of at most 1000 strings, or set all: true`);
  }
  return valid({ state, ids: ids as string[] });
}

/** Validates an `activity.new` payload; unsafe links and avatars are dropped, not rejected. */
export function validateActivity(input: unknown, path = 'payload'): Out<ActivityPayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const read = new FieldReader(input, path);
  const id = read.string('id', ID);
  const userId = read.string('userId', OPTIONAL_ID);
  const userName = read.string('userName', ID);
  const action = read.string('action', TITLE);
  const target = read.string('target', TITLE);
  const link = read.string('link', LINK);
  const avatar = read.string('avatar', LINK);
  if (read.issue) return { ok: false, issue: read.issue };
  return valid(withOptional({ id: id!, userName: userName!, action: action!, target: target! }, { userId, link: safeLink(link), avatar: safeLink(avatar) }));
}

/** Validates a `presence.update` payload. */
export function validatePresence(input: unknown, path = 'payload'): Out<PresencePayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const userId = readString(input, 'userId', path, { max: 200 });
  const name = readString(input, 'name', path, { optional: true, max: 200 });
  const status = input['status'];
  if (status !== 'online' && status !== 'away' && status !== 'offline') {
    return invalid(`${path}.status`, `${path}.status must be online, away or offline`);
  }
  return collect([userId, name], () => ({
    userId: userId.ok ? userId.value! : '',
    ...optional('name', name.ok ? name.value : undefined),
    status,
  }));
}

/** Validates a `sys.hello` payload. */
export function validateHello(input: unknown, path = 'payload'): Out<HelloPayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const { version, epoch, maxFrameBytes, heartbeatMs, user, seq } = input;
  if (!isSafeInteger(version) || version < 1) return invalid(`${path}.version`, 'version must be a positive integer');
  if (typeof epoch !== 'string' || epoch === '' || epoch.includes(':')) {
    return invalid(`${path}.epoch`, 'epoch must be a non-empty string without ":"');
  }
  if (!isSafeInteger(maxFrameBytes) || maxFrameBytes < 1) {
    return invalid(`${path}.maxFrameBytes`, 'maxFrameBytes must be a positive integer');
  }
  if (!isSafeInteger(heartbeatMs) || heartbeatMs < 1) {
    return invalid(`${path}.heartbeatMs`, 'heartbeatMs must be a positive integer');
  }
  if (!isSafeInteger(seq) || seq < 0) return invalid(`${path}.seq`, 'seq must be a non-negative integer');
  let helloUser: HelloUser | null = null;
  if (user !== null && user !== undefined) {
    if (!isRecord(user) || typeof user['id'] !== 'string') return invalid(`${path}.user`, 'user must be { id, name? }');
    helloUser = { id: user['id'], ...optional('name', typeof user['name'] === 'string' ? user['name'] : undefined) };
  }
  return valid({ version, epoch, maxFrameBytes, heartbeatMs, user: helloUser, seq });
}

/** Validates a `sys.resume` payload; the demo-mode user id must be a valid user id. */
export function validateResume(input: unknown, path = 'payload'): Out<ResumePayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const cursor = readString(input, 'cursor', path, { optional: true, allowEmpty: true, max: 200 });
  const user = readString(input, 'user', path, { optional: true, max: 200 });
  if (user.ok && user.value !== undefined && !isUserId(user.value)) {
    return invalid(`${path}.user`, `${path}.user must be 1 to 200 characters without control characters`);
  }
  return collect([cursor, user], () => ({
    ...optional('cursor', cursor.ok ? cursor.value : undefined),
    ...optional('user', user.ok ? user.value : undefined),
  }));
}

/** Validates a `sys.reset` payload. */
export function validateReset(input: unknown, path = 'payload'): Out<ResetPayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const { epoch, seq, reason } = input;
  if (typeof epoch !== 'string' || epoch === '') return invalid(`${path}.epoch`, 'epoch must be a non-empty string');
  if (!isSafeInteger(seq) || seq < 0) return invalid(`${path}.seq`, 'seq must be a non-negative integer');
  return valid({ epoch, seq, reason: typeof reason === 'string' ? reason : '' });
}

/** Validates a `sys.error` payload. */
export function validateError(input: unknown, path = 'payload'): Out<ErrorPayload> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const code = readString(input, 'code', path, { max: 100 });
  const message = readString(input, 'message', path, { allowEmpty: true });
  return collect([code, message], () => ({
    code: code.ok ? code.value! : '',
    message: message.ok ? message.value! : '',
  }));
}

/** Validates an empty payload (absent or an object). */
export function validateEmpty(input: unknown, path = 'payload'): Out<EmptyPayload> {
  if (input !== undefined && !isRecord(input)) return invalid(path, `${path} must be an object`);
  return valid({});
}

/** `base` with those of `extra` that are defined, added in place (no spreads: every event passes here). */
function withOptional<T extends object, E extends object>(base: T, extra: E): T & { [K in keyof E]?: Exclude<E[K], undefined> } {
  const out = base as Record<string, unknown>;
  for (const key in extra) if (extra[key] !== undefined) out[key] = extra[key];
  return base as T & { [K in keyof E]?: Exclude<E[K], undefined> };
}

/** Spreads `{ [key]: value }` only when the value is defined, so optional fields stay absent. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
