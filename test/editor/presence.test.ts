import { expect, nextFrame, waitUntil } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/define/collaborative-editor.js';
import type { CollaborativeEditor } from '../../src/elements/collaborative-editor/collaborative-editor.js';
import type { CollabPeersChangeEvent } from '../../src/events/collab-events.js';
import type { RealtimeUser } from '../../src/context/keys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { documentIdFor, isSynced, mountEditor, person, typeText } from './support.js';

// Presence through awareness, on the real reference server: remote carets and selections drawn
// over the text area, avatars, the `user` override, collab-peers-change, and people leaving and
// coming back across a server restart.

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server.dispose();
});

const newDocId = () => documentIdFor('presence');
const mount = (documentId: string, who: RealtimeUser) => mountEditor(`${server.wsUrl}/collab`, documentId, who);

/** Selects like a user does; `select` is what the editor listens for (as well as selectionchange). */
function select(textarea: HTMLTextAreaElement, start: number, end: number, direction: 'forward' | 'backward' = 'forward'): void {
  textarea.setSelectionRange(start, end, direction);
  textarea.dispatchEvent(new Event('select'));
}

const shadow = (editor: CollaborativeEditor) => editor.shadowRoot!;

type Mounted = Awaited<ReturnType<typeof mount>>;
const mirrorOf = (mounted: Mounted) => shadow(mounted.editor).querySelector('[part="carets"]')!.firstElementChild as HTMLElement;
/** Width the text area gives its text: inside the padding, less the scrollbar. */
/** Ada and Bob on a new document of 60 lines, Ada's selection on "line 50" shown to Bob. */
async function adaSelectsLine50(line: (index: number) => string) {
  const id = newDocId();
  const ada = await mount(id, person('Ada', '#b91c1c'));
  const bob = await mount(id, person('Bob', '#1d4ed8'));
  await waitUntil(() => isSynced(ada.editor) && isSynced(bob.editor));
  const lines = Array.from({ length: 60 }, (_, i) => line(i)).join('\n');
  typeText(ada.textarea, lines);
  await waitUntil(() => bob.textarea.value === lines);
  const at = lines.indexOf('line 50');
  select(ada.textarea, at, at + 'line 50'.length);
  await waitUntil(() => selectionText(bob.editor) === 'line 50', "Ada's selection shows");
  return { bob, lines };
}

function textWidth({ textarea }: Mounted): number {
  const style = getComputedStyle(textarea);
  return textarea.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
}
const mirrorTextWidth = (mounted: Mounted) => mirrorOf(mounted).getBoundingClientRect().width;

/** The selected line is drawn where the text area shows line `line` (one text line per line). */
function expectLineShown({ editor, textarea }: Mounted, line: number): void {
  const mark = shadow(editor).querySelector('[part="selection"]')!.getBoundingClientRect();
  const area = getComputedStyle(textarea);
  const lineHeight = parseFloat(area.lineHeight);
  const paddingTop = parseFloat(area.paddingTop) + parseFloat(area.borderTopWidth);
  const expectedTop = textarea.getBoundingClientRect().top + paddingTop + line * lineHeight - textarea.scrollTop;
  expect(Math.abs(mark.top + mark.height / 2 - (expectedTop + lineHeight / 2))).to.be.below(lineHeight / 2);
}

/** Scrolls the text area so the selection is in view, then lets the scroll event run. */
function scrollToMark({ editor, textarea }: Mounted): void {
  const mark = shadow(editor).querySelector('[part="selection"]')!.getBoundingClientRect();
  const mirror = shadow(editor).querySelector('[part="carets"]')!.getBoundingClientRect();
  textarea.scrollTop += mark.top - mirror.top - 20;
  textarea.dispatchEvent(new Event('scroll'));
}

/**
 * The selection starts where the text area puts character `at`: a collapsed selection in the text
 * area scrolled there is measured through a twin text area laid out the same way.
 */
function expectMarkOnText({ editor, textarea }: Mounted, text: string, at: number): void {
  const mark = shadow(editor).querySelector('[part="selection"]')!.getBoundingClientRect();
  // Text lines before `at` in the text area: a twin with the text up to `at` reports its height.
  const twin = textarea.cloneNode() as HTMLTextAreaElement;
  twin.style.cssText = `position:absolute;visibility:hidden;inline-size:${textarea.getBoundingClientRect().width}px;block-size:0;min-block-size:0`;
  textarea.after(twin);
  twin.value = `${text.slice(0, at)}x`;
  const area = getComputedStyle(textarea);
  const lineHeight = parseFloat(area.lineHeight);
  const paddingBlock = parseFloat(area.paddingTop) + parseFloat(area.paddingBottom);
  const linesBefore = Math.round((twin.scrollHeight - paddingBlock) / lineHeight) - 1;
  twin.remove();
  const expectedTop = textarea.getBoundingClientRect().top + parseFloat(area.borderTopWidth) + parseFloat(area.paddingTop) + linesBefore * lineHeight - textarea.scrollTop;
  expect(Math.abs(mark.top + mark.height / 2 - (expectedTop + lineHeight / 2)), 'selection on its text line').to.be.below(lineHeight / 2);
}
const caretOf = (editor: CollaborativeEditor, name: string) =>
  [...shadow(editor).querySelectorAll('[part="caret"]')].find((caret) => caret.textContent === name) as HTMLElement | undefined;
const selectionText = (editor: CollaborativeEditor) =>
  [...shadow(editor).querySelectorAll('[part="selection"]')].map((mark) => mark.textContent).join('|');

describe('<collaborative-editor> presence', () => {
  it("draws another person's selection and caret over the text area, in their colour and with their name", async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    const bob = await mount(id, person('Bob', '#1d4ed8'));
    await waitUntil(() => isSynced(ada.editor) && isSynced(bob.editor), 'both synced');
    typeText(ada.textarea, 'hello world');
    await waitUntil(() => bob.textarea.value === 'hello world', 'text reaches Bob');

    select(ada.textarea, 6, 11);
    await waitUntil(() => selectionText(bob.editor) === 'world' && caretOf(bob.editor, 'Ada'), "Ada's selection shows for Bob");
    const carets = shadow(bob.editor).querySelector('[part="carets"]') as HTMLElement;
    expect(carets.getAttribute('aria-hidden')).to.equal('true');
    const caret = caretOf(bob.editor, 'Ada')!;
    expect(getComputedStyle(caret).borderInlineStartColor).to.equal('rgb(185, 28, 28)');
    // The caret sits where the selection ends (a forward selection: after "world").
    const mark = shadow(bob.editor).querySelector('[part="selection"]')!;
    expect(Math.abs(caret.getBoundingClientRect().left - mark.getBoundingClientRect().right)).to.be.below(3);
    expect(getComputedStyle(mark).backgroundColor).to.match(/^(rgba|color)\(/);

    // A remote insert before the selection: it stays on "world".
    typeText(bob.textarea, '>> hello world', 3);
    await waitUntil(() => ada.textarea.value === '>> hello world', 'Bob edits');
    await waitUntil(() => selectionText(bob.editor) === 'world', 'the selection keeps its characters');
    // A delete inside it shrinks it; the caret moves with its character.
    typeText(bob.textarea, '>> hello wod', 11); // "rl" deleted
    await waitUntil(() => selectionText(bob.editor) === 'wod', 'the selection shrinks with the delete');

    // A backward selection puts the caret at its start.
    select(ada.textarea, 3, 8, 'backward');
    await waitUntil(() => selectionText(bob.editor) === 'hello', 'the new selection shows');
    const moved = caretOf(bob.editor, 'Ada')!;
    const hello = shadow(bob.editor).querySelector('[part="selection"]')!;
    expect(Math.abs(moved.getBoundingClientRect().left - hello.getBoundingClientRect().left)).to.be.below(3);
  });

  it('lays the mirror out like the text area and keeps it scrolled with it', async () => {
    const { bob } = await adaSelectsLine50((i) => `line ${i}`);

    const carets = shadow(bob.editor).querySelector('[part="carets"]') as HTMLElement;
    const area = getComputedStyle(bob.textarea);
    const mirror = getComputedStyle(carets);
    for (const key of ['fontFamily', 'fontSize', 'lineHeight', 'paddingTop', 'paddingLeft', 'borderTopWidth', 'whiteSpace'] as const) {
      expect(mirror[key], key).to.equal(area[key]);
    }
    expect(carets.getBoundingClientRect().width).to.equal(bob.textarea.getBoundingClientRect().width);
    expect(carets.getBoundingClientRect().height).to.equal(bob.textarea.getBoundingClientRect().height);

    bob.textarea.scrollTop = 400;
    bob.textarea.dispatchEvent(new Event('scroll'));
    expect(bob.textarea.scrollTop).to.be.above(0);
    expectLineShown(bob, 50);
  });

  it('keeps the carets on their text when the text area scrolls while text arrives', async () => {
    const { bob, lines } = await adaSelectsLine50((i) => `line ${i}`);

    // Bob types at the end and his text area follows the caret down, in the same task: the
    // scroll lands before the mirror has the new lines.
    const longer = `${lines}${Array.from({ length: 40 }, (_, i) => `\nmore ${i}`).join('')}`;
    typeText(bob.textarea, longer);
    bob.textarea.scrollTop = bob.textarea.scrollHeight;
    await waitUntil(() => bob.textarea.scrollTop > 0 && selectionText(bob.editor) === 'line 50');
    await nextFrame();
    await nextFrame();
    expectLineShown(bob, 50);
  });

  it('follows a resize and a font change of the text area', async () => {
    // Long lines that wrap differently at every width.
    const { bob, lines } = await adaSelectsLine50((i) => `line ${i} ${'wrapping words '.repeat(i % 7)}`);
    const at = lines.indexOf('line 50');
    await nextFrame();
    expect(mirrorTextWidth(bob)).to.equal(textWidth(bob));

    // A scrollbar that takes room comes (headless Chromium's for overflowing text areas take none).
    const scrollbar = new CSSStyleSheet();
    scrollbar.replaceSync('textarea { overflow-y: scroll; scrollbar-gutter: stable; }');
    shadow(bob.editor).adoptedStyleSheets = [...shadow(bob.editor).adoptedStyleSheets, scrollbar];
    expect(bob.textarea.offsetWidth - bob.textarea.clientWidth, 'a scrollbar').to.be.above(2);
    await nextFrame();
    await nextFrame();
    expect(mirrorTextWidth(bob), 'with the scrollbar').to.equal(textWidth(bob));
    scrollToMark(bob);
    expectMarkOnText(bob, lines, at);

    bob.editor.style.inlineSize = '260px';
    await nextFrame();
    await nextFrame();
    expect(mirrorTextWidth(bob), 'narrower').to.equal(textWidth(bob));
    scrollToMark(bob);
    expectMarkOnText(bob, lines, at);

    bob.editor.style.setProperty('--rt-editor-font', '22px monospace');
    await nextFrame();
    await nextFrame();
    expect(mirrorTextWidth(bob), 'another font').to.equal(textWidth(bob));
    scrollToMark(bob);
    expectMarkOnText(bob, lines, at);
  });

  it('draws remote keystrokes without measuring the text area', async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    const bob = await mount(id, person('Bob', '#1d4ed8'));
    await waitUntil(() => isSynced(ada.editor) && isSynced(bob.editor));
    typeText(ada.textarea, 'typed');
    await waitUntil(() => caretOf(bob.editor, 'Ada') !== undefined, "Ada's caret shows");
    await nextFrame();
    const reads = [
      sinon.spy(window, 'getComputedStyle'),
      sinon.spy(HTMLElement.prototype, 'offsetWidth', ['get']).get,
      sinon.spy(Element.prototype, 'clientWidth', ['get']).get,
    ];
    try {
      let text = 'typed';
      for (const letter of 'abcdefghij') {
        text += letter;
        typeText(ada.textarea, text);
        await waitUntil(() => bob.textarea.value === text && shadow(bob.editor).querySelector('[part="carets"]')!.textContent === `${text}Ada\u200b`);
        await bob.editor.updateComplete;
      }
      await nextFrame();
      expect(reads.map((read) => read.callCount)).to.deep.equal([0, 0, 0]);
    } finally {
      sinon.restore();
    }
  });

  it("the editor's user property overrides the provider's user, and a change is shared without reopening", async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    ada.editor.user = { id: 'u-amy', name: 'Amy Pond', color: '#15803d' };
    await ada.editor.updateComplete;
    const bob = await mount(id, person('Bob', '#1d4ed8'));
    await waitUntil(() => bob.editor.peers.some((peer) => peer.name === 'Amy Pond'), 'Bob sees the override');
    expect(bob.editor.peers.map((peer) => [peer.id, peer.color])).to.deep.equal([['u-amy', '#15803d']]);
    await bob.editor.updateComplete;
    expect(shadow(bob.editor).querySelector('[part="avatar"]')!.textContent).to.equal('AP');

    const before = bob.editor.peers[0]!.clientId;
    ada.editor.user = { id: 'u-amy', name: 'Amy', color: '#7e22ce' };
    await waitUntil(() => bob.editor.peers[0]?.name === 'Amy', 'the new name is shared');
    expect(bob.editor.peers[0]!.clientId, 'same session').to.equal(before);

    // Back to the provider's user.
    ada.editor.user = null;
    await waitUntil(() => bob.editor.peers[0]?.name === 'Ada', "the provider's user again");
  });

  it('fires collab-peers-change when someone joins or leaves, at most once per frame, and not for caret moves', async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    await waitUntil(() => isSynced(ada.editor));
    const events: CollabPeersChangeEvent[] = [];
    ada.editor.addEventListener('collab-peers-change', (event) => events.push(event));

    const bob = await mount(id, person('Bob', '#1d4ed8'));
    await waitUntil(() => events.length > 0, 'an event for Bob joining');
    expect(events.at(-1)!.peers.map((peer) => peer.name)).to.deep.equal(['Bob']);
    expect(events.at(-1)!.documentId).to.equal(id);
    expect(events.at(-1)!.bubbles).to.equal(true);

    await waitUntil(() => isSynced(bob.editor));
    typeText(bob.textarea, 'some text here');
    await waitUntil(() => ada.editor.text === 'some text here');
    const count = events.length;
    for (let i = 0; i < 5; i += 1) select(bob.textarea, i, i + 2);
    await waitUntil(() => selectionText(ada.editor) === 'some text here'.slice(4, 6), "Bob's last selection reaches Ada");
    expect(events.length, 'caret moves fire nothing').to.equal(count);

    bob.provider.remove();
    await waitUntil(() => events.at(-1)!.peers.length === 0, 'an event for Bob leaving');
    expect(ada.editor.peers).to.deep.equal([]);
    expect(shadow(ada.editor).querySelector('[part="caret"]'), "Bob's caret is gone").to.equal(null);
  });

  it('people disappear when their connection closes and come back within a second of the reconnect', async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    const bob = await mount(id, person('Bob', '#1d4ed8'));
    await waitUntil(() => ada.editor.peers.length === 1 && bob.editor.peers.length === 1, 'both see each other');

    await server.stop();
    await waitUntil(() => ada.editor.state === 'offline' && bob.editor.state === 'offline', 'both offline');
    await waitUntil(() => ada.editor.peers.length === 0 && bob.editor.peers.length === 0, 'nobody is shown while offline');

    await server.restart();
    const restarted = performance.now();
    await waitUntil(() => ada.editor.state !== 'offline' && bob.editor.state !== 'offline', 'both reconnect', { timeout: 10000, interval: 5 });
    const reconnected = performance.now();
    await waitUntil(() => ada.editor.peers.length === 1 && bob.editor.peers.length === 1, 'presence is back', {
      timeout: 5000,
      interval: 5,
    });
    const back = performance.now();
    expect(back - reconnected, `presence ${Math.round(back - reconnected)} ms after the reconnect (${Math.round(back - restarted)} ms after the restart)`).to.be.below(1000);
  });

  it('passes an accessibility check with carets and avatars shown', async () => {
    const id = newDocId();
    const ada = await mount(id, person('Ada', '#b91c1c'));
    const bob = await mount(id, person('Bob', '#fde047'));
    await waitUntil(() => isSynced(ada.editor) && isSynced(bob.editor));
    typeText(bob.textarea, 'accessible text');
    await waitUntil(() => ada.editor.text === 'accessible text');
    select(bob.textarea, 0, 10);
    await waitUntil(() => selectionText(ada.editor) === 'accessible', "Bob's selection shows");
    await ada.editor.updateComplete;
    await expect(ada.editor).to.be.accessible();
    // Dark initials on a light colour.
    expect(getComputedStyle(shadow(ada.editor).querySelector('[part="avatar"]')!).color).to.equal('rgb(0, 0, 0)');
    const list = shadow(ada.editor).querySelector('[part="peers"]')!;
    expect(list.getAttribute('aria-label')).to.equal('Also editing');
  });
});
