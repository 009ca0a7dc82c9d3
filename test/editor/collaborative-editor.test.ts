import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/define/collaborative-editor.js';
import '../../src/define/realtime-provider.js';
import { CollaborativeEditor } from '../../src/elements/collaborative-editor/collaborative-editor.js';
import { CollabStatusChangeEvent } from '../../src/events/collab-events.js';
import { CollabClient } from '../../src/services/collab-client.js';
import type { RealtimeUser } from '../../src/context/keys.js';
import { FakeProvider, defineFakeProvider, uniqueTag } from '../support/fakes.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { documentIdFor, isSynced, mountEditor, person, typeText } from './support.js';

// Most tests hand a real CollabClient (talking to the real reference server) down through a test
// provider built from ContextProviders; one test uses two real <realtime-provider>s.
defineFakeProvider();

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.dispose();
});

const manual: Element[] = [];
/** Removes a node the test attached itself (fixture() cleans up only its own). */
function removeAfter(node: Element): void {
  manual.push(node);
}
afterEach(() => {
  for (const node of manual.splice(0)) node.remove();
});

const newDocId = () => documentIdFor('editor-test');

const user = person;

/** One editor inside its own provider, a client of the test server. */
const mount = (documentId: string, who: RealtimeUser) => mountEditor(`${server.wsUrl}/collab`, documentId, who);


describe('<collaborative-editor>', () => {
  it('syncs two editors, each inside its own <realtime-provider>', async () => {
    const id = newDocId();
    const page = (name: string) =>
      fixture<HTMLElement>(html`<realtime-provider
        collab=${`${server.wsUrl}/collab`}
        url=${`${server.wsUrl}/ws`}
        api=${`${server.url}/api`}
        events=${`${server.url}/api/events`}
        .user=${user(name, '#b91c1c')}
        ><collaborative-editor document-id=${id}></collaborative-editor
      ></realtime-provider>`);
    const [first, second] = [await page('Ada'), await page('Bob')];
    const a = first.querySelector('collaborative-editor')!;
    const b = second.querySelector('collaborative-editor')!;
    await waitUntil(() => isSynced(a) && isSynced(b), 'both editors sync through the real provider');
    typeText(a.shadowRoot!.querySelector('textarea')!, 'through the provider');
    await waitUntil(() => b.text === 'through the provider', 'text reaches the other editor');
    await waitUntil(() => b.peers.some((peer) => peer.name === 'Ada'), 'Ada is listed');
  });

  it('shows what is typed in one editor in the other', async () => {
    const id = newDocId();
    const a = await mount(id, user('Ada', '#b91c1c'));
    const b = await mount(id, user('Bob', '#1d4ed8'));
    await waitUntil(() => isSynced(a.editor) && isSynced(b.editor), 'both editors sync');

    typeText(a.textarea, 'Hello');
    await waitUntil(() => b.textarea.value === 'Hello', 'text reaches the other editor');
    expect(b.editor.text).to.equal('Hello');
    expect(a.editor.text).to.equal('Hello');
  });

  it('converges when both people type at the same time', async () => {
    const id = newDocId();
    const a = await mount(id, user('Ada', '#b91c1c'));
    const b = await mount(id, user('Bob', '#1d4ed8'));
    await waitUntil(() => isSynced(a.editor) && isSynced(b.editor));
    typeText(a.textarea, 'middle');
    await waitUntil(() => b.textarea.value === 'middle');

    // Both edit before either sees the other's change.
    typeText(a.textarea, 'start middle', 6);
    typeText(b.textarea, 'middle end');
    await waitUntil(
      () => a.textarea.value === b.textarea.value && a.textarea.value.length === 'start middle end'.length,
      'both editors converge',
    );
    expect(a.textarea.value).to.equal('start middle end');
    expect(a.editor.text).to.equal(b.editor.text);
  });

  it('keeps the caret on the same characters when a remote insert lands before it', async () => {
    const id = newDocId();
    const a = await mount(id, user('Ada', '#b91c1c'));
    const b = await mount(id, user('Bob', '#1d4ed8'));
    await waitUntil(() => isSynced(a.editor) && isSynced(b.editor));
    typeText(a.textarea, 'world');
    await waitUntil(() => b.textarea.value === 'world');

    b.textarea.focus();
    b.textarea.setSelectionRange(2, 2); // wo|rld
    typeText(a.textarea, 'hello world', 6);
    await waitUntil(() => b.textarea.value === 'hello world');
    expect(b.textarea.selectionStart).to.equal(8); // hello wo|rld
    expect(b.textarea.selectionEnd).to.equal(8);

    // A selection keeps its characters too, and a remote delete before it pulls it back.
    b.textarea.setSelectionRange(6, 11); // "world"
    typeText(a.textarea, 'world', 0);
    await waitUntil(() => b.textarea.value === 'world');
    expect([b.textarea.selectionStart, b.textarea.selectionEnd]).to.deep.equal([0, 5]);
  });

  it('lists the other people with an avatar in their colour and their name, and drops them when they leave', async () => {
    const id = newDocId();
    const a = await mount(id, user('Ada', '#b91c1c'));
    const b = await mount(id, user('Bob Marley', '#1d4ed8'));
    await waitUntil(() => a.editor.peers.length === 1, 'Ada sees Bob');
    await a.editor.updateComplete;
    const peer = a.editor.shadowRoot!.querySelector('[part="peer"]')!;
    const avatar = peer.querySelector('[part="avatar"]')!;
    expect(avatar.textContent!.trim()).to.equal('BM');
    expect(avatar.getAttribute('aria-hidden')).to.equal('true');
    expect(peer.querySelector('[part="peer-name"]')!.textContent).to.equal('Bob Marley');
    expect(getComputedStyle(avatar).backgroundColor).to.equal('rgb(29, 78, 216)');
    // White on this dark blue, for contrast.
    expect(getComputedStyle(avatar).color).to.equal('rgb(255, 255, 255)');

    b.provider.remove();
    await waitUntil(() => a.editor.peers.length === 0, 'Bob left');
  });

  it('says where the document stands and fires collab-status-change', async () => {
    const provider = await fixture<FakeProvider>(
      html`<rt-fake-provider><collaborative-editor document-id=${newDocId()}></collaborative-editor></rt-fake-provider>`,
    );
    const editor = provider.querySelector('collaborative-editor')!;
    const status = () => editor.shadowRoot!.querySelector('[part="status"]')!.textContent!.trim();
    expect(editor.state).to.equal('idle');
    expect(status()).to.equal('Not connected');

    const seen: string[] = [];
    editor.addEventListener('collab-status-change', (event) => {
      expect(event).to.be.instanceOf(CollabStatusChangeEvent);
      seen.push(event.state);
    });
    provider.user = user('Ada', '#b91c1c');
    provider.collab = new CollabClient({ url: `${server.wsUrl}/collab` });
    await editor.updateComplete;
    expect(seen[0]).to.equal('connecting');
    expect(status()).to.equal('Connecting…');
    expect(editor.getAttribute('state')).to.equal('connecting');

    await waitUntil(() => editor.state === 'saved', 'our server confirms storage');
    await editor.updateComplete;
    expect(status()).to.equal('Saved');
    expect(seen).to.include.members(['connecting', 'syncing', 'saved']);

    await server.stop();
    await waitUntil(() => editor.state === 'offline', 'goes offline when the server stops');
    await editor.updateComplete;
    expect(status()).to.equal('Offline');
    await server.restart();
    await waitUntil(() => editor.state === 'saved', 'comes back after a restart', { timeout: 10000 });
  });

  it('is editable before it syncs and keeps those edits', async () => {
    const id = newDocId();
    const a = await mount(id, user('Ada', '#b91c1c'));
    expect(a.editor.state).to.equal('connecting');
    typeText(a.textarea, 'early');
    const b = await mount(id, user('Bob', '#1d4ed8'));
    await waitUntil(() => b.textarea.value === 'early', 'early edit reaches the server');
  });

  it('passes an accessibility check with people listed', async () => {
    const id = newDocId();
    const a = await mount(id, user('Ada', '#b91c1c'));
    await mount(id, user('Bob', '#1d4ed8'));
    await waitUntil(() => a.editor.peers.length === 1 && isSynced(a.editor));
    await a.editor.updateComplete;
    await expect(a.editor).to.be.accessible();
    const textarea = a.textarea;
    expect(textarea.getAttribute('aria-label')).to.equal('Shared document');
    const live = a.editor.shadowRoot!.querySelector('[role="status"]')!;
    expect(live.textContent!.trim()).to.be.oneOf(['Synced', 'Saved']);
    // A keystroke's synced → saved round trip is not re-announced.
    await waitUntil(() => a.editor.state === 'saved');
    await a.editor.updateComplete;
    typeText(a.textarea, 'x');
    await a.editor.updateComplete;
    expect(live.textContent!.trim()).to.equal('Saved');
    await waitUntil(() => a.editor.state === 'saved');
  });

  it('reflects readonly and placeholder on the text area', async () => {
    const provider = await fixture<FakeProvider>(
      html`<rt-fake-provider
        ><collaborative-editor document-id="x" readonly placeholder="Write here" label="Notes"></collaborative-editor
      ></rt-fake-provider>`,
    );
    const editor = provider.querySelector('collaborative-editor')!;
    const textarea = editor.shadowRoot!.querySelector('textarea')!;
    expect(textarea.readOnly).to.equal(true);
    expect(textarea.placeholder).to.equal('Write here');
    expect(textarea.getAttribute('aria-label')).to.equal('Notes');
    expect(textarea.getAttribute('part')).to.equal('input');
    editor.readonly = false;
    await editor.updateComplete;
    expect(textarea.readOnly).to.equal(false);
  });

  it('C19: connects when the provider is defined after the editor', async () => {
    const lateTag = uniqueTag('rt-late-provider');
    const id = newDocId();
    // Built by hand: fixture() waits a frame for non-Lit roots, and frames stall in a background tab.
    const late = document.createElement(lateTag);
    const editor = document.createElement('collaborative-editor');
    editor.documentId = id;
    late.append(editor);
    document.body.append(late);
    removeAfter(late);
    await editor.updateComplete;
    expect(editor.state).to.equal('idle');
    // Typed before any provider answered: kept once the (empty) document opens.
    typeText(editor.shadowRoot!.querySelector('textarea')!, 'late but fine');

    customElements.define(lateTag, class extends FakeProvider {});
    const provider = late as FakeProvider;
    provider.user = user('Ada', '#b91c1c');
    provider.collab = new CollabClient({ url: `${server.wsUrl}/collab` });
    await waitUntil(() => isSynced(editor), 'the late provider is found');
    expect(editor.text).to.equal('late but fine');
    const other = await mount(id, user('Bob', '#1d4ed8'));
    await waitUntil(() => other.textarea.value === 'late but fine');
  });

  it('C19: connects when the editor is defined after its provider is in place', async () => {
    const lateEditor = uniqueTag('rt-late-editor');
    const id = newDocId();
    const provider = await fixture<FakeProvider>(html`<rt-fake-provider></rt-fake-provider>`);
    provider.user = user('Ada', '#b91c1c');
    provider.collab = new CollabClient({ url: `${server.wsUrl}/collab` });
    const editor = document.createElement(lateEditor);
    editor.setAttribute('document-id', id);
    provider.append(editor);
    customElements.define(lateEditor, class extends CollaborativeEditor {});
    const upgraded = editor as CollaborativeEditor;
    await waitUntil(() => isSynced(upgraded), 'the late editor finds its provider');
  });

  it('leaves no session behind after being mounted and removed many times', async () => {
    const id = newDocId();
    const watcher = await mount(id, user('Wes', '#15803d'));
    await waitUntil(() => isSynced(watcher.editor));
    for (let round = 0; round < 5; round += 1) {
      const visitor = await mount(id, user(`Visitor${round}`, '#b45309'));
      await waitUntil(() => isSynced(visitor.editor) && watcher.editor.peers.length === 1, `visitor ${round} seen`);
      visitor.provider.remove();
      expect(visitor.editor.state).to.equal('idle');
      await waitUntil(() => watcher.editor.peers.length === 0, `visitor ${round} gone`);
    }
  });

  it('opens the other document when document-id changes, and closes its session when removed', async () => {
    const first = newDocId();
    const second = newDocId();
    const a = await mount(first, user('Ada', '#b91c1c'));
    await waitUntil(() => isSynced(a.editor));
    typeText(a.textarea, 'first doc');
    const watcher = await mount(first, user('Bob', '#1d4ed8'));
    await waitUntil(() => watcher.editor.peers.length === 1 && watcher.textarea.value === 'first doc');

    a.editor.documentId = second;
    await waitUntil(() => isSynced(a.editor) && a.editor.text === '', 'second document open');
    expect(a.textarea.value).to.equal('');
    await waitUntil(() => watcher.editor.peers.length === 0, 'Ada left the first document');

    const changed = oneEvent<CollabStatusChangeEvent>(a.editor, 'collab-status-change');
    a.provider.remove();
    expect((await changed).state).to.equal('idle');
  });
});
