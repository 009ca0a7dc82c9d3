// Shared documents simulated in the page: a "server" Y.Doc per document, the editor's session and
// any number of simulated collaborators, each with its own Y.Doc and awareness, synced in memory.
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type { CollabService, CollabSessionLike, CollabStatus, CollabSyncState } from '../../src/context/collab.js';
import type { RealtimeUser } from '../../src/context/keys.js';
import { COLLAB_TEXT_NAME } from '../../src/protocol/index.js';
import { CURSOR_FIELD, encodeCursor } from '../../src/services/collab-cursors.js';
import { Emitter } from '../../src/services/emitter.js';
import type { Unsubscribe } from '../../src/services/types.js';
import { type InFlight, latency } from './timing.js';

/** Origin of changes the simulated server applies, so members do not echo them back. */
const SERVER = Symbol('simulated-server');

/** One participant of a room: the editor's session or a simulated collaborator. */
abstract class Member {
  readonly doc = new Y.Doc();
  readonly text: Y.Text = this.doc.getText(COLLAB_TEXT_NAME);
  readonly awareness = new Awareness(this.doc);
  #connected = false;
  #left = false;
  /** Local changes made while disconnected (sent, and so "saved", on reconnect). */
  protected offlineChanges = 0;

  constructor(
    protected readonly room: Room,
    user: RealtimeUser,
  ) {
    this.awareness.setLocalStateField('user', { id: user.id, name: user.name, color: user.color });
    this.doc.on('update', this.#onUpdate);
    this.awareness.on('update', this.#onAwareness);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get left(): boolean {
    return this.#left;
  }

  /** Joins the room's traffic: exchanges missing updates and presence both ways. */
  connect(): void {
    if (this.#connected || this.#left) return;
    this.#connected = true;
    this.offlineChanges = 0;
    this.room.exchange(this);
    // A fresh clock, so peers that forgot us take our presence again.
    const local = this.awareness.getLocalState();
    if (local) this.awareness.setLocalState({ ...local });
    this.room.sendPresenceTo(this);
    this.synced();
  }

  /** Leaves the traffic but keeps the document; edits made meanwhile merge on `connect()`. */
  disconnect(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.room.forget(this);
    this.unsynced();
  }

  /** Leaves for good. */
  leave(): void {
    if (this.#left) return;
    this.disconnect();
    this.#left = true;
    this.doc.off('update', this.#onUpdate);
    this.awareness.off('update', this.#onAwareness);
    this.room.remove(this);
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** Called after `connect()` has exchanged state. */
  protected synced(): void {}
  /** Called after `disconnect()`. */
  protected unsynced(): void {}
  /** Called for each change made here (not one applied from the server). */
  protected changedLocally(): void {}

  readonly #onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === SERVER) return;
    if (this.#connected) this.room.receive(update, this);
    else this.offlineChanges += 1;
    this.changedLocally();
  };

  readonly #onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === SERVER || !this.#connected) return;
    const own = [...added, ...updated, ...removed].filter((id) => id === this.awareness.clientID);
    if (own.length > 0) this.room.broadcastPresence(this, encodeAwarenessUpdate(this.awareness, own));
  };
}

/** One shared document on the simulated server, and who is in it. */
class Room {
  readonly doc = new Y.Doc();
  readonly #members = new Set<Member>();

  constructor(text: string) {
    if (text) this.doc.getText(COLLAB_TEXT_NAME).insert(0, text);
  }

  add(member: Member): void {
    this.#members.add(member);
  }

  remove(member: Member): void {
    this.#members.delete(member);
  }

  /** Missing updates both ways, as the y-websocket sync steps 1 and 2 would send them. */
  exchange(member: Member): void {
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(member.doc, Y.encodeStateVector(this.doc)), member);
    Y.applyUpdate(member.doc, Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(member.doc)), SERVER);
    this.#broadcastDoc(member);
  }

  /** A live update from a connected member: stored, then sent to every other connected one. */
  receive(update: Uint8Array, from: Member): void {
    Y.applyUpdate(this.doc, update, from);
    this.#broadcastDoc(from);
  }

  broadcastPresence(from: Member, update: Uint8Array): void {
    for (const other of this.#connected(from)) applyAwarenessUpdate(other.awareness, update, SERVER);
  }

  /** Everyone's presence to a member that just connected. */
  sendPresenceTo(member: Member): void {
    for (const other of this.#connected(member)) {
      if (other.awareness.getLocalState() === null) continue;
      applyAwarenessUpdate(member.awareness, encodeAwarenessUpdate(other.awareness, [other.awareness.clientID]), SERVER);
    }
  }

  /** A member went away: the others drop its presence and it drops theirs. */
  forget(member: Member): void {
    const id = member.awareness.clientID;
    for (const other of this.#connected(member)) {
      removeAwarenessStates(other.awareness, [id], SERVER);
      // Forget its clock too, so the same state is taken again when it comes back.
      other.awareness.meta.delete(id);
      const otherId = other.awareness.clientID;
      removeAwarenessStates(member.awareness, [otherId], SERVER);
      member.awareness.meta.delete(otherId);
    }
  }

  #broadcastDoc(from: Member): void {
    for (const other of this.#connected(from)) {
      Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(other.doc)), SERVER);
    }
  }

  *#connected(except: Member): Iterable<Member> {
    for (const member of this.#members) if (member !== except && member.connected) yield member;
  }
}

/** The editor's side of a simulated document; the reference server's `connecting → syncing → saved`. */
export class SimulatedCollabSession extends Member implements CollabSessionLike {
  readonly #events = new Emitter<{ status: CollabStatus }>();
  #status: CollabStatus = { state: 'connecting', connected: false, unsaved: 0 };
  #saveTimer: ReturnType<typeof setTimeout> | null = null;
  #unsaved = 0;

  constructor(
    room: Room,
    readonly documentId: string,
    user: RealtimeUser,
    private readonly service: SimulatedCollabService,
  ) {
    super(room, user);
    room.add(this);
  }

  get status(): CollabStatus {
    return this.#status;
  }

  onStatus(handler: (status: CollabStatus) => void): Unsubscribe {
    return this.#events.on('status', handler);
  }

  /** Types at the end of the text as the user would (a local change). */
  type(text: string): void {
    this.text.insert(this.text.length, text);
  }

  destroy(): void {
    if (this.#status.state === 'closed') return;
    this.#clearSave();
    this.leave();
    this.service.closed(this);
    this.#set('closed', false, 0);
    this.#events.clear();
  }

  protected override synced(): void {
    this.#unsaved = 0;
    this.#set('saved', true, 0);
  }

  protected override unsynced(): void {
    this.#clearSave();
    this.#set('offline', false, this.#unsaved);
  }

  protected override changedLocally(): void {
    if (this.#status.state === 'closed') return;
    this.#unsaved += 1;
    if (!this.connected) {
      this.#set('offline', false, this.#unsaved);
      return;
    }
    // The server confirms what it stored a moment later.
    this.#set('synced', true, this.#unsaved);
    this.#clearSave();
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      this.#unsaved = 0;
      this.#set('saved', true, 0);
    }, latency(this.service.saveMs));
  }

  /** Opens the line after the service's latency, unless the network is down. */
  start(): void {
    this.#set(this.service.online ? 'connecting' : 'offline', false, 0);
  }

  #set(state: CollabSyncState, connected: boolean, unsaved: number): void {
    const current = this.#status;
    if (current.state === 'closed') return;
    if (current.state === state && current.connected === connected && (current.unsaved ?? 0) === unsaved) return;
    this.#status = Object.freeze({ state, connected, unsaved });
    this.#events.emit('status', this.#status);
  }

  #clearSave(): void {
    if (this.#saveTimer === null) return;
    clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
  }
}

/** Someone else in the document, driven by the story: types, selects, goes offline, leaves. */
export class SimulatedCollaborator extends Member {
  #typing: ReturnType<typeof setInterval> | null = null;
  #caret: Y.RelativePosition | null = null;

  constructor(
    room: Room,
    readonly user: RealtimeUser,
  ) {
    super(room, user);
    room.add(this);
  }

  /** Puts the caret (and selection, with `head`) at text indexes. */
  select(anchor: number, head = anchor): void {
    if (this.left) return;
    this.#caret = Y.createRelativePositionFromTypeIndex(this.text, Math.min(head, this.text.length));
    this.awareness.setLocalStateField(CURSOR_FIELD, encodeCursor(this.text, { anchor, head }));
  }

  /** Inserts text at the caret (the end when none), moving the caret after it. */
  type(text: string): void {
    if (this.left) return;
    const at = this.#caretIndex();
    this.text.insert(at, text);
    this.select(at + text.length);
  }

  /** Types `text` one character every `intervalMs`, as a person would. */
  typeSlowly(text: string, intervalMs = 120): void {
    this.stopTyping();
    const characters = [...text];
    this.#typing = setInterval(() => {
      const next = characters.shift();
      if (next === undefined) this.stopTyping();
      else this.type(next);
    }, intervalMs);
  }

  stopTyping(): void {
    if (this.#typing === null) return;
    clearInterval(this.#typing);
    this.#typing = null;
  }

  override leave(): void {
    this.stopTyping();
    super.leave();
  }

  #caretIndex(): number {
    if (!this.#caret) return this.text.length;
    const absolute = Y.createAbsolutePositionFromRelativePosition(this.#caret, this.doc);
    return absolute ? absolute.index : this.text.length;
  }
}

export interface SimulatedCollabOptions {
  /** Starting text per document id. */
  readonly documents?: Readonly<Record<string, string>>;
  /** Time to connect and sync, ms. Default 300. */
  readonly latencyMs?: number;
  /** Time until the server confirms a change as stored, ms. Default 150. */
  readonly saveMs?: number;
  /** Whether the network is up. Default true. */
  readonly online?: boolean;
  /** Counts syncs in flight, for tests that wait for the story to settle. */
  readonly inflight?: InFlight;
}

/** A `CollabService` whose documents live in this page. */
export class SimulatedCollabService implements CollabService {
  readonly #rooms = new Map<string, Room>();
  readonly #documents: Readonly<Record<string, string>>;
  readonly #sessions = new Set<SimulatedCollabSession>();
  readonly #collaborators = new Set<SimulatedCollaborator>();
  readonly #waiting = new Map<string, ((session: SimulatedCollabSession) => void)[]>();
  readonly #timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  readonly #inflight: InFlight | undefined;
  readonly latencyMs: number;
  readonly saveMs: number;
  #online: boolean;

  constructor(options: SimulatedCollabOptions = {}) {
    this.#documents = options.documents ?? {};
    this.latencyMs = options.latencyMs ?? 300;
    this.saveMs = options.saveMs ?? 150;
    this.#online = options.online ?? true;
    this.#inflight = options.inflight;
  }

  get online(): boolean {
    return this.#online;
  }

  get collaborators(): readonly SimulatedCollaborator[] {
    return [...this.#collaborators].filter((c) => !c.left);
  }

  open(documentId: string, user: RealtimeUser): SimulatedCollabSession {
    const session = new SimulatedCollabSession(this.#room(documentId), documentId, user, this);
    this.#sessions.add(session);
    session.start();
    if (this.#online) this.#later(() => session.connect());
    for (const resolve of this.#waiting.get(documentId)?.splice(0) ?? []) resolve(session);
    return session;
  }

  /** The editor's session of a document, once an editor opened it. */
  opened(documentId: string): Promise<SimulatedCollabSession> {
    const open = [...this.#sessions].find((session) => session.documentId === documentId);
    if (open) return Promise.resolve(open);
    return new Promise((resolve) => {
      const list = this.#waiting.get(documentId) ?? [];
      list.push(resolve);
      this.#waiting.set(documentId, list);
    });
  }

  /** Someone else opens the document: present at once (when online) with a caret at `at`. */
  addCollaborator(documentId: string, user: RealtimeUser, at?: number): SimulatedCollaborator {
    const collaborator = new SimulatedCollaborator(this.#room(documentId), user);
    this.#collaborators.add(collaborator);
    // Sync first so the caret is placed in the shared text, not in an empty copy.
    collaborator.connect();
    collaborator.select(at ?? collaborator.text.length);
    return collaborator;
  }

  /** The network of this page goes down (false) or comes back (true); collaborators stay online. */
  setOnline(online: boolean): void {
    if (online === this.#online) return;
    this.#online = online;
    for (const session of this.#sessions) {
      if (online) this.#later(() => session.connect());
      else session.disconnect();
    }
  }

  /** Called by a session when the editor destroys it. */
  closed(session: SimulatedCollabSession): void {
    this.#sessions.delete(session);
  }

  /** Ends every session, collaborator and timer; the story is leaving. */
  dispose(): void {
    for (const [timer, done] of this.#timers) {
      clearTimeout(timer);
      done();
    }
    this.#timers.clear();
    for (const collaborator of this.#collaborators) collaborator.leave();
    this.#collaborators.clear();
  }

  #room(documentId: string): Room {
    let room = this.#rooms.get(documentId);
    if (!room) {
      room = new Room(this.#documents[documentId] ?? '');
      this.#rooms.set(documentId, room);
    }
    return room;
  }

  #later(task: () => void): void {
    // An infinite latency never connects (a document stuck in `connecting`).
    if (!Number.isFinite(this.latencyMs)) return;
    const done = this.#inflight?.begin() ?? (() => {});
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#online) task();
      done();
    }, latency(this.latencyMs));
    this.#timers.set(timer, done);
  }
}
