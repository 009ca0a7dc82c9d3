import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { TextareaBinding } from '../../src/elements/collaborative-editor/textarea-binding.js';
import { pairedDocs } from './support.js';

// A real input method, driven through Chromium's DevTools protocol (test/support/cdp-plugin.mjs):
// the composition goes through the browser's own input pipeline (compositionstart/update/end and
// composing input events, as a Japanese IME produces them), not through hand-made DOM events.

/** Sends one DevTools protocol command to this test's page. */
function cdp(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  return executeServerCommand('cdp', { method, params });
}


let textarea: HTMLTextAreaElement;
let binding: TextareaBinding | undefined;

before(async () => {
  // A test tab running beside another file is in the background: without focus emulation it never
  // gets focus, and input-method commands go nowhere.
  await cdp('Emulation.setFocusEmulationEnabled', { enabled: true });
});

beforeEach(() => {
  textarea = document.createElement('textarea');
  document.body.append(textarea);
});

afterEach(() => {
  binding?.destroy();
  binding = undefined;
  textarea.remove();
});

describe('TextareaBinding with a real input method', () => {
  it('C25: a remote insert during a real IME composition neither rewrites the textarea nor breaks the composition; the committed word arrives once', async () => {
    const { localText, remoteText } = pairedDocs();
    binding = new TextareaBinding(textarea, localText);
    const remoteInserts: string[] = [];
    remoteText.observe((event) => {
      for (const op of event.delta) if (typeof op.insert === 'string') remoteInserts.push(op.insert);
    });
    const compositionEvents: string[] = [];
    const onComposition = (event: CompositionEvent) => compositionEvents.push(event.type);
    for (const type of ['compositionstart', 'compositionend'] as const) textarea.addEventListener(type, onComposition);

    textarea.focus();
    await waitUntil(() => document.activeElement === textarea, 'the textarea has focus');

    await cdp('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
    await waitUntil(() => textarea.value === 'にほ', 'the composition shows in the textarea');
    expect(compositionEvents).to.deep.equal(['compositionstart']);
    expect(binding.composing).to.equal(true);
    expect(localText.toString(), 'nothing half-composed reaches the Y.Text').to.equal('');

    // A peer types while the composition is open.
    remoteText.insert(0, 'abc');
    expect(localText.toString()).to.equal('abc');
    expect(textarea.value, 'the textarea is not rewritten during the composition').to.equal('にほ');

    // The composition goes on undisturbed, then is committed.
    await cdp('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
    await waitUntil(() => textarea.value === 'にほん', 'the composition continues');
    expect(localText.toString()).to.equal('abc');
    await cdp('Input.insertText', { text: '日本' });
    await waitUntil(() => binding?.composing === false, 'the composition ends');
    expect(compositionEvents).to.deep.equal(['compositionstart', 'compositionend']);

    expect(localText.toString()).to.equal('abc日本');
    expect(remoteText.toString()).to.equal('abc日本');
    expect(textarea.value).to.equal('abc日本');
    expect([textarea.selectionStart, textarea.selectionEnd], 'caret after the committed word').to.deep.equal([5, 5]);
    expect(remoteInserts.filter((text) => text.includes('日本')), 'committed word sent once').to.have.length(1);
    expect(remoteInserts.some((text) => /[にほん]/.test(text)), 'no half-composed text sent').to.equal(false);

    for (const type of ['compositionstart', 'compositionend'] as const) textarea.removeEventListener(type, onComposition);
  });
});

describe('TextareaBinding with real keystrokes', () => {
  /** A real key press with Ctrl (modifier 2) or Ctrl+Shift (2 | 8), through Chromium's input pipeline. */
  async function pressCtrl(key: 'z' | 'y', shift = false): Promise<void> {
    const base = {
      modifiers: shift ? 10 : 2,
      key: shift ? key.toUpperCase() : key,
      code: `Key${key.toUpperCase()}`,
      windowsVirtualKeyCode: key.toUpperCase().charCodeAt(0),
    };
    await cdp('Input.dispatchKeyEvent', { type: 'rawKeyDown', ...base });
    await cdp('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
  }

  it('typed text is undone by a real Ctrl+Z and redone by Ctrl+Shift+Z and Ctrl+Y, a remote insert staying', async () => {
    const { localText, remoteText } = pairedDocs();
    binding = new TextareaBinding(textarea, localText, { captureTimeout: 60_000 });
    const keydowns: boolean[] = [];
    const onKeyDown = (event: KeyboardEvent) => {
      // Read after the binding's own listener ran (it was added first).
      if (event.ctrlKey) keydowns.push(event.defaultPrevented);
    };
    textarea.addEventListener('keydown', onKeyDown);
    textarea.focus();
    await waitUntil(() => document.activeElement === textarea, 'the textarea has focus');

    for (const character of 'abc') await cdp('Input.insertText', { text: character });
    await waitUntil(() => localText.toString() === 'abc', 'real typing reaches the Y.Text');
    remoteText.insert(0, 'XYZ');
    expect(textarea.value).to.equal('XYZabc');

    await pressCtrl('z');
    await waitUntil(() => remoteText.toString() === 'XYZ', 'Ctrl+Z undid the local typing');
    expect(textarea.value).to.equal('XYZ');
    expect(keydowns, 'the native undo was prevented').to.deep.equal([true]);

    await pressCtrl('z', true);
    await waitUntil(() => remoteText.toString() === 'XYZabc', 'Ctrl+Shift+Z redid it');
    expect(textarea.value).to.equal('XYZabc');
    expect([textarea.selectionStart, textarea.selectionEnd]).to.deep.equal([6, 6]);

    await pressCtrl('z');
    await waitUntil(() => remoteText.toString() === 'XYZ', 'undone again');
    await pressCtrl('y');
    await waitUntil(() => remoteText.toString() === 'XYZabc', 'Ctrl+Y redid it');
    expect(textarea.value).to.equal('XYZabc');
    textarea.removeEventListener('keydown', onKeyDown);
  });
});
