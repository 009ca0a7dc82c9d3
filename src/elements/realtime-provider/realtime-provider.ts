import { ContextProvider } from '@lit/context';
import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import type { RealtimeApi } from '../../context/api.js';
import type { CollabService } from '../../context/collab.js';
import { type RealtimeUser, apiContext, collabContext, connectionContext, userContext } from '../../context/keys.js';
import { RealtimeErrorEvent } from '../../events/realtime-error-event.js';
import { RealtimeLogoutEvent } from '../../events/realtime-logout-event.js';
import { RealtimeStateChangeEvent } from '../../events/realtime-state-change-event.js';
import { CollabClient } from '../../services/collab-client.js';
import { FallbackConnection } from '../../services/fallback-connection.js';
import { RestApi } from '../../services/rest-api.js';
import { SharedConnection } from '../../services/shared-connection.js';
import { resolveUrl } from '../../services/urls.js';
import { type ConnectionState, IDLE_STATUS, type RealtimeConnection, type RealtimeErrorDetail, type TokenGetter, type Transport, type Unsubscribe } from '../../services/types.js';
import { ProviderAuth } from './provider-auth.js';
import { realtimeProviderStyles } from './realtime-provider.styles.js';
import { storedUser } from './user.js';

/** What the provider builds its services from; every URL already absolute. */
export interface RealtimeServiceConfig {
  /** WebSocket endpoint (`ws:` or `wss:`). */
  readonly url: string;
  /** SSE endpoint (`http:` or `https:`), for the fallback transport. */
  readonly events: string;
  /** REST base including `/api`. */
  readonly api: string;
  /** y-websocket base (`ws:` or `wss:`); the document id is appended. */
  readonly collab: string;
  /** Already wrapped in the cross-tab refresh (see `ProviderAuth`). */
  readonly getToken: TokenGetter | undefined;
  readonly user: RealtimeUser;
  /** One connection for every tab of the browser (the `shared` attribute). */
  readonly shared: boolean;
}

/** The services a provider hands down, and how to stop them. */
export interface RealtimeServices {
  readonly connection: RealtimeConnection;
  readonly api: RealtimeApi;
  readonly collab: CollabService;
  /** Starts connecting; called once after the provider subscribed to status and errors. */
  start(): void;
  /** Closes everything; called when the provider leaves the page or is reconfigured. */
  close(): void;
}


const INPUT_KEYS = ['url', 'events', 'api', 'collab', 'getToken', 'user', 'shared'] as const;
type InputKey = (typeof INPUT_KEYS)[number];

/**
 * Owns the page's real-time services (the WebSocket connection, the REST API and the
 * collaboration client) and hands them to every kit element inside it through context.
 * Services start when the provider connects and close when it leaves; changing an attribute
 * restarts them. Problems surface as `realtime-error` events on the provider, never as
 * exceptions thrown into the page. Without a `user`, a guest user is generated once and kept in
 * `localStorage` (`realtime-elements.user`).
 *
 * With `shared`, the tabs of the browser that show a provider with the same `url` and user share
 * one connection: one tab (elected through Web Locks) holds it and relays everything to the others,
 * and when that tab closes another takes over and resumes where it stopped, nothing lost or
 * doubled. Without Web Locks every tab keeps its own connection.
 *
 * Providers with the same `api`, in any tab, also share authentication (with or without
 * `shared`): tokens that expire in several tabs at once are refreshed once (one tab's `getToken`
 * is asked with `{ refresh: true }`, the others take its answer, and that token is the one every
 * tab uses until the next refresh), and `logout()` in any tab closes every such provider's
 * connection in every tab, each of which fires `realtime-logout`. The kit never navigates; the
 * page decides what a logout shows.
 *
 * @summary Connects the page and hands the connection to the elements inside it.
 *
 * @tagname realtime-provider
 *
 * @attr {string} url - WebSocket endpoint, relative to the document's base URL or absolute. Default `/ws`.
 * @attr {string} events - Server-Sent Events endpoint for the fallback transport (handed to `createServices`). Default `/api/events`.
 * @attr {string} api - REST base including `/api`. Default `/api`.
 * @attr {string} collab - y-websocket base for `<collaborative-editor>`; `http(s)` becomes `ws(s)`. Default `/collab`.
 * @attr {boolean} shared - One connection per browser instead of one per tab (see above). Default off.
 * @attr {ConnectionState} state - Reflected, read-only: the primary connection's state.
 * @attr {Transport} transport - Reflected, read-only: `websocket`, `sse` or `polling`.
 *
 * @prop {TokenGetter} getToken - Asked for an access token before every connection attempt (`{ refresh: true }` after an expiry).
 * @prop {RealtimeUser} user - The page's user `{ id, name, color }`; a stored guest when unset.
 * @prop {RealtimeConnection} connection - Read-only: the connection handed down, while connected.
 *
 * @fires {RealtimeErrorEvent} realtime-error - A service reported a problem. Bubbles, composed.
 * @fires {RealtimeStateChangeEvent} realtime-state-change - The connection's state or transport changed. Bubbles.
 * @fires {RealtimeLogoutEvent} realtime-logout - This tab or another called `logout()`; the connection is closed. Bubbles, composed.
 *
 * @slot - The page content that uses the services.
 */
export class RealtimeProvider extends LitElement {
  static override styles = realtimeProviderStyles;

  /** WebSocket endpoint. */
  @property() url = '/ws';

  /** Server-Sent Events endpoint. */
  @property() events = '/api/events';

  /** REST base including `/api`. */
  @property() api = '/api';

  /** y-websocket base for the editor. */
  @property() collab = '/collab';

  /** One connection for every tab of the browser; the tabs elect which one holds it. */
  @property({ type: Boolean }) shared = false;

  /** Asked for an access token before every attempt. */
  @property({ attribute: false }) getToken: TokenGetter | undefined = undefined;

  /** The page's user; a stored guest user when unset. */
  @property({ attribute: false }) user: RealtimeUser | undefined = undefined;

  /** The primary connection's state; reflected. Set by the provider, not by the page. */
  @property({ reflect: true }) state: ConnectionState = 'idle';

  /** How events arrive; reflected. Set by the provider, not by the page. */
  @property({ reflect: true }) transport: Transport = 'websocket';

  readonly #connectionProvider = new ContextProvider(this, { context: connectionContext, initialValue: undefined });
  readonly #apiProvider = new ContextProvider(this, { context: apiContext, initialValue: undefined });
  readonly #collabProvider = new ContextProvider(this, { context: collabContext, initialValue: undefined });
  readonly #userProvider = new ContextProvider(this, { context: userContext, initialValue: undefined });

  #services: RealtimeServices | null = null;
  #auth: ProviderAuth | null = null;
  // What the running (or failed) services were built from; a change restarts them.
  #inputs: Pick<RealtimeProvider, InputKey> | null = null;
  #subscriptions: Unsubscribe[] = [];

  /** The connection handed down, while the provider is in the page. */
  get connection(): RealtimeConnection | undefined {
    return this.#services?.connection;
  }

  /**
   * Logs every tab of the origin out: every provider in every tab closes its connection and fires
   * `realtime-logout` (this one included). Nothing navigates.
   */
  logout(reason: string | null = null): void {
    if (this.#auth) {
      this.#auth.logout(reason);
      return;
    }
    // Not connected: still tell the other tabs.
    const auth = new ProviderAuth({ name: this.#authName(), getToken: undefined, onLogout: () => {} });
    auth.logout(reason);
    auth.close();
  }

  override connectedCallback(): void {
    // Services exist before the context providers announce themselves in super.connectedCallback().
    this.#start();
    super.connectedCallback();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // willUpdate, not updated: the restart sets reflected state, which then renders in this same update.
    if (!this.isConnected || !this.#inputs || !INPUT_KEYS.some((key) => changed.has(key))) return;
    if (INPUT_KEYS.every((key) => this.#inputs![key] === this[key])) return;
    this.#stop();
    this.#start();
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  /**
   * Builds the services from an absolute configuration. Subclasses (tests, stories) override it
   * to hand down fakes; the default makes a `FallbackConnection` (WebSocket, then SSE, then
   * polling), a `RestApi` and a `CollabClient`.
   */
  protected createServices(config: RealtimeServiceConfig): RealtimeServices {
    // WebSocket first; SSE (+ POST /api/messages) and then polling when it cannot connect.
    const live = (cursor: string | null) =>
      new FallbackConnection({
        url: config.url,
        events: config.events,
        api: config.api,
        user: config.user,
        ...(config.getToken ? { getToken: config.getToken } : {}),
        ...(cursor ? { cursor } : {}),
      });
    const connection = config.shared
      ? new SharedConnection({ name: `rt-shared:${config.url}|${config.user.id}`, create: live, userId: config.user.id })
      : live(null);
    const api = new RestApi({
      base: config.api,
      userId: config.user.id,
      ...(config.getToken ? { getToken: config.getToken } : {}),
    });
    const collab = new CollabClient({ url: config.collab });
    return {
      connection,
      api,
      collab,
      start: () => connection.connect(),
      close: () => connection.close(),
    };
  }

  /** Tabs whose providers use the same REST base share logins and logouts. */
  #authName(): string {
    try {
      return `rt-auth:${resolveUrl(this.api || '/api', this.ownerDocument.baseURI, 'http').href.replace(/\/+$/, '')}`;
    } catch {
      return 'rt-auth';
    }
  }

  #readConfig(getToken: TokenGetter | undefined): RealtimeServiceConfig | null {
    const base = this.ownerDocument.baseURI;
    try {
      return {
        url: resolveUrl(this.url || '/ws', base, 'ws').href,
        events: resolveUrl(this.events || '/api/events', base, 'http').href,
        api: resolveUrl(this.api || '/api', base, 'http').href.replace(/\/+$/, ''),
        collab: resolveUrl(this.collab || '/collab', base, 'ws').href.replace(/\/+$/, ''),
        getToken,
        shared: this.shared,
        // Read lazily here, never at import: storage may be unavailable or differ per frame.
        user: this.user ?? storedUser(),
      };
    } catch (error) {
      this.#report({ kind: 'transport', message: `invalid provider URL: ${String(error)}` });
      return null;
    }
  }

  #start(): void {
    this.#inputs = { url: this.url, events: this.events, api: this.api, collab: this.collab, getToken: this.getToken, user: this.user, shared: this.shared };
    const auth = new ProviderAuth({ name: this.#authName(), getToken: this.getToken, onLogout: (reason, local) => this.#onLogout(reason, local) });
    this.#auth = auth;
    const config = this.#readConfig(auth.getToken);
    if (!config) {
      this.#setState('failed', this.transport);
      return;
    }
    let services: RealtimeServices;
    try {
      services = this.createServices(config);
    } catch (error) {
      this.#report({ kind: 'transport', message: String(error) });
      this.#setState('failed', this.transport);
      return;
    }
    this.#services = services;
    const { connection } = services;
    this.#subscriptions = [
      connection.onStatus((status) => this.#setState(status.state, status.transport)),
      connection.onError((detail) => this.#report(detail)),
    ];
    this.#userProvider.setValue(config.user);
    this.#apiProvider.setValue(services.api);
    this.#collabProvider.setValue(services.collab);
    this.#connectionProvider.setValue(connection);
    this.#setState(connection.status.state, connection.status.transport);
    try {
      services.start();
    } catch (error) {
      this.#report({ kind: 'transport', message: String(error) });
    }
  }

  #stop(): void {
    for (const unsubscribe of this.#subscriptions) unsubscribe();
    this.#subscriptions = [];
    const services = this.#services;
    this.#services = null;
    this.#inputs = null;
    this.#auth?.close();
    this.#auth = null;
    if (services) {
      try {
        services.close();
      } catch (error) {
        this.#report({ kind: 'transport', message: String(error) });
      }
    }
    this.#connectionProvider.setValue(undefined);
    this.#apiProvider.setValue(undefined);
    this.#collabProvider.setValue(undefined);
    this.#setState('closed', this.transport);
  }

  #setState(state: ConnectionState, transport: Transport): void {
    const previous = this.state;
    if (previous === state && this.transport === transport) return;
    this.state = state;
    this.transport = transport;
    const status = this.#services?.connection.status ?? IDLE_STATUS;
    const event = new RealtimeStateChangeEvent({ ...status, state, transport }, previous);
    this.dispatchEvent(event);
  }

  #onLogout(reason: string | null, local: boolean): void {
    try {
      this.#services?.close();
    } catch (error) {
      this.#report({ kind: 'transport', message: String(error) });
    }
    const event = new RealtimeLogoutEvent(reason, local);
    this.dispatchEvent(event);
  }

  #report(detail: RealtimeErrorDetail): void {
    const event = new RealtimeErrorEvent(detail);
    this.dispatchEvent(event);
  }
}
