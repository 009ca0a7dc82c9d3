import { CollaborativeEditor } from '../elements/collaborative-editor/collaborative-editor.js';
import { provideCollabSessions } from '../services/collab-client.js';
import { CollabSession } from '../services/collab-session.js';

/** Registers `<collaborative-editor>`; a second call (or a second copy of the kit) is a no-op. */
export function defineCollaborativeEditor(tag = 'collaborative-editor'): void {
  // The provider's CollabClient makes Yjs sessions only once the editor brings Yjs along.
  provideCollabSessions((options) => new CollabSession(options));
  if (!customElements.get(tag)) customElements.define(tag, CollaborativeEditor);
}

defineCollaborativeEditor();

export { CollaborativeEditor };

declare global {
  interface HTMLElementTagNameMap {
    'collaborative-editor': CollaborativeEditor;
  }
}
