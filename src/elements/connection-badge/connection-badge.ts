import { LitElement, type TemplateResult, html, svg } from 'lit';
import { property } from 'lit/decorators.js';
import { ConnectionController } from '../../controllers/connection-controller.js';
import { LangController } from '../../controllers/lang-controller.js';
import type { ConnectionState } from '../../services/types.js';
import { type RealtimeStrings, resolveLang, stateLabel, stringsFor } from '../../strings.js';
import { connectionBadgeStyles } from './connection-badge.styles.js';

// Each state has its own shape, so the badge never relies on colour alone.
const ICONS: { readonly [S in ConnectionState]: TemplateResult } = {
  idle: svg`<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="1.5"/>`,
  connecting: svg`<path d="M8 2.5a5.5 5.5 0 1 1-5.5 5.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`,
  reconnecting: svg`<path d="M8 2.5a5.5 5.5 0 1 1-5.5 5.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/><path d="M1 5.5l1.5 2.5 2.5-1.5" fill="none" stroke="currentColor" stroke-width="1.5"/>`,
  open: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M4.5 8.2l2.3 2.3 4.7-4.7" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  offline: svg`<path d="M2 2l12 12M3 6.5a8 8 0 0 1 10 0M5.2 9a4.5 4.5 0 0 1 5.6 0" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="12" r="1.2" fill="currentColor"/>`,
  closed: svg`<rect x="2.5" y="2.5" width="11" height="11" rx="2" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M5.5 8h5" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>`,
  failed: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M5.5 5.5l5 5M10.5 5.5l-5 5" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>`,
};

/**
 * Shows the state of the nearest `<realtime-provider>`'s connection in words and with an icon
 * whose shape differs per state. Announces changes politely (`role="status"`). Without a
 * provider it shows `idle`.
 *
 * @summary The live connection's state, in words.
 *
 * @tagname connection-badge
 *
 * @attr {ConnectionState} state - Reflected, read-only: `idle`, `connecting`, `open`, `reconnecting`, `offline`, `closed` or `failed`. Style on it: `connection-badge[state='open']`.
 * @attr {boolean} degraded - Reflected, read-only: connected over SSE or polling instead of WebSocket.
 * @attr {string} lang - Language of the labels; defaults to the page's.
 *
 * @prop {Partial<RealtimeStrings>} strings - Overrides for single strings of the table.
 *
 * @csspart base - The badge box, a polite live region.
 * @csspart icon - The state icon.
 * @csspart label - The state in words.
 * @csspart retry - The retry button shown when the connection failed.
 *
 * @cssprop [--rt-badge-color=inherit] - Text colour.
 * @cssprop [--rt-badge-background=transparent] - Background.
 * @cssprop [--rt-badge-border-color=currentColor] - Border colour.
 * @cssprop [--rt-badge-radius=999px] - Corner radius.
 * @cssprop [--rt-badge-gap=0.375em] - Space between icon and label.
 * @cssprop [--rt-badge-padding-block=0.125em] - Block padding.
 * @cssprop [--rt-badge-padding-inline=0.5em] - Inline padding.
 * @cssprop [--rt-badge-icon-color] - Icon colour for every state (defaults differ per state).
 * @cssprop [--rt-color-success=#15803d] - Icon colour when open.
 * @cssprop [--rt-color-warning=#b45309] - Icon colour while connecting.
 * @cssprop [--rt-color-danger=#b91c1c] - Icon colour when offline or failed.
 * @cssprop [--rt-color-neutral=#6b7280] - Icon colour when idle or closed.
 */
export class ConnectionBadge extends LitElement {
  static override styles = connectionBadgeStyles;

  /** The connection's state; reflected for styling. Set by the element, not by the page. */
  @property({ reflect: true }) state: ConnectionState = 'idle';

  /** True when the transport is not WebSocket; reflected. */
  @property({ type: Boolean, reflect: true }) degraded = false;

  /** Overrides for single strings of the table. */
  @property({ attribute: false }) strings: Partial<RealtimeStrings> = {};

  readonly #connection = new ConnectionController(this);

  constructor() {
    super();
    // Follows a change of this element's or the page's `lang`.
    new LangController(this);
  }

  protected override willUpdate(): void {
    const status = this.#connection.status;
    this.state = status.state;
    this.degraded = status.state === 'open' && status.transport !== 'websocket';
  }

  protected override render() {
    const strings = stringsFor(resolveLang(this), this.strings);
    const words = stateLabel(strings, this.state) + (this.degraded ? ` (${strings.degraded})` : '');
    return html`<span part="base" role="status">
        <svg part="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${ICONS[this.state]}</svg>
        <span class="visually-hidden">${strings.connectionPrefix}</span>
        <span part="label">${words}</span></span
      >${this.state === 'failed'
        ? html`<button part="retry" type="button" @click=${this.#retry}>${strings.retry}</button>`
        : null}`;
  }

  #retry(): void {
    this.#connection.connection?.retry();
  }
}
