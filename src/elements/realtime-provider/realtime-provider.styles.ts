import { css } from 'lit';

// The provider only hands services down; it must not change the page's layout.
export const realtimeProviderStyles = css`
  :host {
    display: contents;
  }
`;
