import * as Y from 'yjs';

/** One Y.Text delta op, as `YTextEvent.delta` gives them. */
export interface TextDeltaOp {
  readonly insert?: unknown;
  readonly delete?: number;
  readonly retain?: number;
}

/** A change between two strings: at `index`, remove `remove` characters and insert `insert`. */
export interface TextSplice {
  readonly index: number;
  readonly remove: number;
  readonly insert: string;
}

/**
 * The smallest single splice that turns `before` into `after`: common prefix and suffix are kept
 * (the suffix never overlaps the prefix). `caret` (the selection end after the edit) breaks ties in
 * runs of equal characters, so typing "a" into "aa" lands where the user typed it.
 */
export function diffText(before: string, after: string, caret?: number): TextSplice {
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix += 1;
  // The edit cannot start after the caret: in "aa" → "aaa" with the caret at 1, the insert is at 0.
  if (caret !== undefined) {
    prefix = Math.min(prefix, Math.max(0, caret - Math.max(0, after.length - before.length)));
  }
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix += 1;
  }
  // Never split a surrogate pair: widen the splice to whole code points.
  if (prefix > 0 && isHighSurrogate(after.charCodeAt(prefix - 1))) prefix -= 1;
  if (suffix > 0 && isLowSurrogate(after.charCodeAt(after.length - suffix))) suffix -= 1;
  return {
    index: prefix,
    remove: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Where `index` ends up after `delta` is applied to the text it points into. Text inserted exactly
 * at `index` goes before it when `stickRight` (the index follows its character, as a caret after
 * the insert point does) and after it otherwise.
 */
export function mapIndex(index: number, delta: readonly TextDeltaOp[], stickRight = false): number {
  let position = 0; // position in the old text
  let shift = 0;
  for (const op of delta) {
    if (position > index) break;
    if (op.retain !== undefined) {
      position += op.retain;
    } else if (op.delete !== undefined) {
      if (position < index) shift -= Math.min(op.delete, index - position);
      position += op.delete;
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1;
      if (position < index || (position === index && stickRight)) shift += length;
    }
  }
  return Math.max(0, index + shift);
}

/**
 * The index in the new text just after the last change `delta` made (after its last insert, or
 * where its last delete was): where a caret goes after an undo or redo.
 */
export function changeEnd(delta: readonly TextDeltaOp[]): number | undefined {
  let position = 0; // position in the new text
  let end: number | undefined;
  for (const op of delta) {
    if (op.retain !== undefined) {
      position += op.retain;
    } else if (op.delete !== undefined) {
      end = position;
    } else if (op.insert !== undefined) {
      position += typeof op.insert === 'string' ? op.insert.length : 1;
      end = position;
    }
  }
  return end;
}

/** What a keydown asks of the undo history: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z and Ctrl+Y redo. */
export function undoCommand(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): 'undo' | 'redo' | null {
  if (event.altKey || !(event.ctrlKey || event.metaKey)) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && event.ctrlKey && !event.shiftKey) return 'redo';
  return null;
}

export interface TextareaBindingOptions {
  /** Transaction origin of local edits; remote changes are those with another origin. */
  readonly origin?: unknown;
  /** Called after the textarea was rewritten by a remote change. */
  readonly onRemoteChange?: () => void;
  /** Milliseconds within which consecutive local edits undo as one step (default 500, Yjs's). */
  readonly captureTimeout?: number;
}

/**
 * Two-way binding between a `<textarea>` and a `Y.Text`.
 *
 * Local: each `input` event becomes one minimal splice (a delete and an insert) in one
 * transaction. Remote: the textarea is rewritten and its selection mapped through the delta so the
 * caret stays on the same characters. While an IME composition is active nothing is sent and the
 * textarea is not touched (rewriting it would cancel the composition); remote changes wait and the
 * committed text is sent once on `compositionend` (C25).
 *
 * Undo and redo are per user: a `Y.UndoManager` tracks only this binding's own transactions, so
 * Ctrl/Cmd+Z never takes back what other people typed. The keys are handled on `keydown` with
 * `preventDefault()`, because the browser's own undo history knows nothing of remote edits and
 * would rewrite the whole value.
 */
export class TextareaBinding {
  readonly #textarea: HTMLTextAreaElement;
  readonly #text: Y.Text;
  readonly #origin: unknown;
  readonly #onRemoteChange: (() => void) | undefined;
  /** What the textarea showed after the last sync with the Y.Text. */
  #shadow: string;
  #composing = false;
  /** Remote deltas received during a composition, in order, relative to `#shadow`. */
  #pending: TextDeltaOp[][] = [];
  #destroyed = false;
  readonly #undoManager: Y.UndoManager;

  constructor(textarea: HTMLTextAreaElement, text: Y.Text, options: TextareaBindingOptions = {}) {
    this.#textarea = textarea;
    this.#text = text;
    this.#origin = options.origin ?? this;
    this.#onRemoteChange = options.onRemoteChange;
    this.#shadow = text.toString();
    textarea.value = this.#shadow;
    this.#undoManager = new Y.UndoManager(text, {
      trackedOrigins: new Set([this.#origin]),
      captureTimeout: options.captureTimeout ?? 500,
    });
    textarea.addEventListener('keydown', this.#onKeyDown);
    textarea.addEventListener('input', this.#onInput);
    textarea.addEventListener('compositionstart', this.#onCompositionStart);
    textarea.addEventListener('compositionend', this.#onCompositionEnd);
    text.observe(this.#onTextChange);
  }

  /** True while an IME composition is in progress. */
  get composing(): boolean {
    return this.#composing;
  }

  /**
   * Whether the text area shows exactly the document: no composition under way and no input not yet
   * applied. Cheap (no `Y.Text#toString()`), so it may be asked on every keystroke.
   */
  get inSync(): boolean {
    return !this.#composing && this.#textarea.value === this.#shadow;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#textarea.removeEventListener('keydown', this.#onKeyDown);
    this.#textarea.removeEventListener('input', this.#onInput);
    this.#textarea.removeEventListener('compositionstart', this.#onCompositionStart);
    this.#textarea.removeEventListener('compositionend', this.#onCompositionEnd);
    this.#text.unobserve(this.#onTextChange);
    this.#undoManager.destroy();
    this.#pending = [];
  }

  /** Whether {@link undo} has a local change to take back. */
  get canUndo(): boolean {
    return this.#undoManager.canUndo();
  }

  /** Whether {@link redo} has an undone local change to bring back. */
  get canRedo(): boolean {
    return this.#undoManager.canRedo();
  }

  /**
   * Takes back the last local change (edits within `captureTimeout` count as one), leaving other
   * people's edits alone; the caret goes where the change was. Returns whether anything changed.
   */
  undo(): boolean {
    return this.#history('undo');
  }

  /** Brings back the last undone local change. Returns whether anything changed. */
  redo(): boolean {
    return this.#history('redo');
  }

  #history(command: 'undo' | 'redo'): boolean {
    if (this.#destroyed || this.#composing || this.#textarea.readOnly) return false;
    // Typing not yet sent is part of the history it undoes.
    this.#commitLocal();
    this.#undoManager.stopCapturing();
    const item = command === 'undo' ? this.#undoManager.undo() : this.#undoManager.redo();
    return item !== null;
  }

  readonly #onKeyDown = (event: KeyboardEvent): void => {
    const command = undoCommand(event);
    if (!command || event.isComposing || this.#composing) return;
    // The native history would fight Yjs (it knows nothing of remote edits): always ours.
    event.preventDefault();
    this.#history(command);
  };

  readonly #onInput = (event: Event): void => {
    // Half-composed text is never sent; compositionend sends the committed text.
    if (this.#composing || (event as InputEvent).isComposing) return;
    this.#commitLocal();
  };

  readonly #onCompositionStart = (): void => {
    this.#composing = true;
  };

  readonly #onCompositionEnd = (): void => {
    this.#composing = false;
    if (this.#pending.length === 0) {
      this.#commitLocal();
      return;
    }
    // Remote changes arrived meanwhile: the local splice (against #shadow) is moved through them.
    const value = this.#textarea.value;
    const splice = diffText(this.#shadow, value, this.#textarea.selectionEnd);
    const deltas = this.#pending;
    this.#pending = [];
    const through = (index: number, stickRight: boolean) =>
      deltas.reduce((at, delta) => mapIndex(at, delta, stickRight), index);
    const start = through(splice.index, true);
    const end = Math.max(start, through(splice.index + splice.remove, false));
    this.#text.doc?.transact(() => {
      if (end > start) this.#text.delete(start, end - start);
      if (splice.insert) this.#text.insert(start, splice.insert);
    }, this.#origin);
    // Selection: inside the committed text it keeps its offset; elsewhere it maps like a caret.
    const mapSelection = (at: number, isEnd: boolean): number => {
      if (at < splice.index) return through(at, !isEnd);
      if (at <= splice.index + splice.insert.length) return start + (at - splice.index);
      const old = at - splice.insert.length + splice.remove;
      return through(old, !isEnd) - (end - start) + splice.insert.length;
    };
    this.#rewrite(mapSelection);
  };

  #commitLocal(): void {
    const value = this.#textarea.value;
    if (value === this.#shadow) return;
    const splice = diffText(this.#shadow, value, this.#textarea.selectionEnd);
    this.#shadow = value;
    this.#text.doc?.transact(() => {
      if (splice.remove > 0) this.#text.delete(splice.index, splice.remove);
      if (splice.insert) this.#text.insert(splice.index, splice.insert);
    }, this.#origin);
  }

  readonly #onTextChange = (event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (transaction.origin === this.#origin) return;
    const delta = event.delta as TextDeltaOp[];
    if (transaction.origin === this.#undoManager && !this.#composing && this.#textarea.value === this.#shadow) {
      // Our own undo or redo: the caret goes to the change, as in a native text field.
      const at = changeEnd(delta);
      this.#rewrite((index, isEnd) => at ?? mapIndex(index, delta, !isEnd), at !== undefined);
      return;
    }
    if (this.#composing) {
      this.#pending.push(delta);
      return;
    }
    // Unsent local typing (an input event still to come) would be lost: send it first.
    if (this.#textarea.value !== this.#shadow) {
      this.#pending.push(delta);
      this.#onCompositionEnd();
      return;
    }
    this.#rewrite((at, isEnd) => mapIndex(at, delta, !isEnd));
  };

  /**
   * Shows the Y.Text, with the selection moved by `map` (old textarea index → new). Text inserted
   * at a selection edge stays outside the selection; a caret moves past text inserted at it.
   */
  #rewrite(map: (index: number, isEnd: boolean) => number, collapse = false): void {
    const textarea = this.#textarea;
    const { selectionStart, selectionEnd, selectionDirection } = textarea;
    const collapsed = collapse || selectionStart === selectionEnd;
    const next = this.#text.toString();
    this.#shadow = next;
    if (textarea.value !== next) {
      // Assigning the value moves the caret to the end: put the mapped selection back.
      textarea.value = next;
      const start = map(selectionStart, false);
      const end = collapsed ? start : Math.max(start, map(selectionEnd, true));
      textarea.setSelectionRange(start, end, selectionDirection ?? 'none');
    }
    this.#onRemoteChange?.();
  }
}
