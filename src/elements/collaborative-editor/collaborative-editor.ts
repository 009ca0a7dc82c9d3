import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { collabContext, userContext, type RealtimeUser } from '../../context/keys.js';
import type { CollabPeer, CollabService, CollabSessionLike } from '../../context/collab.js';
import { ContextSubscription } from '../../controllers/context-subscription.js';
import { issueWarning } from '../../controllers/warnings.js';
import { CollabStatusChangeEvent, type CollabEditorState } from '../../events/collab-events.js';
import { readPeers } from '../../services/collab-session.js';
import type { Unsubscribe } from '../../services/types.js';
import { resolveLang } from '../../strings.js';
import { collaborativeEditorStyles } from './collaborative-editor.styles.js';
import { sharedStyles } from '../shared.styles.js';
import { generateUser } from '../realtime-provider/user.js';
import { type CollabEditorStrings, collabEditorStringsFor, collabStatusLabel } from './collaborative-editor.strings.js';
import { TextareaBinding } from './textarea-binding.js';

/**
 * A plain-text editor shared in real time. It opens the document `document-id` through the
 * nearest `<realtime-provider>`'s collaboration service (a Yjs document over y-websocket, text in
 * the shared type `content`), lists the other people in it with their name and colour, and says
 * whether the document is connecting, synced, saved or offline. The text area is editable at once;
 * edits made before the first sync or while offline merge when the connection is back.
 *
 * Remote edits keep the local caret and selection on the same characters. During IME composition
 * the text area is left alone and the composed text is shared once it is committed. Undo and
 * redo (Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl+Y) take back only this user's own edits, never other
 * people's.
 *
 * @tagname collaborative-editor
 * @summary A textarea several people edit at once.
 *
 * @attr {string} document-id - Id of the shared document; changing it opens the other document.
 * @attr {boolean} readonly - The text shows live but cannot be edited.
 * @attr {string} placeholder - Placeholder of the empty text area.
 * @attr {string} label - Accessible name of the text area (default "Shared document").
 * @attr {CollabEditorState} state - Reflected, read-only: `idle` (no provider or no document id), `connecting`, `syncing`, `synced`, `saved`, `offline` or `closed`. Style on it: `collaborative-editor[state='offline']`.
 * @attr {string} lang - Language of the labels; defaults to the page's.
 *
 * @prop {string} text - Read-only: the current text of the document.
 * @prop {Partial<CollabEditorStrings>} strings - Overrides for single strings.
 * @prop {readonly CollabPeer[]} peers - Read-only: the other people in the document.
 *
 * @fires {CollabStatusChangeEvent} collab-status-change - The document's sync state changed (`state`, `previous`, `connected`, `documentId`). Bubbles.
 *
 * @csspart input - The text area.
 * @csspart status - The sync state in words. A visually hidden polite live region announces it (a save confirmed after each keystroke is not re-announced).
 * @csspart peers - The list of other people.
 * @csspart peer - One person: a colour dot and the name.
 *
 * @cssprop [--rt-editor-color=inherit] - Text colour.
 * @cssprop [--rt-editor-muted-color=color-mix(in srgb, currentColor 75%, transparent)] - Colour of the status text.
 * @cssprop [--rt-editor-background=Canvas] - Background of the text area.
 * @cssprop [--rt-editor-readonly-background=transparent] - Background of a read-only text area.
 * @cssprop [--rt-editor-border=1px solid #6b7280] - Border of the text area.
 * @cssprop [--rt-editor-radius=4px] - Corner radius of the text area.
 * @cssprop [--rt-editor-font=inherit] - Font of the text area.
 * @cssprop [--rt-editor-min-block-size=12em] - Minimum height of the text area.
 * @cssprop [--rt-editor-padding-block=0.5em] - Block padding of the text area.
 * @cssprop [--rt-editor-padding-inline=0.75em] - Inline padding of the text area.
 * @cssprop [--rt-editor-focus-ring=2px solid #2563eb] - Outline of the focused text area.
 * @cssprop [--rt-editor-gap=0.375em] - Space between the status bar and the text area.
 */
export class CollaborativeEditor extends LitElement {
  static override styles = [sharedStyles, collaborativeEditorStyles];

  /** Id of the shared document. */
  @property({ attribute: 'document-id' }) documentId = '';

  /** The text shows live but cannot be edited. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  /** Placeholder of the empty text area. */
  @property() placeholder = '';

  /** Accessible name of the text area; defaults to the strings table's `editorLabel`. */
  @property() label = '';

  /** The document's sync state; reflected for styling. Set by the element, not by the page. */
  @property({ reflect: true }) state: CollabEditorState = 'idle';

  /** Overrides for single strings. */
  @property({ attribute: false }) strings: Partial<CollabEditorStrings> = {};

  @state() private _peers: readonly CollabPeer[] = [];

  @query('textarea') private _textarea!: HTMLTextAreaElement | null;

  readonly #collab = new ContextSubscription(this, collabContext, () => this.requestUpdate());
  readonly #user = new ContextSubscription(this, userContext, () => this.requestUpdate());

  /** What the open session was opened for, so a change of any of them reopens. */
  #opened: { service: CollabService; documentId: string } | null = null;
  #session: CollabSessionLike | null = null;
  #binding: TextareaBinding | null = null;
  #unsubscribe: Unsubscribe[] = [];
  #fallbackUser: RealtimeUser | null = null;
  /** Text typed while no document was open (no provider yet): kept when the document opens empty. */
  #typedWhileUnbound = false;
  /** Whether the open document's server confirmed a save (our server does, plain y-websocket does not). */
  #confirmsSaves = false;

  /** The current text of the document (the text area's value while no document is open). */
  get text(): string {
    return this.#session?.text.toString() ?? this._textarea?.value ?? '';
  }

  /** The other people in the document, from awareness. */
  get peers(): readonly CollabPeer[] {
    return this._peers;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reopens after a move to another place (or provider) in the page.
    this.requestUpdate();
    if (!this.#collab.provided) {
      queueMicrotask(() => {
        if (this.isConnected && !this.#collab.provided) {
          issueWarning('no-provider', `<${this.localName}> found no <realtime-provider> ancestor and stays idle.`);
        }
      });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#close();
  }

  protected override render() {
    const strings = collabEditorStringsFor(resolveLang(this), this.strings);
    return html`<div class="bar">
        <span part="status" aria-hidden="true">${collabStatusLabel(strings, this.state)}</span>
        <span class="visually-hidden" role="status">${collabStatusLabel(strings, this.#announcedState())}</span>
        ${this._peers.length > 0
          ? html`<ul part="peers" aria-label=${strings.collaboratorsLabel}>
              ${this._peers.map(
                (peer) =>
                  html`<li part="peer" style=${styleMap({ '--rt-peer-color': peer.color })}>
                    <span class="dot" aria-hidden="true"></span><span class="name">${peer.name || strings.anonymous}</span>
                  </li>`,
              )}
            </ul>`
          : nothing}
      </div>
      <textarea
        part="input"
        aria-label=${this.label || strings.editorLabel}
        placeholder=${this.placeholder || nothing}
        ?readonly=${this.readonly}
        spellcheck="false"
        @input=${this.#onInput}
      ></textarea>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Before render, so the state it sets renders in this same update.
    this.#sync();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The text area exists from the first render on; bind it to the session opened in willUpdate.
    if (this.#session && !this.#binding && this._textarea) this.#bind(this._textarea, this.#session);
  }

  /**
   * What the live region says. Each local edit flips `saved` → `synced` → `saved` within a round
   * trip; announcing that on every keystroke would drown a screen reader, so once the server has
   * confirmed a save both read as "Saved" (the visible status still shows the exact state).
   */
  #announcedState(): CollabEditorState {
    if (this.state === 'saved') this.#confirmsSaves = true;
    return this.state === 'synced' && this.#confirmsSaves ? 'saved' : this.state;
  }

  #onInput(): void {
    if (!this.#binding) this.#typedWhileUnbound = true;
  }

  /** Binds the text area to the open session's text. */
  #bind(textarea: HTMLTextAreaElement, session: CollabSessionLike): void {
    // Typing before the provider answered is not thrown away when the document starts empty.
    if (this.#typedWhileUnbound && textarea.value && session.text.length === 0) {
      session.text.insert(0, textarea.value);
    }
    this.#typedWhileUnbound = false;
    this.#binding = new TextareaBinding(textarea, session.text);
  }

  /** Opens, reopens or closes the session to match the provider's service and `document-id`. */
  #sync(): void {
    const service = this.isConnected ? this.#collab.value : undefined;
    const documentId = this.documentId;
    const wanted = service && documentId ? { service, documentId } : null;
    const current = this.#opened;
    if (current && wanted && current.service === wanted.service && current.documentId === wanted.documentId) {
      this.#shareUser();
      return;
    }
    this.#close();
    if (!wanted) return;

    const session = wanted.service.open(wanted.documentId, this.#currentUser());
    this.#opened = wanted;
    this.#session = session;
    if (this._textarea) this.#bind(this._textarea, session);
    const onAwareness = (): void => {
      this._peers = readPeers(session.awareness);
    };
    session.awareness.on('change', onAwareness);
    this.#unsubscribe.push(
      () => session.awareness.off('change', onAwareness),
      session.onStatus((status) => this.#setState(status.state, status.connected)),
    );
    onAwareness();
    this.#setState(session.status.state, session.status.connected);
  }

  /** Destroys the open session and forgets its peers; the text area keeps the last text. */
  #close(): void {
    for (const undo of this.#unsubscribe.splice(0)) undo();
    this.#binding?.destroy();
    this.#binding = null;
    this.#session?.destroy();
    this.#session = null;
    this.#opened = null;
    this.#confirmsSaves = false;
    if (this._peers.length > 0) this._peers = [];
    this.#setState('idle', false);
  }

  /** The provider's user, or an anonymous one made once per element. */
  #currentUser(): RealtimeUser {
    const user = this.#user.value;
    if (user) return user;
    this.#fallbackUser ??= {
      ...generateUser(),
      name: collabEditorStringsFor(resolveLang(this), this.strings).anonymous,
      color: '#6b7280',
    };
    return this.#fallbackUser;
  }

  /** Follows a changed user (a new name or colour) without reopening the document. */
  #shareUser(): void {
    const session = this.#session;
    if (!session) return;
    const user = this.#currentUser();
    const shared: unknown = session.awareness.getLocalState()?.['user'];
    const same =
      typeof shared === 'object' &&
      shared !== null &&
      (shared as Record<string, unknown>)['id'] === user.id &&
      (shared as Record<string, unknown>)['name'] === user.name &&
      (shared as Record<string, unknown>)['color'] === user.color;
    if (!same) session.awareness.setLocalStateField('user', { id: user.id, name: user.name, color: user.color });
  }

  #setState(next: CollabEditorState, connected: boolean): void {
    const previous = this.state;
    if (previous === next) return;
    this.state = next;
    const status = next === 'idle' ? { state: 'idle' as const, connected: false as const } : { state: next, connected };
    const event = new CollabStatusChangeEvent(status, previous, this.documentId);
    this.dispatchEvent(event);
  }
}
