import type { ReactiveController } from 'lit';
import { connectionContext } from '../context/keys.js';
import { type ConnectionStatus, IDLE_STATUS, type RealtimeConnection, type Unsubscribe } from '../services/types.js';
import { ContextSubscription, type ControllerHostElement } from './context-subscription.js';
import { issueWarning } from './warnings.js';

export interface ConnectionControllerOptions {
  /**
   * Subscriptions to make on each connection the host receives (message types, resets). They are
   * made while the host is connected and removed on disconnect or when the provider swaps the
   * connection.
   */
  readonly subscribe?: (connection: RealtimeConnection) => readonly Unsubscribe[];
  /** Called on every status change of the current connection, after the host was asked to render. */
  readonly onStatus?: (status: ConnectionStatus) => void;
  /** Called when the connection is provided, swapped or lost (undefined). */
  readonly onConnection?: (connection: RealtimeConnection | undefined) => void;
}

/**
 * Hands an element the provider's connection: follows a swapped connection, re-renders the host
 * on status changes, and shows `idle` (with one dev warning) when no provider is around.
 */
export class ConnectionController implements ReactiveController {
  readonly #host: ControllerHostElement;
  readonly #options: ConnectionControllerOptions;
  readonly #context: ContextSubscription<typeof connectionContext>;
  #connected = false;
  #subscriptions: Unsubscribe[] = [];
  #attachedTo: RealtimeConnection | undefined;

  constructor(host: ControllerHostElement, options: ConnectionControllerOptions = {}) {
    this.#host = host;
    this.#options = options;
    this.#context = new ContextSubscription(host, connectionContext, (connection) => this.#swap(connection));
    host.addController(this);
  }

  /** The provider's connection, if any. */
  get connection(): RealtimeConnection | undefined {
    return this.#context.value;
  }

  /** The current status; `idle` without a provider. */
  get status(): ConnectionStatus {
    return this.#context.value?.status ?? IDLE_STATUS;
  }

  hostConnected(): void {
    this.#connected = true;
    this.#attach();
    if (!this.#context.provided) {
      // A provider defined a moment later still connects (C19); the warning only hints at a missing one.
      queueMicrotask(() => {
        if (this.#connected && !this.#context.provided) {
          issueWarning('no-provider', `<${this.#host.localName}> found no <realtime-provider> ancestor and stays idle.`);
        }
      });
    }
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#detach();
  }

  #swap(connection: RealtimeConnection | undefined): void {
    this.#detach();
    this.#attach();
    this.#options.onConnection?.(connection);
    this.#host.requestUpdate();
  }

  #attach(): void {
    const connection = this.#context.value;
    if (!this.#connected || !connection || this.#attachedTo === connection) return;
    this.#attachedTo = connection;
    this.#subscriptions = [
      connection.onStatus((status) => {
        this.#host.requestUpdate();
        this.#options.onStatus?.(status);
      }),
      ...(this.#options.subscribe?.(connection) ?? []),
    ];
  }

  #detach(): void {
    for (const unsubscribe of this.#subscriptions) unsubscribe();
    this.#subscriptions = [];
    this.#attachedTo = undefined;
  }
}
