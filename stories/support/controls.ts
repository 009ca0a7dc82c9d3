// Buttons a story shows under its elements to drive the simulated backend (publish, drop the
// connection, add a collaborator). Plain buttons so they work in Storybook and in the axe tests.
import { html, nothing } from 'lit';

export interface StoryAction {
  readonly label: string;
  readonly run: () => void;
}

/** A labelled group of buttons, one per action. */
export function storyControls(actions: readonly StoryAction[], label = 'Simulated backend') {
  if (actions.length === 0) return nothing;
  return html`<div
    role="group"
    aria-label=${label}
    style="display:flex;flex-wrap:wrap;gap:0.5rem;margin-block-start:1rem;padding-block-start:0.75rem;border-block-start:1px solid #d1d5db"
  >
    ${actions.map((action) => html`<button type="button" @click=${action.run}>${action.label}</button>`)}
  </div>`;
}
