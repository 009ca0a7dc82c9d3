import { css } from 'lit';

export const notificationFeedStyles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--rt-feed-color, inherit);
  }
  /* Toasts float over the page; the host itself takes no room and lets clicks through. */
  :host([variant='toast']) {
    position: fixed;
    z-index: var(--rt-toast-z-index, 1000);
    inline-size: min(var(--rt-toast-width, 22rem), calc(100vi - 2 * var(--rt-toast-inset, 1rem)));
    pointer-events: none;
    inset-block-end: var(--rt-toast-inset, 1rem);
    inset-inline-end: var(--rt-toast-inset, 1rem);
  }
  :host([variant='toast'][placement^='top']) {
    inset-block-start: var(--rt-toast-inset, 1rem);
    inset-block-end: auto;
  }
  :host([variant='toast'][placement$='start']) {
    inset-inline-start: var(--rt-toast-inset, 1rem);
    inset-inline-end: auto;
  }
  :host([variant='toast'][placement$='center']) {
    inset-inline-start: 50%;
    inset-inline-end: auto;
    transform: translateX(-50%);
  }
  :host([variant='toast']) [part='base'] {
    pointer-events: auto;
  }
  [part='list'] {
    display: flex;
    flex-direction: column;
    gap: var(--rt-feed-gap, 0.5rem);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  /* Toasts at the bottom grow upwards: the newest sits nearest the edge. */
  :host([variant='toast']:not([placement^='top'])) [part='list'] {
    flex-direction: column-reverse;
  }
  [part~='item'] {
    display: grid;
    grid-template-columns: auto 1fr auto;
    gap: 0.25rem 0.5rem;
    align-items: start;
    padding-block: var(--rt-notification-padding-block, 0.5rem);
    padding-inline: var(--rt-notification-padding-inline, 0.75rem);
    border: 1px solid var(--rt-notification-border-color, #d1d5db);
    border-inline-start: var(--rt-notification-accent-width, 4px) solid var(--rt-level-color, currentColor);
    border-radius: var(--rt-notification-radius, 6px);
    background: var(--rt-notification-background, Canvas);
    animation: rt-enter 160ms ease-out;
  }
  :host([variant='toast']) [part~='item'] {
    box-shadow: var(--rt-toast-shadow, 0 4px 12px rgb(0 0 0 / 0.15));
  }
  [part~='item-unread'] {
    background: var(--rt-notification-unread-background, color-mix(in srgb, var(--rt-color-info, #1d4ed8) 6%, Canvas));
  }
  [part~='item'][data-level='info'] {
    --rt-level-color: var(--rt-color-info, #1d4ed8);
  }
  [part~='item'][data-level='success'] {
    --rt-level-color: var(--rt-color-success, #15803d);
  }
  [part~='item'][data-level='warning'] {
    --rt-level-color: var(--rt-color-warning, #b45309);
  }
  [part~='item'][data-level='error'] {
    --rt-level-color: var(--rt-color-danger, #b91c1c);
  }
  [part='icon'] {
    inline-size: 1.25em;
    block-size: 1.25em;
    color: var(--rt-level-color, currentColor);
    margin-block-start: 0.1em;
  }
  [part='content'] {
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  [part='level'] {
    display: inline-block;
    margin-inline-end: 0.375em;
    font-size: 0.75em;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  [part='title'] {
    font-weight: 600;
  }
  [part~='item-unread'] [part='title'] {
    font-weight: 700;
  }
  /* The dot backs up the words "Unread" (read by screen readers) and the bolder title. */
  [part='unread'] {
    display: inline-block;
    inline-size: 0.5rem;
    block-size: 0.5rem;
    margin-inline-end: 0.375em;
    border-radius: 50%;
    background: var(--rt-color-info, #1d4ed8);
    vertical-align: middle;
  }
  [part='message'] {
    margin: 0.125rem 0 0;
  }
  [part='time'] {
    display: block;
    font-size: 0.8em;
    color: var(--rt-feed-muted-color, color-mix(in srgb, currentColor 75%, transparent));
  }
  [part='count'] {
    display: inline-block;
    margin-inline-start: 0.375em;
    padding-inline: 0.375em;
    border-radius: 999px;
    border: 1px solid currentColor;
    font-size: 0.75em;
  }
  [part='actions'] {
    display: flex;
    gap: 0.25rem;
  }
  [part='header'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    margin-block-end: var(--rt-feed-gap, 0.5rem);
  }
  [part='heading'] {
    margin: 0;
    font-size: 1em;
    font-weight: 600;
  }
  [part='unread-count'] {
    padding-inline: 0.5em;
    border-radius: 999px;
    background: var(--rt-color-info, #1d4ed8);
    color: #fff;
    font-size: 0.8em;
  }
  [part='mark-all'] {
    margin-inline-start: auto;
  }
  [part='more'] {
    margin: var(--rt-feed-gap, 0.5rem) 0 0;
    font-size: 0.85em;
    color: var(--rt-feed-muted-color, color-mix(in srgb, currentColor 75%, transparent));
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  [part='dismiss'],
  [part='mark-read'],
  [part='archive'] {
    line-height: 1;
    min-inline-size: 1.75rem;
    min-block-size: 1.75rem;
    border: 0;
    border-radius: 4px;
    background: transparent;
  }
  [part='load-older'] {
    margin-block-start: var(--rt-feed-gap, 0.5rem);
  }
  button:focus-visible,
  a:focus-visible,
  [part='base']:focus-visible {
    outline: 2px solid var(--rt-focus-color, #2563eb);
    outline-offset: 1px;
  }
  @keyframes rt-enter {
    from {
      opacity: 0;
      transform: translateY(-0.25rem);
    }
  }
  :host([data-burst]) [part~='item'] {
    animation: none;
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='item'] {
      animation: none;
    }
  }
  /* Forced colours drop backgrounds and shadows: keep edges, the unread dot and the count visible. */
  @media (forced-colors: active) {
    [part~='item'] {
      border-color: CanvasText;
      box-shadow: none;
    }
    [part='unread'],
    [part='unread-count'] {
      forced-color-adjust: none;
      background: Highlight;
      color: HighlightText;
    }
    [part='icon'] {
      color: CanvasText;
    }
  }
`;
