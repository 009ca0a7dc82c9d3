import { type Context, ContextConsumer, type ContextType } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A Lit element or any element that hosts reactive controllers. */
export type ControllerHostElement = ReactiveControllerHost & HTMLElement;

/**
 * A subscribing context consumer that also connects when its provider is defined or attached
 * after the consumer asked (C19): Lit's consumer asks once on connect, and a request nobody
 * answered is lost. While unanswered, this listens on the document for the `context-provider`
 * event a provider fires when it connects, and asks again.
 */
export class ContextSubscription<C extends Context<unknown, unknown>> implements ReactiveController {
  readonly #host: ControllerHostElement;
  readonly #context: C;
  readonly #consumer: ContextConsumer<C, ControllerHostElement>;
  readonly #onValue: ((value: ContextType<C> | undefined) => void) | undefined;
  #value: ContextType<C> | undefined = undefined;
  #provided = false;
  #listeningOn: Document | null = null;

  constructor(host: ControllerHostElement, context: C, onValue?: (value: ContextType<C> | undefined) => void) {
    this.#host = host;
    this.#context = context;
    this.#onValue = onValue;
    // The consumer is added first, so its request has run by the time our hostConnected runs.
    this.#consumer = new ContextConsumer(host, {
      context,
      subscribe: true,
      callback: (value) => {
        this.#provided = true;
        this.#stopListening();
        if (value === this.#value) return;
        this.#value = value;
        this.#onValue?.(value);
      },
    });
    host.addController(this);
  }

  /** The provided value, or undefined while no provider answered. */
  get value(): ContextType<C> | undefined {
    return this.#value;
  }

  /** Whether a provider answered since the host connected. */
  get provided(): boolean {
    return this.#provided;
  }

  hostConnected(): void {
    if (this.#provided) return;
    this.#listeningOn = this.#host.ownerDocument;
    this.#listeningOn.addEventListener('context-provider', this.#onProviderConnected);
  }

  hostDisconnected(): void {
    this.#stopListening();
    // The consumer dropped its subscription; on reconnect it asks again and may find another provider.
    this.#provided = false;
    if (this.#value !== undefined) {
      this.#value = undefined;
      this.#onValue?.(undefined);
    }
  }

  #stopListening(): void {
    this.#listeningOn?.removeEventListener('context-provider', this.#onProviderConnected);
    this.#listeningOn = null;
  }

  readonly #onProviderConnected = (event: Event): void => {
    if (this.#provided || (event as Event & { context?: unknown }).context !== this.#context) return;
    // Asking again is harmless when this provider is not an ancestor: nobody answers.
    this.#consumer.hostConnected();
  };
}
