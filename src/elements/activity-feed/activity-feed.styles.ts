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
  [part='list'] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--rt-feed-gap, 0.5rem);
  }
  [part='item'] {
    padding-block: var(--rt-activity-padding-block, 0.375rem);
    padding-inline: var(--rt-activity-padding-inline, 0);
    border-block-end: 1px solid var(--rt-activity-border-color, #e5e7eb);
    overflow-wrap: anywhere;
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
  [part='retry'] {
    font: inherit;
    margin-inline-start: 0.5em;
  }
  [part='loading'] {
    animation: rt-pulse 1.2s ease-in-out infinite alternate;
  }
  @keyframes rt-pulse {
    to {
      opacity: 0.55;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    [part='loading'] {
      animation: none;
    }
  }
`;
