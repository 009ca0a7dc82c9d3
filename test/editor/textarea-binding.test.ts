import { expect } from '@open-wc/testing';
import * as Y from 'yjs';
import { TextareaBinding, diffText, mapIndex } from '../../src/elements/collaborative-editor/textarea-binding.js';
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
  const binding = new TextareaBinding(textarea, text);
  bindings.push(binding);
  return binding;
}

function input(value: string, caret = value.length, isComposing = false): void {
  textarea.value = value;
  textarea.setSelectionRange(caret, caret);
  textarea.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', isComposing }));
}

describe('diffText', () => {
  it('finds one splice between common prefix and suffix', () => {
    expect(diffText('hello world', 'hello brave world')).to.deep.equal({ index: 6, remove: 0, insert: 'brave ' });
    expect(diffText('hello world', 'hello')).to.deep.equal({ index: 5, remove: 6, insert: '' });
    expect(diffText('abcd', 'axd')).to.deep.equal({ index: 1, remove: 2, insert: 'x' });
    expect(diffText('same', 'same')).to.deep.equal({ index: 4, remove: 0, insert: '' });
  });

  it('uses the caret to place an edit inside a run of equal characters', () => {
    expect(diffText('aa', 'aaa', 1)).to.deep.equal({ index: 0, remove: 0, insert: 'a' });
    expect(diffText('aaa', 'aa', 0)).to.deep.equal({ index: 0, remove: 1, insert: '' });
  });

  it('never splits a surrogate pair', () => {
    const splice = diffText('a😀', 'a😃');
    expect(splice.insert).to.equal('😃');
    expect(splice.remove).to.equal(2);
  });
});

describe('mapIndex', () => {
  it('moves an index past inserts before it and back over deletes before it', () => {
    expect(mapIndex(3, [{ insert: 'abc' }])).to.equal(6);
    expect(mapIndex(3, [{ retain: 5 }, { insert: 'abc' }])).to.equal(3);
    expect(mapIndex(5, [{ retain: 1 }, { delete: 2 }])).to.equal(3);
    expect(mapIndex(2, [{ delete: 4 }])).to.equal(0);
    expect(mapIndex(2, [{ retain: 2 }, { insert: 'x' }], true)).to.equal(3);
    expect(mapIndex(2, [{ retain: 2 }, { insert: 'x' }], false)).to.equal(2);
  });
});

describe('TextareaBinding', () => {
  it('turns each input event into one minimal change of the Y.Text', () => {
    const { localText, remoteText } = pairedDocs();
    bind(localText);
    input('hello');
    input('hello world');
    const deltas: unknown[] = [];
    remoteText.observe((event) => deltas.push(event.delta));
    input('hello brave world', 12);
    expect(remoteText.toString()).to.equal('hello brave world');
    expect(deltas).to.deep.equal([[{ retain: 6 }, { insert: 'brave ' }]]);
    input('hello world', 6);
    expect(deltas[1]).to.deep.equal([{ retain: 6 }, { delete: 6 }]);
  });

  it('shows the text it is bound to and follows remote changes', () => {
    const { localText, remoteText } = pairedDocs();
    remoteText.insert(0, 'already here');
    bind(localText);
    expect(textarea.value).to.equal('already here');
    remoteText.insert(0, '> ');
    expect(textarea.value).to.equal('> already here');
  });

  it('keeps the caret and the selection on the same characters through remote edits', () => {
    const { localText, remoteText } = pairedDocs();
    bind(localText);
    input('one two three');
    textarea.setSelectionRange(4, 7); // "two"
    remoteText.insert(0, 'zero ');
    expect(textarea.value.slice(textarea.selectionStart, textarea.selectionEnd)).to.equal('two');
    remoteText.delete(0, 9); // "zero one "
    expect([textarea.selectionStart, textarea.selectionEnd]).to.deep.equal([0, 3]);
    // Text inserted at a selection edge stays outside it.
    remoteText.insert(3, '!');
    expect(textarea.value.slice(textarea.selectionStart, textarea.selectionEnd)).to.equal('two');
    // Edits after the caret leave it alone.
    textarea.setSelectionRange(1, 1);
    remoteText.insert(textarea.value.length, ' four');
    expect([textarea.selectionStart, textarea.selectionEnd]).to.deep.equal([1, 1]);
  });

  it('C25 (synthetic events): defers remote changes during composition and sends the committed text once', () => {
    const { localText, remoteText } = pairedDocs();
    const binding = bind(localText);
    const remoteInserts: string[] = [];
    remoteText.observe((event) => {
      for (const op of event.delta) if (typeof op.insert === 'string') remoteInserts.push(op.insert);
    });

    textarea.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
    expect(binding.composing).to.equal(true);
    input('にほ', 2, true);
    expect(remoteText.toString(), 'no half-composed text is sent').to.equal('');

    remoteText.insert(0, 'abc');
    expect(textarea.value, 'textarea untouched during composition').to.equal('にほ');
    expect(localText.toString()).to.equal('abc');

    input('日本語', 3, true);
    textarea.dispatchEvent(new CompositionEvent('compositionend', { data: '日本語' }));
    expect(binding.composing).to.equal(false);
    expect(localText.toString()).to.equal('abc日本語');
    expect(remoteText.toString()).to.equal('abc日本語');
    expect(textarea.value).to.equal('abc日本語');
    expect(textarea.selectionStart).to.equal(6);
    expect(remoteInserts.filter((text) => text.includes('日本語'))).to.have.length(1);
    expect(remoteInserts.some((text) => text.includes('にほ'))).to.equal(false);
  });

  it('applies a composition that replaced a selection after remote edits elsewhere', () => {
    const { localText, remoteText } = pairedDocs();
    bind(localText);
    input('say hi now');
    textarea.setSelectionRange(4, 6); // "hi"
    textarea.dispatchEvent(new CompositionEvent('compositionstart', { data: '' }));
    remoteText.insert(10, '!');
    remoteText.insert(0, '> ');
    input('say やあ now', 6, true);
    textarea.dispatchEvent(new CompositionEvent('compositionend', { data: 'やあ' }));
    expect(localText.toString()).to.equal('> say やあ now!');
    expect(textarea.value).to.equal('> say やあ now!');
    expect(textarea.selectionStart).to.equal(8);
  });

  it('stops following both sides once destroyed', () => {
    const { localText, remoteText } = pairedDocs();
    const binding = bind(localText);
    input('kept');
    binding.destroy();
    remoteText.insert(0, 'x');
    expect(textarea.value).to.equal('kept');
    input('changed');
    expect(localText.toString()).to.equal('xkept');
  });
});
