import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { CURSOR_FIELD, decodeCursor, encodeCursor, readPeerCursors } from '../../src/services/collab-cursors.js';
import { initials, readableTextOn } from '../../src/elements/collaborative-editor/remote-carets.js';
import {
  collabEditorStringsFor,
  collabStatusText,
} from '../../src/elements/collaborative-editor/collaborative-editor.strings.js';

describe('editor presence helpers', () => {
  test('a shared cursor stays on its characters through edits before it, and garbage resolves to nothing', () => {
    const doc = new Y.Doc();
    const text = doc.getText('content');
    text.insert(0, 'hello world');
    const shared = JSON.parse(JSON.stringify(encodeCursor(text, { anchor: 6, head: 11 }))) as unknown;
    text.insert(0, '>> ');
    text.delete(9, 2); // "wo" of "world"
    assert.deepEqual(decodeCursor(shared, text), { anchor: 9, head: 12 });
    for (const garbage of [null, 3, 'x', {}, { anchor: { item: 'x' }, head: {} }, { anchor: { type: { client: 1 } }, head: null }]) {
      assert.equal(decodeCursor(garbage, text), null, JSON.stringify(garbage));
    }
    // A position in a type this doc does not have is not a caret in the text.
    const other = new Y.Doc();
    other.getText('other').insert(0, 'abc');
    const foreign = encodeCursor(other.getText('other'), { anchor: 1, head: 1 });
    assert.equal(decodeCursor(JSON.parse(JSON.stringify(foreign)), text), null);
    doc.destroy();
    other.destroy();
  });

  test('readPeerCursors lists only other people who share a cursor', () => {
    const doc = new Y.Doc();
    const text = doc.getText('content');
    text.insert(0, 'abc');
    const awareness = new Awareness(doc);
    const remoteDoc = new Y.Doc();
    const remote = new Awareness(remoteDoc);
    remote.setLocalState({ user: { id: 'u-b', name: 'Bob', color: '#123456' }, [CURSOR_FIELD]: encodeCursor(text, { anchor: 1, head: 2 }) });
    awareness.states.set(remoteDoc.clientID, remote.getLocalState()!);
    awareness.setLocalStateField(CURSOR_FIELD, encodeCursor(text, { anchor: 0, head: 0 }));
    assert.deepEqual(
      readPeerCursors(awareness, text).map((cursor) => [cursor.name, cursor.anchor, cursor.head]),
      [['Bob', 1, 2]],
    );
    awareness.destroy();
    remote.destroy();
  });

  test('avatars get initials and a readable text colour', () => {
    assert.equal(initials('Ada Lovelace'), 'AL');
    assert.equal(initials('  bob  '), 'B');
    assert.equal(initials('Jean-Luc de la Tour'), 'JT');
    assert.equal(initials('😀 smile'), '😀S');
    assert.equal(initials(''), '');
    assert.equal(readableTextOn('#1d4ed8'), '#fff');
    assert.equal(readableTextOn('#fde047'), '#000');
    assert.equal(readableTextOn('#fff'), '#000');
    assert.equal(readableTextOn('rebeccapurple'), '#fff');
  });

  test('the status says Saved, the unsaved count, or both with the state, in English and French', () => {
    const en = collabEditorStringsFor('en');
    const fr = collabEditorStringsFor('fr');
    assert.equal(collabStatusText(en, 'en', 'saved', 0, true), 'Saved');
    assert.equal(collabStatusText(en, 'en', 'synced', 1, true), '1 change not saved yet');
    assert.equal(collabStatusText(en, 'en', 'synced', 4, true), '4 changes not saved yet');
    // A plain y-websocket peer confirms nothing: "Synced" it is.
    assert.equal(collabStatusText(en, 'en', 'synced', 4, false), 'Synced');
    assert.equal(collabStatusText(en, 'en', 'offline', 2, false), 'Offline · 2 changes not saved yet');
    assert.equal(collabStatusText(en, 'en', 'offline', 0, true), 'Offline');
    assert.equal(collabStatusText(fr, 'fr', 'offline', 1, true), 'Hors ligne · 1 modification pas encore enregistrée');
    assert.equal(collabStatusText(fr, 'fr', 'synced', 3, true), '3 modifications pas encore enregistrées');
    // A tag Intl refuses: English rules, every time (the rules are kept per tag).
    for (let i = 0; i < 2; i += 1) {
      assert.equal(collabStatusText(en, 'not a tag!', 'synced', 1, true), '1 change not saved yet');
      assert.equal(collabStatusText(en, 'not a tag!', 'synced', 2, true), '2 changes not saved yet');
    }
  });
});
