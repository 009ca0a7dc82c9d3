import type { ActivityPayload, NotificationLevel, NotificationPayload } from './payloads.js';
import { type Validation, invalid, isRecord, isSafeInteger, readString, safeLink, valid } from './validate.js';
import { NOTIFICATION_LEVELS, optional, validateActivity, validateNotification } from './payloads.js';

/** An item as REST pages return it: its payload plus `seq` and `ts`, so pages and live events merge by `seq`. */
export type Item<P> = P & { readonly seq: number; readonly ts: number };

/** An activity as REST pages return it. */
export type ActivityItem = Item<ActivityPayload>;

/** A notification with the current user's state. */
export type NotificationItem = Item<NotificationPayload> & {
  readonly read?: boolean;
  readonly seen?: boolean;
  readonly archived?: boolean;
};

/** One page of a list, newest first; `next` is the `before=` value for the following page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: number | null;
}

/** A page of notifications; `unread` counts the user's unread ones in the whole log, not just this page. */
export interface NotificationPage extends Page<NotificationItem> {
  readonly unread?: number;
}

/** `POST /api/activities` body. */
export interface ActivityInput {
  readonly userName: string;
  readonly action: string;
  readonly target: string;
  readonly link?: string;
  readonly userId?: string;
  /** Picture of the user: http, https or relative. */
  readonly avatar?: string;
}

/** `POST /api/notifications` body. */
export interface NotificationInput {
  readonly level: NotificationLevel;
  readonly title: string;
  readonly message: string;
  readonly link?: string;
  readonly group?: string;
  readonly to?: string;
}

/** 201 answer to a publishing POST. */
export interface Created {
  readonly seq: number;
  readonly id: string;
}

/** Body of every REST error answer. `field` names the offending body field on 400. */
export interface ErrorBody {
  readonly error: { readonly message: string; readonly field?: string };
}

/** Answer of `GET /healthz`. */
export interface Health {
  readonly ok: boolean;
  readonly epoch: string;
  readonly seq: number;
}

/** Answer of `GET /api/documents/<id>`: the shared text and when it last changed. */
export interface DocumentInfo {
  readonly id: string;
  readonly text: string;
  readonly updatedAt: number | null;
}

/** Validates a `POST /api/activities` body; a bad link or avatar is an error here (the publisher should know). */
export function validateActivityInput(input: unknown): Validation<ActivityInput> {
  if (!isRecord(input)) return invalid('body', 'body must be a JSON object');
  const userName = readString(input, 'userName', '', { max: 200 });
  if (!userName.ok) return userName as Validation<never>;
  const action = readString(input, 'action', '', { max: 500 });
  if (!action.ok) return action as Validation<never>;
  const target = readString(input, 'target', '', { max: 500 });
  if (!target.ok) return target as Validation<never>;
  const link = readString(input, 'link', '', { optional: true, max: 2000 });
  if (!link.ok) return link as Validation<never>;
  if (link.value !== undefined && safeLink(link.value) === undefined) {
    return invalid('link', 'link must be an http, https or relative URL');
  }
  const userId = readString(input, 'userId', '', { optional: true, max: 200 });
  if (!userId.ok) return userId as Validation<never>;
  const avatar = readString(input, 'avatar', '', { optional: true, max: 2000 });
  if (!avatar.ok) return avatar as Validation<never>;
  if (avatar.value !== undefined && safeLink(avatar.value) === undefined) {
    return invalid('avatar', 'avatar must be an http, https or relative URL');
  }
  return valid({
    userName: userName.value!,
    action: action.value!,
    target: target.value!,
    ...optional('link', safeLink(link.value)),
    ...optional('userId', userId.value),
    ...optional('avatar', safeLink(avatar.value)),
  });
}

/** Validates a `POST /api/notifications` body; `level` defaults to `info`. */
export function validateNotificationInput(input: unknown): Validation<NotificationInput> {
  if (!isRecord(input)) return invalid('body', 'body must be a JSON object');
  const level = input['level'] ?? 'info';
  if (!NOTIFICATION_LEVELS.includes(level as NotificationLevel)) {
    return invalid('level', `level must be one of ${NOTIFICATION_LEVELS.join(', ')}`);
  }
  const title = readString(input, 'title', '', { max: 500 });
  if (!title.ok) return title as Validation<never>;
  const message = readString(input, 'message', '', { optional: true, allowEmpty: true });
  if (!message.ok) return message as Validation<never>;
  const link = readString(input, 'link', '', { optional: true, max: 2000 });
  if (!link.ok) return link as Validation<never>;
  if (link.value !== undefined && safeLink(link.value) === undefined) {
    return invalid('link', 'link must be an http, https or relative URL');
  }
  const group = readString(input, 'group', '', { optional: true, max: 200 });
  if (!group.ok) return group as Validation<never>;
  const to = readString(input, 'to', '', { optional: true, max: 200 });
  if (!to.ok) return to as Validation<never>;
  return valid({
    level: level as NotificationLevel,
    title: title.value!,
    message: message.value ?? '',
    ...optional('link', safeLink(link.value)),
    ...optional('group', group.value),
    ...optional('to', to.value),
  });
}

function validateItem<P>(input: unknown, path: string, payload: (input: unknown, path: string) => Validation<P>): Validation<Item<P>> {
  if (!isRecord(input)) return invalid(path, `${path} must be an object`);
  const { seq, ts } = input;
  if (!isSafeInteger(seq) || seq < 1) return invalid(`${path}.seq`, 'seq must be a positive integer');
  if (!isSafeInteger(ts) || ts < 0) return invalid(`${path}.ts`, 'ts must be a time in ms');
  const checked = payload(input, path);
  if (!checked.ok) return checked as Validation<never>;
  return valid({ ...checked.value, seq, ts });
}

/** Validates one activity of a REST page. */
export function validateActivityItem(input: unknown, path = 'item'): Validation<ActivityItem> {
  return validateItem(input, path, validateActivity);
}

/** Validates one notification of a REST page, keeping the user's `read`, `seen` and `archived` flags. */
export function validateNotificationItem(input: unknown, path = 'item'): Validation<NotificationItem> {
  const item = validateItem(input, path, validateNotification);
  if (!item.ok || !isRecord(input)) return item;
  const flags = (['read', 'seen', 'archived'] as const).filter((flag) => input[flag] === true);
  return valid(Object.assign({ ...item.value }, ...flags.map((flag) => ({ [flag]: true }))) as NotificationItem);
}

/**
 * Validates a page answer. Invalid items are dropped and counted rather than failing the page,
 * so one bad row never hides the rest.
 */
export function validatePage<T>(
  input: unknown,
  item: (input: unknown, path: string) => Validation<T>,
): Validation<Page<T> & { readonly dropped: number }> {
  if (!isRecord(input)) return invalid('body', 'page must be a JSON object');
  const { items, next } = input;
  if (!Array.isArray(items)) return invalid('items', 'items must be a list');
  if (next !== null && next !== undefined && (!isSafeInteger(next) || next < 0)) {
    return invalid('next', 'next must be a seq or null');
  }
  const kept: T[] = [];
  let dropped = 0;
  items.forEach((raw, index) => {
    const checked = item(raw, `items.${index}`);
    if (checked.ok) kept.push(checked.value);
    else dropped += 1;
  });
  return valid({ items: kept, next: next ?? null, dropped });
}
