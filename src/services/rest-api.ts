import type { PageRequest, RealtimeApi } from '../context/api.js';
import {
  type ActivityInput,
  type ActivityItem,
  type Created,
  type NotificationInput,
  type NotificationPage,
  type NotificationReadPayload,
  type Page,
  type Validation,
  isRecord,
  isSafeInteger,
  validateActivityItem,
  validateNotificationItem,
  validatePage,
} from '../protocol/index.js';
import { type Logger, type TokenGetter, silentLogger } from './types.js';
import { pageUrl, resolveUrl } from './urls.js';

/** Options of {@link RestApi}. */
export interface RestApiOptions {
  /** REST base including `/api`; default `/api`, resolved against `baseUrl`. */
  readonly base?: string;
  /** Base for a relative `base`; default: the page's `location.href` at call time. */
  readonly baseUrl?: string;
  /** Asked before every request; its token goes in `Authorization: Bearer`. */
  readonly getToken?: TokenGetter;
  /** Demo mode: sent as `X-RT-User` so the server knows whose notifications to return. */
  readonly userId?: string;
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
}

/**
 * A failed REST call: the HTTP status (0 when the answer could not be read or was malformed),
 * the field the server named on a 400, and its message.
 */
export class RestError extends Error {
  override readonly name = 'RestError';

  constructor(
    readonly status: number,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The kit's REST calls against the reference server's `/api`. Answers are validated before they
 * reach an element: bad items of a page are dropped (and logged), a malformed answer throws a
 * {@link RestError}, and so does every non-2xx status, carrying the server's `field` and message.
 */
export class RestApi implements RealtimeApi {
  readonly #options: RestApiOptions;
  readonly #logger: Logger;

  constructor(options: RestApiOptions = {}) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  async listActivities(request: PageRequest = {}): Promise<Page<ActivityItem>> {
    return (await this.#page('activities', request, validateActivityItem)).page;
  }

  async listNotifications(request: PageRequest = {}): Promise<NotificationPage> {
    const { page, body } = await this.#page('notifications', request, validateNotificationItem);
    const unread = isRecord(body) ? body['unread'] : undefined;
    // Optional: other backends may not count; the feed then counts what it holds.
    return isSafeInteger(unread) && unread >= 0 ? { ...page, unread } : page;
  }

  publishActivity(input: ActivityInput): Promise<Created> {
    return this.#created('activities', input);
  }

  publishNotification(input: NotificationInput): Promise<Created> {
    return this.#created('notifications', input);
  }

  async markNotifications(change: NotificationReadPayload): Promise<void> {
    await this.#call('POST', 'notifications/read', { body: change });
  }

  async #page<T>(
    path: string,
    request: PageRequest,
    item: (input: unknown, path: string) => Validation<T>,
  ): Promise<{ page: Page<T>; body: unknown }> {
    const query = new URLSearchParams();
    if (request.before !== undefined) query.set('before', String(request.before));
    if (request.limit !== undefined) query.set('limit', String(request.limit));
    const body = await this.#call('GET', path, { query, ...(request.signal ? { signal: request.signal } : {}) });
    const page = validatePage(body, item);
    if (!page.ok) throw new RestError(0, page.issue.field, `invalid ${path} page: ${page.issue.message}`);
    if (page.value.dropped > 0) this.#logger.warn(`rest-api: dropped ${page.value.dropped} invalid ${path} item(s)`);
    return { page: { items: page.value.items, next: page.value.next }, body };
  }

  async #created(path: string, input: object): Promise<Created> {
    const body = await this.#call('POST', path, { body: input });
    if (!isRecord(body) || !isSafeInteger(body['seq']) || typeof body['id'] !== 'string') {
      throw new RestError(0, null, `invalid answer to POST ${path}: expected { seq, id }`);
    }
    return { seq: body['seq'], id: body['id'] };
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: URLSearchParams; body?: unknown; signal?: AbortSignal },
  ): Promise<unknown> {
    const base = (this.#options.base ?? '/api').replace(/\/+$/, '');
    let url: URL;
    try {
      url = resolveUrl(`${base}/${path}`, this.#options.baseUrl ?? pageUrl(), 'http');
    } catch {
      throw new RestError(0, null, `cannot resolve ${base}/${path} without a base URL`);
    }
    if (options.query) for (const [key, value] of options.query) url.searchParams.set(key, value);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.#options.userId) headers['X-RT-User'] = this.#options.userId;
    const token = this.#options.getToken ? await this.#options.getToken({ refresh: false }) : null;
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const fetchImpl = this.#options.fetch ?? globalThis.fetch;
    const response = await fetchImpl(url.href, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        if (response.ok) throw new RestError(response.status, null, `${method} ${path}: the answer is not JSON`);
      }
    }
    if (!response.ok) {
      const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
      const field = typeof error['field'] === 'string' ? error['field'] : null;
      const message = typeof error['message'] === 'string' ? error['message'] : `${method} ${path} failed with ${response.status}`;
      throw new RestError(response.status, field, message);
    }
    return body;
  }
}
