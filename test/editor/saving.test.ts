import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { IndexeddbPersistence } from 'y-indexeddb';
import '../../src/define/collaborative-editor.js';
import type { CollaborativeEditor } from '../../src/elements/collaborative-editor/collaborative-editor.js';
import type { CollabStatusChangeEvent } from '../../src/events/collab-events.js';
import { OFFLINE_COPY_PREFIX } from '../../src/services/collab-offline-copy.js';
import type { RealtimeUser } from '../../src/context/keys.js';
import type { CollabSessionLike, CollabStatus } from '../../src/context/collab.js';
import { type FakeProvider, defineFakeProvider } from '../support/fakes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { documentIdFor, isSynced, type MountedEditor, mountEditor, person, typeText } from './support.js';

// Offline work and saving, on the real reference server: edits made while it is down merge when it
// is back; "Saved" against "N changes not saved yet"; the beforeunload warning; the IndexedDB copy.

let server: TestServer;
defineFakeProvider();

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.dispose();
});

afterEach(async () => {
  // A test that stopped the server leaves it running for the next one.
  await server.restart();
});

const newDocId = () => documentIdFor('saving');
const mount = (documentId: string, who: RealtimeUser) => mountEditor(`${server.wsUrl}/collab`, documentId, who);
const statusText = (editor: CollaborativeEditor) => editor.shadowRoot!.querySelector('[part="status"]')!.textContent!.trim();

/** Whether leaving the page now would ask the user first. */
function leavingWarns(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

/** What the IndexedDB copy of a document holds, read through a second y-indexeddb instance. */
async function storedCopy(documentId: string): Promise<string> {
  const doc = new Y.Doc();
  const copy = new IndexeddbPersistence(OFFLINE_COPY_PREFIX + documentId, doc);
  try {
    await copy.whenSynced;
    return doc.getText('content').toString();
  } finally {
    await copy.destroy();
    doc.destroy();
  }
}

/** A mounted editor with `offline-copy` set before it opens its document. */
async function mountWithCopy(documentId: string, who: RealtimeUser): Promise<MountedEditor> {
  const mounted = await mount('', who);
  mounted.editor.offlineCopy = true;
  mounted.editor.documentId = documentId;
  await mounted.editor.updateComplete;
  return mounted;
}

describe('<collaborative-editor> offline work and saving', () => {
  it('keeps edits made while the server is down and merges both sides when it is back', async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    const bob = await mount(id, person('Bob', '#1d4ed8'));
    await waitUntil(() => isSynced(ada.editor) && isSynced(bob.editor), 'both synced');
    typeText(ada.textarea, 'shared');
    await waitUntil(() => bob.editor.text === 'shared' && ada.editor.state === 'saved', 'saved and shared');
    await ada.editor.updateComplete;
    expect(statusText(ada.editor)).to.equal('Saved');
    expect(ada.editor.unsaved).to.equal(0);
    expect(leavingWarns(), 'nothing to lose').to.equal(false);

    await server.stop();
    await waitUntil(() => ada.editor.state === 'offline' && bob.editor.state === 'offline', 'both offline');
    typeText(ada.textarea, 'Ada: shared', 0 + 'Ada: '.length);
    typeText(bob.textarea, 'shared :Bob');
    typeText(bob.textarea, 'shared :Bob!');
    await ada.editor.updateComplete;
    await bob.editor.updateComplete;
    expect(ada.editor.unsaved).to.equal(1);
    expect(bob.editor.unsaved).to.equal(2);
    expect(statusText(ada.editor)).to.equal('Offline · 1 change not saved yet');
    expect(statusText(bob.editor)).to.equal('Offline · 2 changes not saved yet');
    expect(leavingWarns(), 'unsaved work warns before leaving').to.equal(true);

    await server.restart();
    await waitUntil(() => ada.editor.text === 'Ada: shared :Bob!' && bob.editor.text === ada.editor.text, 'both sides merged', {
      timeout: 10000,
    });
    await waitUntil(() => ada.editor.state === 'saved' && bob.editor.state === 'saved', 'both saved', { timeout: 10000 });
    await ada.editor.updateComplete;
    expect(statusText(ada.editor)).to.equal('Saved');
    expect(ada.editor.unsaved).to.equal(0);
    expect(ada.textarea.value).to.equal('Ada: shared :Bob!');
    expect(leavingWarns(), 'the listener is gone once everything is saved').to.equal(false);
    const stored = (await (await fetch(`${server.url}/api/documents/${encodeURIComponent(id)}`)).json()) as { text: string };
    expect(stored.text).to.equal('Ada: shared :Bob!');
  });

  it('says how many changes are not saved yet, in French too, and fires status events with the count', async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    ada.editor.lang = 'fr';
    await waitUntil(() => ada.editor.state === 'saved', 'saved');
    const events: CollabStatusChangeEvent[] = [];
    ada.editor.addEventListener('collab-status-change', (event) => events.push(event));
    await ada.editor.updateComplete;
    expect(statusText(ada.editor)).to.equal('Enregistré');

    await server.stop();
    await waitUntil(() => ada.editor.state === 'offline', 'offline');
    expect(events.at(-1)!.state).to.equal('offline');
    typeText(ada.textarea, 'a');
    typeText(ada.textarea, 'ab');
    typeText(ada.textarea, 'abc');
    await ada.editor.updateComplete;
    expect(statusText(ada.editor)).to.equal('Hors ligne · 3 modifications pas encore enregistrées');

    await server.restart();
    await waitUntil(() => ada.editor.state === 'saved', 'saved again', { timeout: 10000 });
    expect(events.at(-1)!.state).to.equal('saved');
    expect(events.at(-1)!.unsaved).to.equal(0);
    expect(events.map((event) => event.state)).to.include('syncing');
  });

  it('applies the synced/saved flip of each keystroke at most once per frame, so a fast save shows and fires nothing', async () => {
    // A session whose status the test drives, so no timing decides the result.
    const doc = new Y.Doc();
    const listeners = new Set<(status: CollabStatus) => void>();
    let status: CollabStatus = { state: 'saved', connected: true, unsaved: 0 };
    const session: CollabSessionLike = {
      documentId: 'flips',
      doc,
      text: doc.getText('content'),
      awareness: new Awareness(doc),
      get status() {
        return status;
      },
      onStatus(handler) {
        listeners.add(handler);
        return () => listeners.delete(handler);
      },
      destroy() {
        listeners.clear();
      },
    };
    const emit = (next: CollabStatus) => {
      status = next;
      for (const handler of listeners) handler(next);
    };
    const provider = await fixture<FakeProvider>(
      html`<rt-fake-provider><collaborative-editor document-id="flips"></collaborative-editor></rt-fake-provider>`,
    );
    provider.collab = { open: () => session };
    const editor = provider.querySelector('collaborative-editor')!;
    await editor.updateComplete;
    expect(editor.state).to.equal('saved');
    const seen: string[] = [];
    editor.addEventListener('collab-status-change', (event) => seen.push(event.state));

    // Twenty keystrokes, each confirmed before the next frame.
    for (let i = 0; i < 20; i += 1) {
      emit({ state: 'synced', connected: true, unsaved: 1 });
      emit({ state: 'saved', connected: true, unsaved: 0 });
    }
    await editor.updateComplete;
    // Nothing is left for the frame either: each flip was undone before it.
    expect(seen, 'no event for flips undone within the frame').to.deep.equal([]);
    expect(editor.state).to.equal('saved');
    expect(statusText(editor)).to.equal('Saved');

    // A save that takes longer than a frame shows, once.
    emit({ state: 'synced', connected: true, unsaved: 2 });
    await waitUntil(() => editor.state === 'synced', 'the unconfirmed state shows after a frame');
    await editor.updateComplete;
    expect(statusText(editor)).to.equal('2 changes not saved yet');
    expect(seen).to.deep.equal(['synced']);
    // Leaving synced/saved is never held back.
    emit({ state: 'offline', connected: false, unsaved: 2 });
    expect(editor.state).to.equal('offline');
    expect(seen).to.deep.equal(['synced', 'offline']);
    provider.remove();
    doc.destroy();
  });

  it('with offline-copy, unsaved work survives a reload while the server is down and is saved when it is back', async () => {
    const id = newDocId();
    await server.stop();
    const first = await mountWithCopy(id, person('Ada', '#b91c1c'));
    await waitUntil(() => first.editor.state === 'offline', 'offline from the start', { timeout: 10000 });
    typeText(first.textarea, 'draft written offline');
    await waitUntil(async () => (await storedCopy(id)) === 'draft written offline', 'the copy holds the draft');
    expect(first.editor.unsaved).to.be.above(0);

    // The reload: the editor goes away and a new one opens the same document, still offline.
    first.provider.remove();
    expect(leavingWarns(), 'a removed editor leaves no beforeunload listener behind').to.equal(false);
    const second = await mountWithCopy(id, person('Ada', '#b91c1c'));
    await waitUntil(() => second.editor.text === 'draft written offline', 'the draft is back after the reload');
    expect(second.textarea.value).to.equal('draft written offline');
    await waitUntil(() => second.editor.unsaved > 0, 'still counted as unsaved');
    expect(leavingWarns()).to.equal(true);

    await server.restart();
    await waitUntil(() => second.editor.state === 'saved', 'saved once the server is back', { timeout: 10000 });
    const reader = await mount(id, person('Bob', '#1d4ed8'));
    await waitUntil(() => reader.editor.text === 'draft written offline', 'another client reads the draft');
    expect(leavingWarns()).to.equal(false);
  });

  it('without offline-copy, the y-indexeddb module is not loaded and no copy is written', async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    await waitUntil(() => ada.editor.state === 'saved');
    typeText(ada.textarea, 'not copied');
    await waitUntil(() => ada.editor.state === 'saved' && ada.editor.unsaved === 0);
    const names = (await indexedDB.databases()).map((database) => database.name);
    expect(names).not.to.include(OFFLINE_COPY_PREFIX + id);
  });
});
