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
  .avatar {
    display: inline-grid;
    place-items: center;
    inline-size: var(--rt-editor-avatar-size, 1.75em);
    block-size: var(--rt-editor-avatar-size, 1.75em);
    border-radius: 50%;
    flex: none;
    background: var(--rt-peer-color, gray);
    color: var(--rt-peer-text, #fff);
    font-size: 0.75em;
    font-weight: 600;
    line-height: 1;
    /* Keeps a light colour visible on a light background. */
    box-shadow: 0 0 0 1px rgb(0 0 0 / 0.25);
  }
  .field {
    position: relative;
  }
  /* The mirror: the text area's box, font and wrapping, with transparent text, above it. */
  .carets {
    box-sizing: border-box;
    position: absolute;
    inset: 0;
    overflow: hidden;
    /* Its size comes from the field, never from its text: the text it takes per keystroke lays out
       only itself. Paint is clipped at the padding box, as overflow: hidden already does. */
    contain: strict;
    pointer-events: none;
    padding-block: var(--rt-editor-padding-block, 0.5em);
    padding-inline: var(--rt-editor-padding-inline, 0.75em);
    padding-inline-end: calc(var(--rt-editor-padding-inline, 0.75em) + var(--rt-editor-scrollbar, 0px));
    border: var(--rt-editor-border, 1px solid #6b7280);
    border-color: transparent;
    font: var(--rt-editor-font, inherit);
    line-height: 1.5;
    white-space: pre-wrap;
    overflow-wrap: break-word;
    color: transparent;
  }
  .caret {
    position: relative;
    display: inline-block;
    inline-size: 0;
    block-size: 1.2em;
    vertical-align: text-bottom;
    margin-inline: calc(var(--rt-editor-caret-width, 2px) / -2);
    border-inline-start: var(--rt-editor-caret-width, 2px) solid var(--rt-peer-color, gray);
  }
  .caret-label {
    position: absolute;
    inset-block-end: 100%;
    inset-inline-start: calc(var(--rt-editor-caret-width, 2px) * -1);
    padding-inline: 0.25em;
    border-radius: 2px;
    background: var(--rt-peer-color, gray);
    color: var(--rt-peer-text, #fff);
    font-size: 0.7em;
    line-height: 1.3;
    white-space: nowrap;
  }
  [part='selection'] {
    color: transparent;
    background: color-mix(in srgb, var(--rt-peer-color, gray) var(--rt-editor-selection-tint, 30%), transparent);
  }
  @media (forced-colors: active) {
    .caret {
      border-color: Highlight;
    }
    .caret-label {
      forced-color-adjust: none;
      background: Highlight;
      color: HighlightText;
    }
    [part='selection'] {
      forced-color-adjust: none;
      background: transparent;
      outline: 1px dashed Highlight;
    }
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
