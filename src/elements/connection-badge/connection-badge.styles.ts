import { css } from 'lit';
import { sharedStyles } from '../shared.styles.js';

const badgeStyles = css`
  :host {
    display: inline-block;
    font: inherit;
    color: var(--rt-badge-color, inherit);
  }
  [part='base'] {
    position: relative;
    display: inline-flex;
    align-items: center;
    gap: var(--rt-badge-gap, 0.375em);
    padding-block: var(--rt-badge-padding-block, 0.125em);
    padding-inline: var(--rt-badge-padding-inline, 0.5em);
    border: 1px solid var(--rt-badge-border-color, currentColor);
    border-radius: var(--rt-badge-radius, 999px);
    background: var(--rt-badge-background, transparent);
    line-height: 1.4;
    white-space: nowrap;
  }
  .status {
    display: inline-flex;
    align-items: center;
    gap: var(--rt-badge-gap, 0.375em);
  }
  [part='icon'] {
    inline-size: 1em;
    block-size: 1em;
    flex: none;
    color: var(--rt-badge-icon-color, var(--rt-color-neutral, #6b7280));
  }
  :host([state='open']) [part='icon'] {
    color: var(--rt-badge-icon-color, var(--rt-color-success, #15803d));
  }
  :host([state='connecting']) [part='icon'],
  :host([state='reconnecting']) [part='icon'],
  :host([degraded]) [part='icon'] {
    color: var(--rt-badge-icon-color, var(--rt-color-warning, #b45309));
  }
  :host([state='failed']) [part='icon'],
  :host([state='offline']) [part='icon'] {
    color: var(--rt-badge-icon-color, var(--rt-color-danger, #b91c1c));
  }
  :host([stale]) [part='icon'] {
    color: var(--rt-badge-icon-color, var(--rt-color-neutral, #6b7280));
  }
  :host([degraded]) [part='base'] {
    border-style: var(--rt-badge-degraded-border-style, dashed);
  }
  :host([stale]) [part='base'] {
    border-style: var(--rt-badge-stale-border-style, dotted);
    background: var(--rt-badge-stale-background, var(--rt-badge-background, transparent));
  }
  :host([state='connecting']) [part='icon'],
  :host([state='reconnecting']) [part='icon'] {
    animation: rt-spin var(--rt-badge-spin-duration, 1.2s) linear infinite;
  }
  [part='countdown'] {
    color: var(--rt-badge-muted-color, color-mix(in srgb, currentColor 75%, transparent));
    font-variant-numeric: tabular-nums;
  }
  [part='retry'] {
    display: inline-flex;
    align-items: center;
    gap: 0.25em;
    font: inherit;
    font-size: 0.875em;
    line-height: 1.2;
    margin-inline-start: 0.125em;
    padding-block: 0.125em;
    padding-inline: 0.5em;
    border: 1px solid currentColor;
    border-radius: var(--rt-badge-radius, 999px);
    background: var(--rt-badge-retry-background, transparent);
    color: var(--rt-badge-retry-color, inherit);
    cursor: pointer;
  }
  [part='retry']:hover {
    background: var(--rt-badge-retry-background, color-mix(in srgb, currentColor 10%, transparent));
  }
  [part='retry']:focus-visible {
    outline: var(--rt-focus-ring, 2px solid #2563eb);
    outline-offset: 2px;
  }
  .retry-icon {
    inline-size: 1em;
    block-size: 1em;
  }
  /* Compact: icon only. The words stay in the tree (visually hidden) as the accessible text. */
  :host([compact]) [part='base'] {
    padding-inline: var(--rt-badge-padding-block, 0.125em);
  }
  :host([compact]) [part='retry'] {
    padding: 0.125em;
    margin: 0;
    border-color: transparent;
  }
  :host([compact]) [part='label'],
  :host([compact]) [part='countdown'],
  :host([compact]) .retry-label {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @keyframes rt-spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    :host([state]) [part='icon'] {
      animation: none;
    }
  }
`;

/** Styles of `<connection-badge>`. */
export const connectionBadgeStyles = [sharedStyles, badgeStyles];
