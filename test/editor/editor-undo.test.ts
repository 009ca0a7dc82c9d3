import { expect, waitUntil } from '@open-wc/testing';
import '../../src/define/collaborative-editor.js';
import type { RealtimeUser } from '../../src/context/keys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { isSynced, mountEditor, typeText } from './support.js';

// Undo per user through the element, two editors on the real reference server.

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.dispose();
});

/** One editor inside its own provider, a client of the test server. */
const mount = (documentId: string, who: RealtimeUser) => mountEditor(`${server.wsUrl}/collab`, documentId, who);


function press(textarea: HTMLTextAreaElement, init: KeyboardEventInit): boolean {
  const event = new KeyboardEvent('keydown', { bubbles: true, composed: true, cancelable: true, ...init });
  textarea.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('<collaborative-editor> undo', () => {
  it("Ctrl+Z takes back only the user's own typing on every client; Ctrl+Shift+Z brings it back", async () => {
    const id = `editor-undo-${Date.now().toString(36)}`;
    const ada = await mount(id, { id: 'u-ada', name: 'Ada', color: '#aa3366' });
    const bob = await mount(id, { id: 'u-bob', name: 'Bob', color: '#3366aa' });
    await waitUntil(() => isSynced(ada.editor) && isSynced(bob.editor), 'both editors synced', { timeout: 10000 });

    typeText(ada.textarea, 'abc');
    await waitUntil(() => bob.editor.text === 'abc', 'Bob sees "abc"', { timeout: 10000 });
    typeText(bob.textarea, 'XYZabc', 3);
    await waitUntil(() => ada.editor.text === 'XYZabc', 'Ada sees "XYZabc"', { timeout: 10000 });

    expect(press(ada.textarea, { key: 'z', ctrlKey: true }), 'native undo prevented').to.equal(true);
    expect(ada.editor.text).to.equal('XYZ');
    expect(ada.textarea.value).to.equal('XYZ');
    await waitUntil(() => bob.editor.text === 'XYZ', 'Bob keeps his "XYZ"', { timeout: 10000 });
    expect(bob.textarea.value).to.equal('XYZ');

    expect(press(ada.textarea, { key: 'z', ctrlKey: true, shiftKey: true })).to.equal(true);
    expect(ada.editor.text).to.equal('XYZabc');
    await waitUntil(() => bob.editor.text === 'XYZabc', 'Bob sees the redo', { timeout: 10000 });
  });

  it('ignores undo keys while read-only', async () => {
    const id = `editor-undo-ro-${Date.now().toString(36)}`;
    const ada = await mount(id, { id: 'u-ada', name: 'Ada', color: '#aa3366' });
    await waitUntil(() => isSynced(ada.editor), 'synced', { timeout: 10000 });
    typeText(ada.textarea, 'kept');
    ada.editor.readonly = true;
    await ada.editor.updateComplete;
    press(ada.textarea, { key: 'z', ctrlKey: true });
    expect(ada.editor.text).to.equal('kept');
  });
});
