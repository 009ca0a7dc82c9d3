import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ActivityItem,
  type Created,
  type Envelope,
  type Health,
  type NotificationItem,
  type Page,
  formatCursor,
  isDocumentId,
  parseCursor,
  validateActivityInput,
  validateNotificationInput,
  validateNotificationRead,
} from '../src/protocol/index.js';
import { type Access, type AuthUser, type TicketBook, bearer } from './access.js';
import type { CollabRooms } from './collab.js';
import type { Hub } from './hub.js';
import { HttpError, intParam, readJsonBody, sendJson } from './http-util.js';
import type { MidCache } from './limits.js';
import { handleClientMessage, parseClientFrame } from './messages.js';
import type { SseStreams } from './sse.js';
import type { Store } from './store.js';
import { resetEnvelope, startPoint, toEnvelope, visibleTo } from './subscription.js';

/** The services REST handlers use. */
export interface RestContext {
  readonly hub: Hub;
  readonly store: Store;
  readonly access: Access;
  readonly tickets: TicketBook;
  readonly mids: MidCache;
  readonly collab: CollabRooms;
  readonly sse: SseStreams;
  readonly log: (line: string) => void;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, context: RestContext, headers: Record<string, string>, param: string) => Promise<void> | void;

interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, Handler>>;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_POLL = 500;

const newId = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;

/** How long a publisher's `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_TTL_MS = 10 * 60_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The request's `Idempotency-Key`, null without one; a malformed key is a 400 naming the header. */
function idempotencyKey(req: IncomingMessage): string | null {
  const value = req.headers['idempotency-key'];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !IDEMPOTENCY_KEY.test(value)) {
    throw new HttpError(400, 'Idempotency-Key must be 1 to 200 visible ASCII characters', 'Idempotency-Key');
  }
  return value;
}

/** Hash of a validated publish body; a key is bound to the body it was first used with. */
export function idempotencyFingerprint(input: unknown): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('base64url');
}

/**
 * Publishes once per `Idempotency-Key`: a repeat within the TTL answers what the first request got
 * (with `Idempotent-Replayed: true`) and publishes nothing. The key and the item id are stored
 * before publishing, so a process killed between the two still finds the event by its id on the
 * retry, and a process killed before the publish publishes it then, under the same id.
 */
function publishOnce(
  req: IncomingMessage,
  store: Store,
  scope: string,
  prefix: string,
  input: unknown,
  publish: (id: string) => number,
): { readonly created: Created; readonly replayed: boolean } {
  const key = idempotencyKey(req);
  if (key === null) {
    const id = newId(prefix);
    return { created: { seq: publish(id), id }, replayed: false };
  }
  const fingerprint = idempotencyFingerprint(input);
  const { record, fresh } = store.claimIdempotencyKey({ scope, key, fingerprint, itemId: newId(prefix), now: Date.now(), ttlMs: IDEMPOTENCY_TTL_MS });
  if (record.fingerprint !== fingerprint) {
    throw new HttpError(422, 'this Idempotency-Key was used for a different request', 'Idempotency-Key');
  }
  const known = record.seq ?? (fresh ? null : store.seqOfItem(record.itemId));
  if (known !== null) {
    if (record.seq === null) store.settleIdempotencyKey(scope, key, known);
    return { created: { seq: known, id: record.itemId }, replayed: true };
  }
  const seq = publish(record.itemId);
  store.settleIdempotencyKey(scope, key, seq);
  return { created: { seq, id: record.itemId }, replayed: false };
}

function sendCreated(res: ServerResponse, result: { readonly created: Created; readonly replayed: boolean }, headers: Record<string, string>): void {
  sendJson(res, 201, result.created, result.replayed ? { ...headers, 'Idempotent-Replayed': 'true' } : headers);
}

function requirePublisher(req: IncomingMessage, access: Access): void {
  if (!access.mayPublish(req)) {
    throw new HttpError(401, 'publishing needs Authorization: Bearer <publish key>', undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

/** The request's user; a refused token is a 401. */
function userOf(req: IncomingMessage, url: URL, access: Access): AuthUser | null {
  const user = access.requestUser(req, url);
  if (user === undefined) throw new HttpError(401, 'token not accepted', undefined, { 'WWW-Authenticate': 'Bearer' });
  return user;
}

function pageParams(url: URL): { before: number | null; limit: number } {
  const before = intParam(url, 'before', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const limit = intParam(url, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
  return { before, limit };
}

/** Reads one row past the page to know whether an older page exists. */
function toPage<T extends { seq: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1]!.seq : null };
}

/** Strips the validator's `body.` prefix so 400 answers name the body field itself. */
function fieldName(field: string): string {
  return field.replace(/^body\.?/, '') || 'body';
}

const routes: Route[] = [
  {
    pattern: /^\/healthz$/,
    methods: {
      GET: (_req, res, _url, { hub }, headers) => {
        const body: Health = { ok: true, epoch: hub.log.epoch, seq: hub.log.head() };
        sendJson(res, 200, body, headers);
      },
    },
  },
  {
    pattern: /^\/api\/activities$/,
    methods: {
      GET: (_req, res, url, { store }, headers) => {
        const { before, limit } = pageParams(url);
        const rows = store.page('activity.new', before, limit + 1);
        const page = toPage(rows.map((row): ActivityItem => ({ ...(row.payload as unknown as ActivityItem), seq: row.seq, ts: row.ts })), limit);
        sendJson(res, 200, page, headers);
      },
      POST: async (req, res, _url, { hub, store, access }, headers) => {
        requirePublisher(req, access);
        const checked = validateActivityInput(await readJsonBody(req));
        if (!checked.ok) throw new HttpError(400, checked.issue.message, fieldName(checked.issue.field));
        const { value } = checked;
        const result = publishOnce(req, store, 'activities', 'a', value, (id) => hub.publish({ type: 'activity.new', payload: { id, ...value }, itemId: id }).seq);
        sendCreated(res, result, headers);
      },
    },
  },
  {
    pattern: /^\/api\/notifications$/,
    methods: {
      GET: (req, res, url, { store, access }, headers) => {
        const user = userOf(req, url, access);
        const { before, limit } = pageParams(url);
        const rows = store.notificationPage(before, limit + 1, user?.id ?? null);
        const items = rows.map(
          (row): NotificationItem => ({
            ...(row.payload as unknown as NotificationItem),
            seq: row.seq,
            ts: row.ts,
            read: row.read,
            seen: row.seen,
            archived: row.archived,
          }),
        );
        // The bell count covers the whole log, not just this page, so it stays right past any cap.
        sendJson(res, 200, { ...toPage(items, limit), unread: store.unreadCount(user?.id ?? null) }, headers);
      },
      POST: async (req, res, _url, { hub, store, access }, headers) => {
        requirePublisher(req, access);
        const checked = validateNotificationInput(await readJsonBody(req));
        if (!checked.ok) throw new HttpError(400, checked.issue.message, fieldName(checked.issue.field));
        const { value } = checked;
        const result = publishOnce(req, store, 'notifications', 'n', value, (id) =>
          hub.publish({ type: 'notification.new', payload: { id, ...value }, to: value.to ?? null, itemId: id }).seq,
        );
        sendCreated(res, result, headers);
      },
    },
  },
  {
    pattern: /^\/api\/notifications\/read$/,
    methods: {
      POST: async (req, res, url, { hub, store, access, mids }, headers) => {
        const user = userOf(req, url, access);
        if (!user) throw new HttpError(401, 'marking notifications needs a user', undefined, { 'WWW-Authenticate': 'Bearer' });
        const checked = validateNotificationRead(await readJsonBody(req), 'body');
        if (!checked.ok) throw new HttpError(400, checked.issue.message, fieldName(checked.issue.field));
        const result = handleClientMessage({ type: 'notification.read', ts: Date.now(), payload: checked.value }, { hub, store, mids, user: user.id, anonymousMaySend: false, origin: null });
        sendJson(res, 200, { updated: result.kind === 'read' ? result.changed : 0 }, headers);
      },
    },
  },
  {
    pattern: /^\/api\/tickets$/,
    methods: {
      POST: (req, res, url, { access, tickets }, headers) => {
        const token = bearer(req);
        let user: AuthUser | null;
        if (access.demo) {
          // The demo page names its user; a token (if any) must still be acceptable.
          const named = access.requestUser(req, url);
          if (named === undefined) throw new HttpError(401, 'token not accepted', undefined, { 'WWW-Authenticate': 'Bearer' });
          user = named ?? { id: 'demo' };
        } else {
          if (token === null) throw new HttpError(401, 'a ticket needs Authorization: Bearer <token>', undefined, { 'WWW-Authenticate': 'Bearer' });
          user = access.userForToken(token);
          if (!user) throw new HttpError(401, 'token not accepted', undefined, { 'WWW-Authenticate': 'Bearer' });
        }
        sendJson(res, 200, { ticket: tickets.issue(user) }, headers);
      },
    },
  },
  {
    pattern: /^\/api\/events$/,
    methods: {
      GET: (req, res, url, { access, sse }, headers) => {
        sse.serve(req, res, url, userOf(req, url, access), headers);
      },
    },
  },
  {
    pattern: /^\/api\/poll$/,
    methods: {
      GET: (req, res, url, { hub, access }, headers) => {
        const user = userOf(req, url, access);
        const limit = intParam(url, 'limit', { min: 1, max: MAX_POLL }) ?? MAX_POLL;
        const epoch = hub.log.epoch;
        const after = url.searchParams.get('after');
        // An empty or absent cursor is a fresh start; anything else must be `<epoch>:<seq>`.
        if (after && !parseCursor(after)) throw new HttpError(400, 'after must be a cursor <epoch>:<seq>', 'after');
        const start = startPoint(hub.log, after);
        const events: Envelope[] = [];
        let position = start.seq;
        if (start.kind === 'reset') events.push(resetEnvelope(epoch, start));
        if (start.kind === 'replay') {
          // The first event's prev is the asked-for seq, and the answer's cursor moves past
          // filtered events, so a client that keeps the returned cursor sees no false gap.
          let prev = start.seq;
          for (const event of hub.log.after(start.seq, limit)) {
            position = event.seq;
            if (!visibleTo(event, user?.id ?? null)) continue;
            events.push(toEnvelope(event, prev));
            prev = event.seq;
          }
        }
        sendJson(res, 200, { cursor: formatCursor({ epoch, seq: position }), events }, headers);
      },
    },
  },
  {
    pattern: /^\/api\/messages$/,
    methods: {
      POST: async (req, res, url, { hub, store, access, mids }, headers) => {
        const user = userOf(req, url, access);
        if (!user && !access.demo) throw new HttpError(401, 'sending messages needs a user', undefined, { 'WWW-Authenticate': 'Bearer' });
        const parsed = parseClientFrame(await readJsonBody(req));
        if (!parsed.ok) {
          const { rejection } = parsed;
          if (rejection.kind === 'unknown-type') throw new HttpError(400, `unknown type ${rejection.type}`, 'type');
          throw new HttpError(400, rejection.message, rejection.field || 'body');
        }
        const result = handleClientMessage(parsed.envelope, { hub, store, mids, user: user?.id ?? null, anonymousMaySend: access.demo, origin: null });
        if (result.kind === 'refused') throw new HttpError(result.code === 'no-user' ? 401 : 400, result.message, result.code === 'no-user' ? undefined : 'type');
        sendJson(res, 202, { accepted: true, duplicate: result.kind === 'duplicate' }, headers);
      },
    },
  },
  {
    pattern: /^\/api\/documents\/([^/]+)$/,
    methods: {
      GET: (_req, res, _url, { collab }, headers, param) => {
        let id: string;
        try {
          id = decodeURIComponent(param);
        } catch {
          throw new HttpError(400, 'document id is not valid', 'id');
        }
        if (!isDocumentId(id)) throw new HttpError(400, 'document id must be 1 to 200 letters, digits, _ . ~ or -', 'id');
        sendJson(res, 200, collab.getDocument(id), headers);
      },
    },
  },
];

/** True when `pathname` belongs to the REST surface (so unknown paths get JSON 404s). */
export function isApiPath(pathname: string): boolean {
  return pathname === '/healthz' || pathname === '/api' || pathname.startsWith('/api/');
}

/** Routes one REST request; errors become JSON answers. */
export async function handleRest(req: IncomingMessage, res: ServerResponse, url: URL, context: RestContext, headers: Record<string, string>): Promise<void> {
  for (const route of routes) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const handler = route.methods[method];
    if (!handler) {
      throw new HttpError(405, `${req.method ?? ''} is not allowed here`, undefined, { Allow: Object.keys(route.methods).join(', ') });
    }
    await handler(req, res, url, context, headers, match[1] ?? '');
    return;
  }
  throw new HttpError(404, `no endpoint ${url.pathname}`);
}
