import { type ReactiveController, type ReactiveControllerHost, html } from 'lit';

/** Shortest time between two announcements of one politeness, in ms. */
export const ANNOUNCE_INTERVAL_MS = 2000;

/** How the announcer words several messages that arrived together. */
export type AnnounceSummary = (count: number, politeness: Politeness) => string;

/** `polite` waits for the screen reader to finish; `assertive` (errors) interrupts. */
export type Politeness = 'polite' | 'assertive';

interface Channel {
  /** What the region holds now. */
  text: string;
  /** How many messages wait for the next slot; only the first is kept (a count is all a summary needs). */
  pending: number;
  first: string;
  /** When the last announcement went out. */
  lastAt: number;
  timer: ReturnType<typeof globalThis.setTimeout> | null;
}

/**
 * Screen-reader announcements, rate-limited: the first message goes out at once, and whatever
 * arrives in the next {@link ANNOUNCE_INTERVAL_MS} is said once as a summary ("5 new
 * notifications"), so a burst never floods a screen reader. Its two live regions are rendered by the
 * host with {@link render}, visually hidden.
 */
export class LiveAnnouncer implements ReactiveController {
  readonly #summary: AnnounceSummary;
  readonly #intervalMs: number;
  readonly #requestUpdate: () => void;
  readonly #channels: Record<Politeness, Channel> = {
    polite: { text: '', pending: 0, first: '', lastAt: -Infinity, timer: null },
    assertive: { text: '', pending: 0, first: '', lastAt: -Infinity, timer: null },
  };

  /**
   * `requestUpdate` replaces the host's own, so a host that renders once per frame can fold the
   * announcement into its next frame.
   */
  constructor(
    host: ReactiveControllerHost,
    summary: AnnounceSummary,
    options: { readonly intervalMs?: number; readonly requestUpdate?: () => void } = {},
  ) {
    this.#summary = summary;
    this.#intervalMs = options.intervalMs ?? ANNOUNCE_INTERVAL_MS;
    this.#requestUpdate = options.requestUpdate ?? (() => host.requestUpdate());
    host.addController(this);
  }

  /** What each region says now (for tests and for pages that mirror it). */
  get text(): Readonly<Record<Politeness, string>> {
    return { polite: this.#channels.polite.text, assertive: this.#channels.assertive.text };
  }

  announce(message: string, politeness: Politeness = 'polite'): void {
    const channel = this.#channels[politeness];
    if (channel.pending === 0) channel.first = message;
    channel.pending += 1;
    if (channel.timer !== null) return;
    const wait = channel.lastAt + this.#intervalMs - Date.now();
    if (wait <= 0) this.#flush(politeness);
    else channel.timer = globalThis.setTimeout(() => this.#flush(politeness), wait);
  }

  hostDisconnected(): void {
    // Nothing is said to a page the element has left.
    for (const channel of Object.values(this.#channels)) {
      if (channel.timer !== null) globalThis.clearTimeout(channel.timer);
      channel.timer = null;
      channel.pending = 0;
      channel.text = '';
    }
  }

  /** The two live regions; the host places them once in its template. */
  render() {
    return html`<div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.#channels.polite.text}</div>
      <div class="visually-hidden" role="alert" aria-live="assertive" aria-atomic="true">${this.#channels.assertive.text}</div>`;
  }

  #flush(politeness: Politeness): void {
    const channel = this.#channels[politeness];
    channel.timer = null;
    const { pending, first } = channel;
    if (pending === 0) return;
    channel.pending = 0;
    channel.lastAt = Date.now();
    const message = pending === 1 ? first : this.#summary(pending, politeness);
    // A repeat of the same words is not re-read by some screen readers: vary it invisibly.
    channel.text = message === channel.text ? `${message}\u00a0` : message;
    this.#requestUpdate();
  }
}
