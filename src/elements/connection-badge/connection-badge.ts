import { LitElement, type TemplateResult, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { ConnectionController } from '../../controllers/connection-controller.js';
import { LangController } from '../../controllers/lang-controller.js';
import type { ConnectionState, ConnectionStatus, Transport } from '../../services/types.js';
import { type RealtimeStrings, formatString, resolveLang, stateLabel, stringsFor } from '../../strings.js';
import { connectionBadgeStyles } from './connection-badge.styles.js';
import { QuietWatch } from './quiet-watch.js';
import { RetryCountdown } from './retry-countdown.js';

type IconName = ConnectionState | 'degraded' | 'stale';

// Each state has its own shape, so the badge never relies on colour alone (the words are there too).
const ICONS: { readonly [I in IconName]: TemplateResult } = {
  idle: svg`<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="1.5"/>`,
  connecting: svg`<path d="M8 2.5a5.5 5.5 0 1 1-5.5 5.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
  reconnecting: svg`<path d="M8 2.5a5.5 5.5 0 1 1-5.5 5.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/><path d="M1 5.5l1.5 2.5 2.5-1.5" fill="none" stroke="currentColor" stroke-width="1.5"/>`,
  open: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M4.5 8.2l2.3 2.3 4.7-4.7" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  degraded: svg`<circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-dasharray="3 1.6"/><path d="M4.8 8.2l2.1 2.1 4.3-4.3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  stale: svg`<circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M8 4.5V8l2.5 1.8" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>`,
  offline: svg`<path d="M2 2l12 12M3 6.5a8 8 0 0 1 10 0M5.2 9a4.5 4.5 0 0 1 5.6 0" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="12" r="1.2" fill="currentColor"/>`,
  closed: svg`<rect x="2.5" y="2.5" width="11" height="11" rx="2" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M5.5 8h5" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>`,
  failed: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M5.5 5.5l5 5M10.5 5.5l-5 5" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>`,
};

const RETRY_ICON = svg`<path d="M13 8a5 5 0 1 1-1.5-3.55" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/><path d="M12.5 1.8v3h-3" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`;

const TRANSPORT_KEYS: { readonly [T in Transport]: keyof RealtimeStrings } = {
  websocket: 'transportWebsocket',
  sse: 'transportSse',
  polling: 'transportPolling',
};

// Reasons that only repeat what the state already says.
const SILENT_REASONS = new Set(['page', 'offline']);

/**
 * Shows the state of the nearest `<realtime-provider>`'s connection in words and with an icon
 * whose shape differs per state, so it never relies on colour alone. Without a provider it shows
 * `idle`.
 *
 * While reconnecting it counts down to the next attempt ("Reconnecting in 4 s") and offers a
 * "Retry now" button, which it also offers after a failure; the button calls the connection's
 * `retry()`. Over a fallback transport the open state reads "Connected (fallback: SSE)" with a
 * dashed icon, and after a quiet spell "Connected (no recent data)" with a clock icon.
 *
 * Screen readers: a polite live region (`role="status"`) holds the state in words and changes
 * only when the words do, so state changes are announced but countdown ticks are not. The
 * countdown, the attempt number and the reason sit outside the live region, readable on demand.
 * In `compact` mode only the icon shows; the words stay in the page as the accessible text and
 * in a tooltip.
 *
 * Stale: the badge looks stale when the connection reports `status.stale` (the service's own
 * quiet time, the line's liveness) or, with `stale-after`, when no event was delivered for that
 * many ms while open. The badge applies `stale-after` itself, so one page can show "no news for
 * a minute" on one badge without reconfiguring the connection every other element shares.
 *
 * @summary The live connection's state in words and icon, with retry countdown and a retry button.
 *
 * @tagname connection-badge
 *
 * @attr {ConnectionState} state - Reflected, read-only: `idle`, `connecting`, `open`, `reconnecting`, `offline`, `closed` or `failed`. Style on it: `connection-badge[state='open']`.
 * @attr {Transport} transport - Reflected, read-only: `websocket`, `sse` or `polling`.
 * @attr {boolean} degraded - Reflected, read-only: open over SSE or polling instead of WebSocket.
 * @attr {boolean} stale - Reflected, read-only: open but quiet (the connection's `stale`, or `stale-after` passed with no event).
 * @attr {number} stale-after - Also look stale after this many ms without a delivered event while open; unset or 0: only the connection's own `stale`.
 * @attr {boolean} compact - Icon only; the words stay as the accessible text and the tooltip.
 * @attr {string} lang - Language of the labels; defaults to the page's.
 *
 * @prop {Partial<RealtimeStrings>} strings - Overrides for single strings of the table (`stateOpen`, `retryNow`, `retryIn`, `degraded`, `stale`, ...).
 *
 * @csspart base - The badge box.
 * @csspart icon - The state icon (an `svg`).
 * @csspart label - The state in words, with its notes (fallback, stale); inside the live region.
 * @csspart countdown - "in 4 s" while reconnecting; outside the live region.
 * @csspart retry - The "Retry now" button, while reconnecting or failed.
 *
 * @cssprop [--rt-badge-color=inherit] - Text colour.
 * @cssprop [--rt-badge-background=transparent] - Background.
 * @cssprop [--rt-badge-border-color=currentColor] - Border colour.
 * @cssprop [--rt-badge-radius=999px] - Corner radius.
 * @cssprop [--rt-badge-gap=0.375em] - Space between icon, label, countdown and button.
 * @cssprop [--rt-badge-padding-block=0.125em] - Block padding.
 * @cssprop [--rt-badge-padding-inline=0.5em] - Inline padding.
 * @cssprop [--rt-badge-icon-color] - Icon colour for every state (defaults differ per state).
 * @cssprop [--rt-badge-muted-color=color-mix(in srgb, currentColor 75%, transparent)] - Colour of the countdown.
 * @cssprop [--rt-badge-degraded-border-style=dashed] - Border style while degraded.
 * @cssprop [--rt-badge-stale-border-style=dotted] - Border style while stale.
 * @cssprop [--rt-badge-stale-background=transparent] - Background while stale.
 * @cssprop [--rt-badge-spin-duration=1.2s] - One turn of the connecting icon; no spin under `prefers-reduced-motion`.
 * @cssprop [--rt-badge-retry-background=transparent] - Background of the retry button.
 * @cssprop [--rt-badge-retry-color=inherit] - Text colour of the retry button.
 * @cssprop [--rt-focus-ring=2px solid #2563eb] - Outline of the focused retry button.
 * @cssprop [--rt-color-success=#15803d] - Icon colour when open.
 * @cssprop [--rt-color-warning=#b45309] - Icon colour while connecting, reconnecting or degraded.
 * @cssprop [--rt-color-danger=#b91c1c] - Icon colour when offline or failed.
 * @cssprop [--rt-color-neutral=#6b7280] - Icon colour when idle, closed or stale.
 */
export class ConnectionBadge extends LitElement {
  static override styles = connectionBadgeStyles;

  /** The connection's state; reflected for styling. Set by the element, not by the page. */
  @property({ reflect: true }) state: ConnectionState = 'idle';

  /** How events arrive; reflected for styling. Set by the element, not by the page. */
  @property({ reflect: true }) transport: Transport = 'websocket';

  /** True when open over a transport other than WebSocket; reflected. Set by the element. */
  @property({ type: Boolean, reflect: true }) degraded = false;

  /** True when open but quiet (see `staleAfter`); reflected. Set by the element. */
  @property({ type: Boolean, reflect: true }) stale = false;

  /**
   * Also look stale after this many ms without a delivered event while open. Unset, 0 or
   * negative: only the connection's own `status.stale` counts. Heartbeats are not events, so
   * this measures "no news", not a dead line (the connection's own `stale` does that).
   */
  @property({ type: Number, attribute: 'stale-after' }) staleAfter: number | null = null;

  /** Icon only; the words stay as the accessible text and the tooltip. */
  @property({ type: Boolean, reflect: true }) compact = false;

  /** Overrides for single strings of the table. */
  @property({ attribute: false }) strings: Partial<RealtimeStrings> = {};

  readonly #countdown = new RetryCountdown(this);
  readonly #quiet = new QuietWatch(this);
  readonly #connection = new ConnectionController(this, {
    subscribe: (connection) => [connection.onAny(() => this.#quiet.inbound())],
    onConnection: () => this.#quiet.restart(),
  });

  constructor() {
    super();
    // Follows a change of this element's or the page's `lang`.
    new LangController(this);
  }

  protected override willUpdate(): void {
    const status = this.#connection.status;
    const open = status.state === 'open';
    this.state = status.state;
    this.transport = status.transport;
    this.degraded = open && status.transport !== 'websocket';
    this.#countdown.target = status.state === 'reconnecting' ? status.nextRetryAt : null;
    this.#quiet.watch(open, this.staleAfter);
    this.stale = open && (status.stale || this.#quiet.quiet);
  }

  protected override render() {
    const strings = stringsFor(resolveLang(this), this.strings);
    const status = this.#connection.status;
    const words = this.#words(strings, status);
    const seconds = this.#countdown.seconds;
    const countdown = this.state === 'reconnecting' && seconds ? formatString(strings.retryIn, { seconds }) : '';
    const detail = this.#detail(strings, status);
    const canRetry = this.state === 'reconnecting' || this.state === 'failed';
    const icon: IconName = this.stale ? 'stale' : this.degraded ? 'degraded' : this.state;
    const tooltip = this.compact ? [strings.connectionPrefix, words, countdown].filter(Boolean).join(' ') : undefined;
    return html`<span part="base" title=${tooltip ?? nothing}
      ><span class="status" role="status"
        ><svg part="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${ICONS[icon]}</svg
        ><span class="visually-hidden">${strings.connectionPrefix} </span><span part="label">${words}</span></span
      >${countdown ? html` <span part="countdown">${countdown}</span>` : nothing}${detail
        ? html`<span class="visually-hidden"> ${detail}</span>`
        : nothing}${canRetry
        ? html` <button part="retry" type="button" title=${this.compact ? strings.retryNow : nothing} @click=${this.#retry}
            >${this.compact
              ? html`<svg class="retry-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${RETRY_ICON}</svg>`
              : nothing}<span class="retry-label">${strings.retryNow}</span></button
          >`
        : nothing}</span
    >`;
  }

  /** The state in words, with the notes that qualify an open line. */
  #words(strings: RealtimeStrings, status: ConnectionStatus): string {
    const state = stateLabel(strings, this.state);
    const notes: string[] = [];
    if (this.degraded) notes.push(formatString(strings.degraded, { transport: strings[TRANSPORT_KEYS[status.transport]] }));
    if (this.stale) notes.push(strings.stale);
    return notes.length ? formatString(strings.stateNotes, { state, notes: notes.join(', ') }) : state;
  }

  /** Attempt and reason for screen readers while the line is down; empty otherwise. */
  #detail(strings: RealtimeStrings, status: ConnectionStatus): string {
    if (this.state !== 'reconnecting' && this.state !== 'failed' && this.state !== 'offline') return '';
    const parts: string[] = [];
    if (status.attempt > 0) parts.push(formatString(strings.attempt, { attempt: status.attempt }));
    if (status.reason && !SILENT_REASONS.has(status.reason)) parts.push(formatString(strings.reason, { reason: status.reason }));
    return parts.join(' ');
  }

  #retry(): void {
    this.#connection.connection?.retry();
  }
}
