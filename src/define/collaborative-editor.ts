import { CollaborativeEditor } from '../elements/collaborative-editor/collaborative-editor.js';

/** Registers `<collaborative-editor>`; a second call (or a second copy of the kit) is a no-op. */
export function defineCollaborativeEditor(tag = 'collaborative-editor'): void {
  if (!customElements.get(tag)) customElements.define(tag, CollaborativeEditor);
}

defineCollaborativeEditor();

export { CollaborativeEditor };

declare global {
  interface HTMLElementTagNameMap {
    'collaborative-editor': CollaborativeEditor;
  }
}
