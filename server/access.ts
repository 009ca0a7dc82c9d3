import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isUserId } from '../src/protocol/index.js';

/** Who is asking, as the server knows them. */
export interface AuthUser {
  readonly id: string;
  readonly name?: string;
}

/** Turns a bearer token into a user, or null when the token is not accepted. */
export type Authenticate = (token: string) => AuthUser | null;

/** What the access rules depend on. */
export interface AccessOptions {
  readonly demo: boolean;
  readonly host: string;
  readonly publishKey: string | undefined;
  readonly origins: readonly string[];
  readonly authenticate: Authenticate | undefined;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

/** Whether a listen host only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

/** Whether a peer address is this machine (IPv4, IPv6 or IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const LOOPBACK_ORIGIN = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/;

/** Every answer to "who may do what", in one place. */
export class Access {
  /** The user demo mode assumes for any bearer token when no `authenticate` is given. */
  static readonly DEMO_USER = 'demo';

  constructor(private readonly options: AccessOptions) {}

  get demo(): boolean {
    return this.options.demo;
  }

  /**
   * Requests without an Origin (curl, servers) pass; same-origin pages pass; demo mode allows any
   * loopback page; otherwise only the `origins` allowlist.
   */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.options.origins.includes(origin)) return true;
    // Same origin as this server (directly, or behind a TLS-terminating proxy that keeps Host).
    const host = req.headers.host;
    if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
    return this.options.demo && LOOPBACK_ORIGIN.test(origin);
  }

  /** Publishing (`POST /api/activities`, `/api/notifications`): the key, or loopback in demo mode. */
  mayPublish(req: IncomingMessage): boolean {
    const token = bearer(req);
    const key = this.options.publishKey;
    if (key && token !== null && sameSecret(token, key)) return true;
    return this.options.demo && isLoopbackHost(this.options.host) && isLoopbackAddress(req.socket.remoteAddress);
  }

  /** The user for a bearer token: `authenticate`, or any token is the demo user in demo mode. */
  userForToken(token: string): AuthUser | null {
    if (this.options.authenticate) return this.options.authenticate(token);
    return this.options.demo ? { id: Access.DEMO_USER } : null;
  }

  /**
   * The user of a REST or SSE request. In demo mode the page names itself (`X-RT-User` or
   * `?user=`); otherwise the bearer token decides. `undefined` means a token was sent and refused.
   */
  requestUser(req: IncomingMessage, url: URL): AuthUser | null | undefined {
    if (this.options.demo) {
      const named = headerValue(req, 'x-rt-user') ?? url.searchParams.get('user');
      // An id with control characters could forge log lines: such a request stays anonymous.
      if (isUserId(named)) return { id: named };
    }
    const token = bearer(req);
    if (token === null) return null;
    const key = this.options.publishKey;
    // The publish key identifies a publisher, not a user.
    if (key && sameSecret(token, key)) return null;
    return this.userForToken(token) ?? undefined;
  }
}

/** The token of an `Authorization: Bearer` header, or null. */
export function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1]!.trim() : null;
}

/** The first value of a request header, or null. */
export function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

interface TicketEntry {
  readonly user: AuthUser;
  readonly expires: number;
}

/** Single-use, short-lived tickets that stand in for a token on the WebSocket URL. */
export class TicketBook {
  private readonly tickets = new Map<string, TicketEntry>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(user: AuthUser): string {
    this.sweep();
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { user, expires: this.now() + this.ttlMs });
    return ticket;
  }

  /** The ticket's user, once; null when unknown, used or expired. */
  redeem(ticket: string): AuthUser | null {
    const entry = this.tickets.get(ticket);
    if (!entry) return null;
    this.tickets.delete(ticket);
    return entry.expires >= this.now() ? entry.user : null;
  }

  /** Drops expired tickets so an attacker cannot grow the map without bound. */
  private sweep(): void {
    const now = this.now();
    for (const [ticket, entry] of this.tickets) if (entry.expires < now) this.tickets.delete(ticket);
  }
}
