import { expect, fixture, html } from '@open-wc/testing';
import * as Y from 'yjs';
import type { RealtimeUser } from '../../src/context/keys.js';
import type { CollaborativeEditor } from '../../src/elements/collaborative-editor/collaborative-editor.js';
import { CollabClient } from '../../src/services/collab-client.js';
import { COLLAB_TEXT_NAME } from '../../src/protocol/index.js';
import { type FakeProvider, defineFakeProvider } from '../support/fakes.js';

/** Two docs wired to each other like two clients of one server, with the text of each. */
export function pairedDocs() {
  const local = new Y.Doc();
  const remote = new Y.Doc();
  local.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'wire') Y.applyUpdate(remote, update, 'wire');
  });
  remote.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'wire') Y.applyUpdate(local, update, 'wire');
  });
  return { local, remote, localText: local.getText(COLLAB_TEXT_NAME), remoteText: remote.getText(COLLAB_TEXT_NAME) };
}

/** A page user for the fake provider. */
export function person(name: string, color: string): RealtimeUser {
  return { id: `u-${name.toLowerCase()}`, name, color };
}

export interface MountedEditor {
  readonly provider: FakeProvider;
  readonly editor: CollaborativeEditor;
  readonly textarea: HTMLTextAreaElement;
}

/**
 * One editor inside its own (fake) provider with its own collab client on the real server at
 * `collabUrl`, so two mounted editors are two clients.
 */
export async function mountEditor(collabUrl: string, documentId: string, who: RealtimeUser): Promise<MountedEditor> {
  const providerTag = defineFakeProvider();
  const provider = await fixture<FakeProvider>(
    html`<rt-fake-provider><collaborative-editor document-id=${documentId}></collaborative-editor></rt-fake-provider>`,
  );
  expect(provider.localName).to.equal(providerTag);
  provider.user = who;
  provider.collab = new CollabClient({ url: collabUrl });
  const editor = provider.querySelector('collaborative-editor')!;
  await editor.updateComplete;
  const textarea = editor.shadowRoot!.querySelector('textarea')!;
  return { provider, editor, textarea };
}

/** Whether the editor finished its sync exchange (and saved, with a server that confirms). */
export const isSynced = (editor: CollaborativeEditor) => editor.state === 'synced' || editor.state === 'saved';

/** Types like the browser does: the value changes, then an `input` event. */
export function typeText(textarea: HTMLTextAreaElement, value: string, caret = value.length): void {
  textarea.value = value;
  textarea.setSelectionRange(caret, caret);
  textarea.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText' }));
}

let documents = 0;
/** A fresh document id per test, so tests never see each other's text. */
export const documentIdFor = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(documents += 1)}`;
