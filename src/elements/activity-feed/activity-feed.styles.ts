import { css } from 'lit';

export const activityFeedStyles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--rt-feed-color, inherit);
  }
  [part='header'] {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    margin-block-end: var(--rt-feed-gap, 0.5rem);
  }
  [part='heading'] {
    font-weight: 600;
  }
  [part='status'] {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    font-size: 0.85em;
  }
  [part='status'] svg {
    inline-size: 0.8em;
    block-size: 0.8em;
    color: var(--rt-color-neutral, #6b7280);
  }
  :host([live]) [part='status'] svg {
    color: var(--rt-color-success, #15803d);
  }
  [part='scroller'] {
    max-block-size: var(--rt-activity-max-block-size, none);
    overflow-y: auto;
  }
  /* The virtualizer positions rows itself (absolutely, measured), so no flex or gap here. */
  [part='list'] {
    list-style: none;
    margin: 0;
    padding: 0;
    /* The virtualizer clips its first layout to the list's own box: with a zero-height box it
       would render nothing until a resize observation (which hidden tabs never deliver). */
    min-block-size: 1px;
  }
  [part='item'] {
    inline-size: 100%;
    box-sizing: border-box;
    margin-block-end: var(--rt-feed-gap, 0.5rem);
    padding-block: var(--rt-activity-padding-block, 0.375rem);
    padding-inline: var(--rt-activity-padding-inline, 0);
    border-block-end: 1px solid var(--rt-activity-border-color, #e5e7eb);
    overflow-wrap: anywhere;
  }
  [part='item']:focus {
    outline: none;
  }
  [part='item']:focus-visible {
    outline: 2px solid var(--rt-activity-focus-color, Highlight);
    outline-offset: -2px;
  }
  [part='day'] {
    font-weight: 600;
    font-size: 0.85em;
    color: var(--rt-activity-day-color, inherit);
    margin-block-end: 0.375rem;
  }
  [part='entry'] {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
  }
  [part='avatar'] {
    flex: none;
    inline-size: var(--rt-activity-avatar-size, 2rem);
    block-size: var(--rt-activity-avatar-size, 2rem);
    border-radius: 50%;
    object-fit: cover;
  }
  span[part='avatar'] {
    display: inline-grid;
    place-items: center;
    font-size: 0.75em;
    font-weight: 600;
    background: var(--rt-activity-avatar-background, hsl(var(--rt-avatar-hue, 210) 60% 86%));
    color: var(--rt-activity-avatar-color, #1f2937);
    /* Forced colours drop backgrounds: a border keeps the circle. */
    border: 1px solid transparent;
  }
  [part='body'] {
    min-inline-size: 0;
  }
  [part='actor'] {
    font-weight: 600;
  }
  [part='time'] {
    display: block;
    font-size: 0.8em;
    color: var(--rt-feed-muted-color, color-mix(in srgb, currentColor 75%, transparent));
  }
  [part='loading'],
  [part='empty'],
  [part='error'] {
    padding-block: 0.5rem;
  }
  [part='retry'],
  [part='load-older'] {
    font: inherit;
  }
  [part='retry'] {
    margin-inline-start: 0.5em;
  }
  [part='older'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
    padding-block: 0.5rem;
  }
  [part='older-error'] {
    color: var(--rt-color-danger, #b91c1c);
  }
  [part='load-older'][aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }
  [data-sentinel] {
    block-size: 1px;
  }
  /* Only while loading: an endless animation on an idle element keeps it alive after removal
     in a page that renders no frames (a background tab) until frames resume. */
  [part='loading'],
  [part='older'][data-state='loading'] [part='older-status'] {
    animation: rt-pulse 1.2s ease-in-out infinite alternate;
  }
  @keyframes rt-pulse {
    to {
      opacity: 0.55;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part='loading'],
    [part='older'][data-state='loading'] [part='older-status'] {
      animation: none;
    }
  }
  @media (forced-colors: active) {
    [part='item']:focus-visible {
      outline-color: Highlight;
    }
    [part='load-older'][aria-disabled='true'] {
      opacity: 1;
      color: GrayText;
    }
  }
`;
