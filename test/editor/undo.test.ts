import { expect } from '@open-wc/testing';
import * as Y from 'yjs';
import { TextareaBinding, changeEnd, undoCommand } from '../../src/elements/collaborative-editor/textarea-binding.js';
import { pairedDocs } from './support.js';


let textarea: HTMLTextAreaElement;
const bindings: TextareaBinding[] = [];

beforeEach(() => {
  textarea = document.createElement('textarea');
  document.body.append(textarea);
});

afterEach(() => {
  for (const binding of bindings.splice(0)) binding.destroy();
  textarea.remove();
});

function bind(text: Y.Text): TextareaBinding {
  // A long capture window: the steps of one test are one undo step however slow the machine is.
  const binding = new TextareaBinding(textarea, text, { captureTimeout: 60_000 });
  bindings.push(binding);
  return binding;
}

function input(value: string, caret = value.length): void {
  textarea.value = value;
  textarea.setSelectionRange(caret, caret);
  textarea.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
}

/** Dispatches a keydown like the browser does; returns whether the default action was prevented. */
function key(init: KeyboardEventInit): boolean {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  textarea.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('undoCommand', () => {
  it('maps Ctrl/Cmd+Z to undo and Ctrl/Cmd+Shift+Z and Ctrl+Y to redo', () => {
    const base = { ctrlKey: false, metaKey: false, shiftKey: false, altKey: false };
    expect(undoCommand({ ...base, key: 'z', ctrlKey: true })).to.equal('undo');
    expect(undoCommand({ ...base, key: 'z', metaKey: true })).to.equal('undo');
    expect(undoCommand({ ...base, key: 'Z', ctrlKey: true, shiftKey: true })).to.equal('redo');
    expect(undoCommand({ ...base, key: 'Z', metaKey: true, shiftKey: true })).to.equal('redo');
    expect(undoCommand({ ...base, key: 'y', ctrlKey: true })).to.equal('redo');
    expect(undoCommand({ ...base, key: 'z' })).to.equal(null);
    expect(undoCommand({ ...base, key: 'z', ctrlKey: true, altKey: true })).to.equal(null);
    expect(undoCommand({ ...base, key: 'a', ctrlKey: true })).to.equal(null);
  });

  it('finds where a change ends in the new text', () => {
    expect(changeEnd([{ retain: 3 }, { insert: 'abc' }])).to.equal(6);
    expect(changeEnd([{ retain: 3 }, { delete: 2 }])).to.equal(3);
    expect(changeEnd([{ retain: 3 }])).to.equal(undefined);
  });
});

describe('TextareaBinding undo and redo', () => {
  it("undoes only the local user's typing, never a remote insert, and redo brings it back", () => {
    const { localText, remoteText } = pairedDocs();
    const binding = bind(localText);
    input('a');
    input('ab');
    input('abc');
    remoteText.insert(0, 'XYZ');
    expect(textarea.value).to.equal('XYZabc');
    expect(binding.canUndo).to.equal(true);

    expect(key({ key: 'z', ctrlKey: true }), 'native undo prevented').to.equal(true);
    expect(localText.toString()).to.equal('XYZ');
    expect(remoteText.toString()).to.equal('XYZ');
    expect(textarea.value).to.equal('XYZ');
    expect([textarea.selectionStart, textarea.selectionEnd]).to.deep.equal([3, 3]);
    expect(binding.canUndo, 'the remote insert is not in our history').to.equal(false);
    // Nothing left to undo: the remote text stays.
    expect(key({ key: 'z', ctrlKey: true })).to.equal(true);
    expect(remoteText.toString()).to.equal('XYZ');

    expect(key({ key: 'Z', ctrlKey: true, shiftKey: true }), 'native redo prevented').to.equal(true);
    expect(remoteText.toString()).to.equal('XYZabc');
    expect(textarea.value).to.equal('XYZabc');
    expect([textarea.selectionStart, textarea.selectionEnd]).to.deep.equal([6, 6]);

    key({ key: 'z', metaKey: true });
    expect(remoteText.toString()).to.equal('XYZ');
    key({ key: 'y', ctrlKey: true });
    expect(remoteText.toString()).to.equal('XYZabc');
  });

  it('keeps a remote insert made inside the local typing when that typing is undone', () => {
    const { localText, remoteText } = pairedDocs();
    bind(localText);
    input('abcd');
    remoteText.insert(2, '-');
    expect(textarea.value).to.equal('ab-cd');
    expect(key({ key: 'z', ctrlKey: true })).to.equal(true);
    expect(remoteText.toString()).to.equal('-');
    expect(textarea.value).to.equal('-');
    key({ key: 'y', ctrlKey: true });
    expect(remoteText.toString()).to.equal('ab-cd');
  });

  it('undoes a local delete between remote edits, restoring the deleted text in place', () => {
    const { localText, remoteText } = pairedDocs();
    remoteText.insert(0, 'one two three');
    const binding = bind(localText);
    input('one three', 4); // deletes "two "
    binding.undo();
    expect(remoteText.toString()).to.equal('one two three');
    binding.redo();
    expect(remoteText.toString()).to.equal('one three');
    remoteText.insert(0, '> ');
    remoteText.insert(remoteText.length, '!');
    expect(key({ key: 'z', ctrlKey: true })).to.equal(true);
    expect(remoteText.toString()).to.equal('> one two three!');
    expect(textarea.value).to.equal('> one two three!');
    // The caret lands after the restored "two ".
    expect([textarea.selectionStart, textarea.selectionEnd]).to.deep.equal([10, 10]);
  });

  it('sends unsent typing before undoing it, and leaves other keys and read-only text areas alone', () => {
    const { localText, remoteText } = pairedDocs();
    const binding = bind(localText);
    input('kept');
    binding.undo();
    expect(remoteText.toString()).to.equal('');
    // The value changed but its input event has not run yet.
    textarea.value = 'late';
    expect(key({ key: 'z', ctrlKey: true })).to.equal(true);
    expect(remoteText.toString()).to.equal('');
    expect(textarea.value).to.equal('');

    expect(key({ key: 'a', ctrlKey: true }), 'select-all untouched').to.equal(false);
    input('x');
    textarea.readOnly = true;
    key({ key: 'z', ctrlKey: true });
    expect(remoteText.toString()).to.equal('x');
  });
});
