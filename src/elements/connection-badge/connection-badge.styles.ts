import { css } from 'lit';

export const connectionBadgeStyles = css`
  :host {
    display: inline-block;
    font: inherit;
    color: var(--rt-badge-color, inherit);
  }
  :host([hidden]) {
    display: none;
  }
  [part='base'] {
    display: inline-flex;
    align-items: center;
    gap: var(--rt-badge-gap, 0.375em);
    padding-block: var(--rt-badge-padding-block, 0.125em);
    padding-inline: var(--rt-badge-padding-inline, 0.5em);
    border: 1px solid var(--rt-badge-border-color, currentColor);
    border-radius: var(--rt-badge-radius, 999px);
    background: var(--rt-badge-background, transparent);
    line-height: 1.4;
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
  :host([state='reconnecting']) [part='icon'] {
    color: var(--rt-badge-icon-color, var(--rt-color-warning, #b45309));
  }
  :host([state='failed']) [part='icon'],
  :host([state='offline']) [part='icon'] {
    color: var(--rt-badge-icon-color, var(--rt-color-danger, #b91c1c));
  }
  :host([state='connecting']) [part='icon'] svg,
  :host([state='reconnecting']) [part='icon'] svg {
    animation: rt-spin 1.2s linear infinite;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  [part='retry'] {
    font: inherit;
    margin-inline-start: 0.25em;
  }
  @keyframes rt-spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    :host([state]) [part='icon'] svg {
      animation: none;
    }
  }
`;
