import { css } from 'lit';

export const notificationFeedStyles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--rt-feed-color, inherit);
  }
  [part='base'] {
    display: flex;
    flex-direction: column;
    gap: var(--rt-feed-gap, 0.5rem);
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
  [part='message'] {
    margin: 0.125rem 0 0;
  }
  [part='time'] {
    display: block;
    font-size: 0.8em;
    color: var(--rt-feed-muted-color, color-mix(in srgb, currentColor 75%, transparent));
  }
  [part='dismiss'] {
    font: inherit;
    line-height: 1;
    min-inline-size: 1.75rem;
    min-block-size: 1.75rem;
    border: 0;
    border-radius: 4px;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  [part='dismiss']:focus-visible {
    outline: 2px solid var(--rt-focus-color, #2563eb);
    outline-offset: 1px;
  }
  @keyframes rt-enter {
    from {
      opacity: 0;
      transform: translateY(-0.25rem);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part~='item'] {
      animation: none;
    }
  }
`;
