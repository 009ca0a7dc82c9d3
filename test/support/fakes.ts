// Test doubles for the services behind <realtime-provider>, and a provider element that hands them down.
import { ContextProvider } from '@lit/context';
import { LitElement, html } from 'lit';
import { apiContext, collabContext, connectionContext, userContext, type RealtimeUser } from '../../src/context/keys.js';
import type { PageRequest, RealtimeApi } from '../../src/context/api.js';
import type { CollabService } from '../../src/context/collab.js';
import type {
  ActivityInput,
  ActivityItem,
  AnyEnvelope,
  Created,
  Envelope,
  MessageType,
  NotificationInput,
  NotificationPage,
  NotificationPayload,
  NotificationReadPayload,
  Page,
  PayloadOf,
  ActivityPayload,
} from '../../src/protocol/index.js';
import { Emitter } from '../../src/services/emitter.js';
import {
  type ConnectionState,
  type ConnectionStatus,
  IDLE_STATUS,
  type RealtimeConnection,
  type RealtimeErrorDetail,
  type SendResult,
  type Unsubscribe,
} from '../../src/services/types.js';

interface ConnectionEvents {
  status: ConnectionStatus;
  envelope: AnyEnvelope;
  error: RealtimeErrorDetail;
  reset: undefined;
}

/** A connection driven by the test: `emit()` delivers an envelope, `setStatus()` changes state. */
export class FakeConnection implements RealtimeConnection {
  readonly #events = new Emitter<ConnectionEvents>();
  readonly #typed = new Emitter<Record<string, AnyEnvelope>>();
  status: ConnectionStatus = IDLE_STATUS;
  readonly sent: { type: MessageType; payload: unknown }[] = [];
  retries = 0;

  constructor(state: ConnectionState = 'open') {
    this.status = { ...IDLE_STATUS, state };
  }

  /** Handlers currently subscribed, across every kind; 0 after every consumer left. */
  get handlerCount(): number {
    return this.#events.size + this.#typed.size;
  }

  onStatus(handler: (status: ConnectionStatus) => void): Unsubscribe {
    return this.#events.on('status', handler);
  }
  on<T extends MessageType>(type: T, handler: (envelope: Envelope<T>) => void): Unsubscribe {
    return this.#typed.on(type, handler as unknown as (envelope: AnyEnvelope) => void);
  }
  onAny(handler: (envelope: AnyEnvelope) => void): Unsubscribe {
    return this.#events.on('envelope', handler);
  }
  onError(handler: (error: RealtimeErrorDetail) => void): Unsubscribe {
    return this.#events.on('error', handler);
  }
  onReset(handler: () => void): Unsubscribe {
    return this.#events.on('reset', handler);
  }
  send<T extends MessageType>(type: T, payload: PayloadOf<T>): SendResult {
    this.sent.push({ type, payload });
    return 'sent';
  }
  retry(): void {
    this.retries += 1;
  }

  emit(envelope: AnyEnvelope): void {
    this.#typed.emit(envelope.type, envelope);
    this.#events.emit('envelope', envelope);
  }
  setStatus(change: Partial<ConnectionStatus> | ConnectionState): void {
    this.status = { ...this.status, ...(typeof change === 'string' ? { state: change } : change) };
    this.#events.emit('status', this.status);
  }
  fail(error: RealtimeErrorDetail): void {
    this.#events.emit('error', error);
  }
  reset(): void {
    this.#events.emit('reset', undefined);
  }
}

/** A promise the test settles by hand. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/**
 * An API whose list calls wait for the test: each call pushes a Deferred onto `activityCalls` /
 * `notificationCalls`, unless `autoActivities` answers at once.
 */
export class FakeApi implements RealtimeApi {
  readonly activityCalls: { request: PageRequest | undefined; reply: Deferred<Page<ActivityItem>> }[] = [];
  readonly notificationCalls: { request: PageRequest | undefined; reply: Deferred<NotificationPage> }[] = [];
  /** Every `markNotifications` call; each waits for its `reply` when `holdMarks` is set. */
  readonly markCalls: { change: NotificationReadPayload; reply: Deferred<void> }[] = [];
  holdMarks = false;
  readonly published: unknown[] = [];
  /** When set, listActivities answers with this page immediately. */
  autoActivities: Page<ActivityItem> | null = null;

  listActivities(request?: PageRequest): Promise<Page<ActivityItem>> {
    const reply = deferred<Page<ActivityItem>>();
    this.activityCalls.push({ request, reply });
    if (this.autoActivities) reply.resolve(this.autoActivities);
    return reply.promise;
  }
  listNotifications(request?: PageRequest): Promise<NotificationPage> {
    const reply = deferred<NotificationPage>();
    this.notificationCalls.push({ request, reply });
    return reply.promise;
  }
  async publishActivity(input: ActivityInput): Promise<Created> {
    this.published.push(input);
    return { seq: this.published.length, id: `a${this.published.length}` };
  }
  async publishNotification(input: NotificationInput): Promise<Created> {
    this.published.push(input);
    return { seq: this.published.length, id: `n${this.published.length}` };
  }
  markNotifications(change: NotificationReadPayload): Promise<void> {
    const reply = deferred<void>();
    this.markCalls.push({ change, reply });
    if (!this.holdMarks) reply.resolve();
    return reply.promise;
  }
}

/** A provider element for tests: hands down whatever the test assigns, and follows changes. */
export class FakeProvider extends LitElement {
  readonly connectionProvider = new ContextProvider(this, { context: connectionContext, initialValue: undefined });
  readonly apiProvider = new ContextProvider(this, { context: apiContext, initialValue: undefined });
  readonly userProvider = new ContextProvider(this, { context: userContext, initialValue: undefined });
  readonly collabProvider = new ContextProvider(this, { context: collabContext, initialValue: undefined });

  set connection(value: RealtimeConnection | undefined) {
    this.connectionProvider.setValue(value);
  }
  get connection(): RealtimeConnection | undefined {
    return this.connectionProvider.value;
  }
  set api(value: RealtimeApi | undefined) {
    this.apiProvider.setValue(value);
  }
  get api(): RealtimeApi | undefined {
    return this.apiProvider.value;
  }
  set user(value: RealtimeUser | undefined) {
    this.userProvider.setValue(value);
  }
  get user(): RealtimeUser | undefined {
    return this.userProvider.value;
  }
  set collab(value: CollabService | undefined) {
    this.collabProvider.setValue(value);
  }

  override render() {
    return html`<slot></slot>`;
  }
}

/** Defines `FakeProvider` (or a fresh subclass) under a unique tag and returns the tag. */
export function defineFakeProvider(tag = 'rt-fake-provider'): string {
  if (!customElements.get(tag)) customElements.define(tag, class extends FakeProvider {});
  return tag;
}

let uniqueCounter = 0;
/** A tag name nobody has used yet, for late `customElements.define` tests. */
export function uniqueTag(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${uniqueCounter}`;
}

let nextSeq = 1000;
/** A `notification.new` envelope. */
export function notificationEnvelope(
  payload: Partial<NotificationPayload> = {},
  extra: { seq?: number; ts?: number } = {},
): Envelope<'notification.new'> {
  const seq = extra.seq ?? ++nextSeq;
  return {
    type: 'notification.new',
    seq,
    ts: extra.ts ?? Date.now(),
    payload: { id: `n-${seq}`, level: 'info', title: `Title ${seq}`, message: `Message ${seq}`, ...payload },
  };
}

/** An `activity.new` envelope with the given seq. */
export function activityEnvelope(seq: number, payload: Partial<ActivityPayload> = {}, ts = Date.now()): Envelope<'activity.new'> {
  return {
    type: 'activity.new',
    seq,
    ts,
    payload: { id: `a-${seq}`, userName: `User ${seq}`, action: 'edited', target: `doc ${seq}`, ...payload },
  };
}

/** An activity item as a REST page returns it. */
export function activityItem(seq: number, payload: Partial<ActivityPayload> = {}, ts = Date.now()): ActivityItem {
  return { seq, ts, id: `a-${seq}`, userName: `User ${seq}`, action: 'edited', target: `doc ${seq}`, ...payload };
}
