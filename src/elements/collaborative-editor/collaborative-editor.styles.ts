import { css } from 'lit';

export const collaborativeEditorStyles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--rt-editor-color, inherit);
  }
  .bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5em;
    margin-block-end: var(--rt-editor-gap, 0.375em);
    font-size: 0.875em;
  }
  [part='status'] {
    color: var(--rt-editor-muted-color, color-mix(in srgb, currentColor 75%, transparent));
  }
  [part='peers'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em 0.75em;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [part='peer'] {
    display: inline-flex;
    align-items: center;
    gap: 0.375em;
  }
  .dot {
    inline-size: 0.625em;
    block-size: 0.625em;
    border-radius: 50%;
    flex: none;
    background: var(--rt-peer-color, gray);
    /* Keeps a light colour visible on a light background. */
    box-shadow: 0 0 0 1px rgb(0 0 0 / 0.25);
  }
  [part='input'] {
    box-sizing: border-box;
    display: block;
    inline-size: 100%;
    min-block-size: var(--rt-editor-min-block-size, 12em);
    padding-block: var(--rt-editor-padding-block, 0.5em);
    padding-inline: var(--rt-editor-padding-inline, 0.75em);
    border: var(--rt-editor-border, 1px solid #6b7280);
    border-radius: var(--rt-editor-radius, 4px);
    background: var(--rt-editor-background, Canvas);
    color: inherit;
    font: var(--rt-editor-font, inherit);
    line-height: 1.5;
    resize: vertical;
  }
  [part='input']:focus-visible {
    outline: var(--rt-editor-focus-ring, 2px solid #2563eb);
    outline-offset: 1px;
  }
  :host([readonly]) [part='input'] {
    background: var(--rt-editor-readonly-background, transparent);
  }
`;
