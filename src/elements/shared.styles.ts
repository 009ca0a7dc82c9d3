import { css } from 'lit';

/** Rules every kit element shares: `hidden` works, and `.visually-hidden` text stays readable to screen readers. */
export const sharedStyles = css`
  :host([hidden]) {
    display: none;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
