import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { collabContext, userContext, type RealtimeUser } from '../../context/keys.js';
import type { CollabPeer, CollabService, CollabSessionLike, CollabStatus } from '../../context/collab.js';
import { ContextSubscription } from '../../controllers/context-subscription.js';
import { animationFrameScheduler } from '../../controllers/frame-batcher.js';
import { issueWarning } from '../../controllers/warnings.js';
import { CollabPeersChangeEvent, CollabStatusChangeEvent, type CollabEditorState } from '../../events/collab-events.js';
import { readPeers } from '../../services/collab-session.js';
import { CURSOR_FIELD, encodeCursor, readPeerCursors, type PeerCursor } from '../../services/collab-cursors.js';
import { CollabOfflineCopy } from '../../services/collab-offline-copy.js';
import type { Unsubscribe } from '../../services/types.js';
import { resolveLang } from '../../strings.js';
import { collaborativeEditorStyles } from './collaborative-editor.styles.js';
import { sharedStyles } from '../shared.styles.js';
import { generateUser } from '../realtime-provider/user.js';
import {
  type CollabEditorStrings,
  collabEditorStringsFor,
  collabStatusLabel,
  collabStatusText,
} from './collaborative-editor.strings.js';
import { initials, readableTextOn, remoteCaretsOrNothing } from './remote-carets.js';
import { TextareaBinding } from './textarea-binding.js';

/** What changed since the last frame. */
type FrameWork = 'awareness' | 'text' | 'cursor' | 'status';

const settled = (state: CollabEditorState) => state === 'synced' || state === 'saved';

/**
 * A plain-text editor shared in real time. It opens the document `document-id` through the
 * nearest `<realtime-provider>`'s collaboration service (a Yjs document over y-websocket, text in
 * the shared type `content`), shows the other people in it (avatars with their initials and
 * colour, and their carets and selections over the text), and says whether the document is
 * connecting, synced, saved or offline. The text area is editable at once; edits made before the
 * first sync or while offline stay in the page and merge when the connection is back.
 *
 * Remote edits keep the local caret and selection on the same characters. During IME composition
 * the text area is left alone and the composed text is shared once it is committed. Undo and
 * redo (Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl+Y) take back only this user's own edits, never other
 * people's.
 *
 * Presence goes through y-protocols awareness: `user: { id, name, color }` (the provider's user,
 * or this element's `user`) and `cursor: { anchor, head }` as Yjs relative positions, the field
 * y-codemirror and y-prosemirror use. Remote carets are drawn by a mirror of the text area (same
 * font, padding and wrapping, scrolled with it) that is hidden from assistive technology; the
 * list of people is what screen readers get.
 *
 * Saving: with the reference server, which confirms what it stored, the status reads "Saved" or
 * "N changes not saved yet", and leaving the page while changes are unsaved asks the browser to
 * warn (a `beforeunload` listener that exists only while something is unsaved). A plain
 * y-websocket server confirms nothing: the status reads "Synced" once the sync exchange is done.
 * With `offline-copy`, the document is also kept in this browser's IndexedDB (`y-indexeddb`,
 * loaded only then), so unsaved work survives a reload and is sent when the server is back.
 *
 * @tagname collaborative-editor
 * @summary A textarea several people edit at once.
 *
 * @attr {string} document-id - Id of the shared document; changing it opens the other document.
 * @attr {boolean} readonly - The text shows live but cannot be edited.
 * @attr {string} placeholder - Placeholder of the empty text area.
 * @attr {string} label - Accessible name of the text area (default "Shared document").
 * @attr {boolean} offline-copy - Keep a copy of the document in IndexedDB so unsaved work survives a reload. The copy is stored under `realtime-elements:<document-id>`.
 * @attr {CollabEditorState} state - Reflected, read-only: `idle` (no provider or no document id), `connecting`, `syncing`, `synced`, `saved`, `offline` or `closed`. Style on it: `collaborative-editor[state='offline']`. The flip between `synced` and `saved` that each keystroke makes with the reference server is applied at most once per animation frame, so it does not flicker.
 * @attr {string} lang - Language of the labels; defaults to the page's.
 *
 * @prop {string} text - Read-only: the current text of the document.
 * @prop {number} unsaved - Read-only: local changes the server has not confirmed as stored yet (with a plain y-websocket peer: changes not sent yet).
 * @prop {RealtimeUser | null} user - Who this editor's person is (`{ id, name, color }`), overriding the provider's `user`; `null` uses the provider's.
 * @prop {Partial<CollabEditorStrings>} strings - Overrides for single strings.
 * @prop {readonly CollabPeer[]} peers - Read-only: the other people in the document.
 *
 * @fires {CollabStatusChangeEvent} collab-status-change - The document's sync state changed (`state`, `previous`, `connected`, `unsaved`, `documentId`). Fired with every change of `state`, so the `synced`/`saved` flips come at most once per animation frame. Bubbles.
 * @fires {CollabPeersChangeEvent} collab-peers-change - Someone joined or left, or changed name or colour (`peers`, `documentId`); at most once per animation frame, never for caret moves. Bubbles.
 *
 * @csspart input - The text area.
 * @csspart status - The sync state in words. A visually hidden polite live region announces it (a save confirmed after each keystroke is not re-announced).
 * @csspart peers - The list of other people.
 * @csspart peer - One person: an avatar and the name.
 * @csspart avatar - A person's initials on their colour (hidden from assistive technology; the name is read).
 * @csspart peer-name - A person's name.
 * @csspart carets - The mirror over the text area that holds other people's carets and selections.
 * @csspart caret - Another person's caret, a bar in their colour.
 * @csspart caret-label - The name above another person's caret.
 * @csspart selection - Text another person has selected, tinted with their colour.
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
 * @cssprop [--rt-editor-avatar-size=1.75em] - Size of a person's avatar.
 * @cssprop [--rt-editor-caret-width=2px] - Width of another person's caret.
 * @cssprop [--rt-editor-selection-tint=30%] - How much of a person's colour tints the text they select.
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

  /** Keep a copy of the document in IndexedDB (loaded on demand) so unsaved work survives a reload. */
  @property({ type: Boolean, attribute: 'offline-copy' }) offlineCopy = false;

  /** This editor's person, overriding the provider's `user`; `null` uses the provider's. */
  @property({ attribute: false }) user: RealtimeUser | null = null;

  /** The document's sync state; reflected for styling. Set by the element, not by the page. */
  @property({ reflect: true }) state: CollabEditorState = 'idle';

  /** Overrides for single strings. */
  @property({ attribute: false }) strings: Partial<CollabEditorStrings> = {};

  @state() private _peers: readonly CollabPeer[] = [];
  @state() private _cursors: readonly PeerCursor[] = [];
  /** Not reactive: while the state reads "Saved" the count shows nowhere, so it renders nothing. */
  private _unsaved = 0;

  @query('textarea') private _textarea!: HTMLTextAreaElement | null;
  @query('.carets') private _carets!: HTMLElement | null;
  @query('.mirror') private _mirror!: HTMLElement | null;

  readonly #collab = new ContextSubscription(this, collabContext, () => this.requestUpdate());
  readonly #user = new ContextSubscription(this, userContext, () => this.requestUpdate());
  /** Presence, caret and the synced/saved flip are handled at most once per frame. */
  /** Work waiting for the next frame (a timer stands in when frames stop in a hidden tab). */
  readonly #queued = new Set<FrameWork>();
  #frame: unknown = null;

  /** What the open session was opened for, so a change of any of them reopens. */
  #opened: { service: CollabService; documentId: string; offlineCopy: boolean } | null = null;
  #session: CollabSessionLike | null = null;
  #binding: TextareaBinding | null = null;
  #offlineCopy: CollabOfflineCopy | null = null;
  #unsubscribe: Unsubscribe[] = [];
  #fallbackUser: RealtimeUser | null = null;
  /** Text typed while no document was open (no provider yet): kept when the document opens empty. */
  #typedWhileUnbound = false;
  /** Whether the open document's server confirmed a save (our server does, plain y-websocket does not). */
  #confirmsSaves = false;
  /** A synced/saved flip waiting for the next frame. */
  #pendingState: CollabEditorState | null = null;
  #connected = false;
  /** Key of the peers last announced by `collab-peers-change`. */
  #peersKey = '';
  /** Key of the carets last drawn, so an awareness change that moved none draws nothing. */
  #cursorsKey = '';
  /** The local selection last shared, so an unchanged one is not sent again. */
  #sharedCursor = '';
  #unloadGuard = false;
  /**
   * Measures the text area's scrollbar when its box changes (a resize, a font change, a scrollbar
   * coming or going), after layout: a render never has to ask for layout.
   */
  #resizeObserver: ResizeObserver | null = null;
  /** The scrollbar width last given to the mirror. */
  #scrollbar = -1;
  /** The status text's unsaved count changed and renders with the next frame. */
  #countStale = false;

  /** The current text of the document (the text area's value while no document is open). */
  get text(): string {
    return this.#session?.text.toString() ?? this._textarea?.value ?? '';
  }

  /** Local changes the server has not confirmed as stored yet. */
  get unsaved(): number {
    return this._unsaved;
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
    this.#resizeObserver?.disconnect();
    this.#resizeObserver = null;
    this.#close();
  }

  protected override render() {
    const lang = resolveLang(this);
    const strings = collabEditorStringsFor(lang, this.strings);
    const status = collabStatusText(strings, lang, this.state, this._unsaved, this.#confirmsSaves);
    return html`<div class="bar">
        <span part="status" aria-hidden="true">${status}</span>
        <span class="visually-hidden" role="status">${collabStatusLabel(strings, this.#announcedState())}</span>
        ${this._peers.length > 0
          ? html`<ul part="peers" aria-label=${strings.collaboratorsLabel}>
              ${this._peers.map((peer) => {
                const name = peer.name || strings.anonymous;
                return html`<li part="peer">
                  <span
                    part="avatar"
                    class="avatar"
                    aria-hidden="true"
                    style=${styleMap({ '--rt-peer-color': peer.color, '--rt-peer-text': readableTextOn(peer.color) })}
                    >${initials(name)}</span
                  ><span part="peer-name" class="name">${name}</span>
                </li>`;
              })}
            </ul>`
          : nothing}
      </div>
      <div class="field">
        <textarea
          part="input"
          aria-label=${this.label || strings.editorLabel}
          placeholder=${this.placeholder || nothing}
          ?readonly=${this.readonly}
          spellcheck="false"
          @input=${this.#onInput}
          @select=${this.#onSelection}
          @selectionchange=${this.#onSelection}
          @keyup=${this.#onSelection}
          @pointerup=${this.#onSelection}
          @focus=${this.#onSelection}
          @scroll=${this.#alignScroll}
        ></textarea>
        <!-- No whitespace inside: the mirror wraps text as pre-wrap, where it would take up room. -->
        <div part="carets" class="carets" aria-hidden="true"><div class="mirror">${remoteCaretsOrNothing(
          this._textarea?.value ?? '',
          this._cursors,
          strings.anonymous,
        )}</div></div>
      </div>`;
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
    // Nothing here reads layout: the mirror follows the text area through its scroll events and
    // the resize observer, so a render per keystroke costs no forced style or layout.
    if (!this.#resizeObserver && this._textarea) {
      this.#resizeObserver = new ResizeObserver(this.#alignWidth);
      this.#resizeObserver.observe(this._textarea);
    }
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
    this.#schedule('cursor');
  }

  #onSelection(): void {
    if (this.#session) this.#schedule('cursor');
  }

  /**
   * Moves the mirror's text with the text area's scroll position. A transform rather than the
   * mirror's own scroll offset: that would be clamped to the mirror's old text while new text
   * waits for the next render, and writing it forces layout.
   */
  readonly #alignScroll = (): void => {
    const textarea = this._textarea;
    const mirror = this._mirror;
    if (!textarea || !mirror) return;
    const { scrollLeft, scrollTop } = textarea;
    mirror.style.transform = scrollLeft === 0 && scrollTop === 0 ? '' : `translate(${-scrollLeft}px, ${-scrollTop}px)`;
  };

  /**
   * Gives the mirror the text area's text width: its scrollbar takes room from the text. Runs
   * from the resize observer, after layout, so the reads cost nothing; the content box it watches
   * changes when a scrollbar comes or goes, the area is resized or a font change reflows it.
   */
  readonly #alignWidth = (): void => {
    const textarea = this._textarea;
    const carets = this._carets;
    if (!textarea || !carets) return;
    const style = getComputedStyle(textarea);
    const borders = parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth);
    const scrollbar = Math.max(0, textarea.offsetWidth - textarea.clientWidth - borders);
    if (scrollbar !== this.#scrollbar) {
      this.#scrollbar = scrollbar;
      carets.style.setProperty('--rt-editor-scrollbar', `${scrollbar}px`);
    }
    // A resize may clamp the scroll position; its scroll event follows, this keeps the frame right.
    this.#alignScroll();
  };

  /** Binds the text area to the open session's text. */
  #bind(textarea: HTMLTextAreaElement, session: CollabSessionLike): void {
    // Typing before the provider answered is not thrown away when the document starts empty.
    if (this.#typedWhileUnbound && textarea.value && session.text.length === 0) {
      session.text.insert(0, textarea.value);
    }
    this.#typedWhileUnbound = false;
    this.#binding = new TextareaBinding(textarea, session.text);
    this.#schedule('cursor');
  }

  /** Opens, reopens or closes the session to match the provider's service and `document-id`. */
  #sync(): void {
    const service = this.isConnected ? this.#collab.value : undefined;
    const documentId = this.documentId;
    const wanted = service && documentId ? { service, documentId, offlineCopy: this.offlineCopy } : null;
    const current = this.#opened;
    if (
      current &&
      wanted &&
      current.service === wanted.service &&
      current.documentId === wanted.documentId &&
      current.offlineCopy === wanted.offlineCopy
    ) {
      this.#shareUser();
      return;
    }
    this.#close();
    if (!wanted) return;

    const session = wanted.service.open(wanted.documentId, this.#currentUser());
    this.#opened = wanted;
    this.#session = session;
    if (wanted.offlineCopy) this.#offlineCopy = new CollabOfflineCopy(session.doc, wanted.documentId);
    if (this._textarea) this.#bind(this._textarea, session);
    const onAwareness = (): void => this.#schedule('awareness');
    // Any edit moves other people's carets (by index) in the mirror.
    const onText = (): void => {
      if (this._cursors.length > 0) this.#schedule('text');
    };
    session.awareness.on('change', onAwareness);
    session.text.observe(onText);
    this.#unsubscribe.push(
      () => session.awareness.off('change', onAwareness),
      () => session.text.unobserve(onText),
      session.onStatus((status) => this.#applyStatus(status)),
    );
    this.#readPeers(session);
    this.#applyStatus(session.status);
  }

  /** Destroys the open session and forgets its peers; the text area keeps the last text. */
  #close(): void {
    for (const undo of this.#unsubscribe.splice(0)) undo();
    if (this.#frame !== null) animationFrameScheduler.cancel(this.#frame);
    this.#frame = null;
    this.#queued.clear();
    this.#binding?.destroy();
    this.#binding = null;
    this.#offlineCopy?.destroy();
    this.#offlineCopy = null;
    this.#session?.destroy();
    this.#session = null;
    this.#opened = null;
    this.#confirmsSaves = false;
    this.#pendingState = null;
    this.#countStale = false;
    this.#sharedCursor = '';
    if (this._peers.length > 0) this._peers = [];
    if (this._cursors.length > 0) this._cursors = [];
    this.#cursorsKey = '';
    if (this.#peersKey !== '') {
      this.#peersKey = '';
      this.#announcePeers([]);
    }
    this._unsaved = 0;
    this.#guardUnload();
    this.#setState('idle', false);
  }

  #schedule(work: FrameWork): void {
    this.#queued.add(work);
    // Renders only follow from reactive state that changed, so a frame that changed nothing costs nothing.
    this.#frame ??= animationFrameScheduler.request(() => {
      this.#frame = null;
      this.#onFrame(new Set(this.#queued));
    });
  }

  #onFrame(work: Set<FrameWork>): void {
    this.#queued.clear();
    const session = this.#session;
    if (!session) return;
    if (work.has('status')) {
      if (this.#countStale) this.requestUpdate();
      this.#countStale = false;
      if (this.#pendingState !== null) {
        const next = this.#pendingState;
        this.#pendingState = null;
        this.#setState(next, this.#connected);
      }
    }
    if (work.has('cursor')) this.#shareCursor(session);
    if (work.has('awareness')) this.#readPeers(session);
    else if (work.has('text')) this.#readCursors(session, true);
  }

  /** Other people's carets; the mirror re-renders when they moved, or when the text changed. */
  #readCursors(session: CollabSessionLike, textChanged: boolean): void {
    const cursors = readPeerCursors(session.awareness, session.text);
    const key = cursors.map((c) => `${c.clientId}:${c.anchor}:${c.head}:${c.name}:${c.color}`).join('|');
    if (!textChanged && key === this.#cursorsKey) return;
    this.#cursorsKey = key;
    this._cursors = cursors;
  }

  /** Peers and their carets from awareness; `collab-peers-change` when the people changed. */
  #readPeers(session: CollabSessionLike): void {
    const peers = readPeers(session.awareness);
    this.#readCursors(session, false);
    const key = peers.map((peer) => `${peer.clientId}\u0000${peer.id}\u0000${peer.name}\u0000${peer.color}`).join('\u0001');
    if (key === this.#peersKey) return;
    this.#peersKey = key;
    this._peers = peers;
    this.#announcePeers(peers);
  }

  #announcePeers(peers: readonly CollabPeer[]): void {
    // Through a variable: the manifest analyzer reads `dispatchEvent(new X(a))` as an event named `a`.
    const event = new CollabPeersChangeEvent(peers, this.documentId);
    this.dispatchEvent(event);
  }

  /** Shares the local caret and selection as relative positions, when they changed. */
  #shareCursor(session: CollabSessionLike): void {
    const textarea = this._textarea;
    // During a composition the text area holds text the document does not have yet.
    if (!textarea || !this.#binding?.inSync) return;
    const { selectionStart, selectionEnd, selectionDirection } = textarea;
    const backward = selectionDirection === 'backward';
    const cursor = encodeCursor(session.text, {
      anchor: backward ? selectionEnd : selectionStart,
      head: backward ? selectionStart : selectionEnd,
    });
    const key = JSON.stringify(cursor);
    if (key === this.#sharedCursor) return;
    this.#sharedCursor = key;
    session.awareness.setLocalStateField(CURSOR_FIELD, cursor);
  }

  /**
   * Follows the session's status. Each keystroke makes a `saved` → `synced` → `saved` round trip
   * with our server: that flip is applied once per frame, so a fast save shows (and fires) nothing.
   */
  #applyStatus(status: CollabStatus): void {
    this.#connected = status.connected;
    const unsaved = status.unsaved ?? 0;
    const next = status.state;
    // With our server each keystroke takes the count to 1 and back within a round trip: render
    // only when the status text can show it, and while synced at most once per frame, with the flip.
    if (unsaved !== this._unsaved && this.state !== 'saved') {
      if (settled(this.state) && settled(next)) {
        this.#countStale = true;
        this.#schedule('status');
      } else {
        this.requestUpdate();
      }
    }
    this._unsaved = unsaved;
    this.#guardUnload();
    if (settled(this.state) && settled(next)) {
      this.#pendingState = next === this.state ? null : next;
      if (this.#pendingState !== null) this.#schedule('status');
      return;
    }
    this.#pendingState = null;
    this.#setState(next, status.connected);
  }

  /** A `beforeunload` listener exists only while local changes are unsaved. */
  #guardUnload(): void {
    const wanted = this._unsaved > 0 && this.#session !== null && this.isConnected;
    if (wanted === this.#unloadGuard) return;
    this.#unloadGuard = wanted;
    if (wanted) globalThis.addEventListener('beforeunload', this.#onBeforeUnload);
    else globalThis.removeEventListener('beforeunload', this.#onBeforeUnload);
  }

  readonly #onBeforeUnload = (event: BeforeUnloadEvent): void => {
    // Browsers show their own words; preventDefault (and returnValue for older ones) asks for it.
    event.preventDefault();
    event.returnValue = '';
  };

  /** This element's user, else the provider's, else an anonymous one made once per element. */
  #currentUser(): RealtimeUser {
    const user = this.user ?? this.#user.value;
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
    const status =
      next === 'idle'
        ? { state: 'idle' as const, connected: false as const }
        : { state: next, connected, unsaved: this._unsaved };
    const event = new CollabStatusChangeEvent(status, previous, this.documentId);
    this.dispatchEvent(event);
  }
}
