import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The part of `IntersectionObserver` the watch uses, so tests can hand in a fake. */
export interface IntersectionObserverLike {
  observe(target: Element): void;
  disconnect(): void;
}

/** Makes an observer; the default is the browser's `IntersectionObserver`, read at call time. */
export type IntersectionObserverFactory = (callback: IntersectionObserverCallback, options: IntersectionObserverInit) => IntersectionObserverLike;

export const browserIntersectionObserver: IntersectionObserverFactory = (callback, options) => new IntersectionObserver(callback, options);

/**
 * Watches one element (a sentinel near the end of a list) and calls `onVisible` when it comes
 * into view, for infinite scroll. One observer while the host is connected and a target is set;
 * none otherwise, so a removed host leaves nothing observing.
 */
export class SentinelWatch implements ReactiveController {
  readonly #onVisible: () => void;
  readonly #create: () => IntersectionObserverFactory;
  readonly #options: IntersectionObserverInit;
  #observer: IntersectionObserverLike | null = null;
  #target: Element | null = null;
  #connected = false;
  #visible = false;

  constructor(
    host: ReactiveControllerHost,
    onVisible: () => void,
    options: { create?: () => IntersectionObserverFactory; init?: IntersectionObserverInit } = {},
  ) {
    this.#onVisible = onVisible;
    this.#create = options.create ?? (() => browserIntersectionObserver);
    this.#options = options.init ?? {};
    host.addController(this);
  }

  /** Whether the target was in view at the last observation. */
  get visible(): boolean {
    return this.#visible;
  }

  /** Watches `target`, or stops watching with null. Cheap to call on every update. */
  watch(target: Element | null): void {
    if (target === this.#target) return;
    this.#target = target;
    this.#stop();
    this.#start();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#start();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop();
  }

  #start(): void {
    if (!this.#connected || !this.#target || this.#observer) return;
    this.#observer = this.#create()((entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      this.#visible = entry.isIntersecting;
      if (this.#visible) this.#onVisible();
    }, this.#options);
    this.#observer.observe(this.#target);
  }

  #stop(): void {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#visible = false;
  }
}
