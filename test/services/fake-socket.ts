// A scripted WebSocket for tests under fake timers, plus a controllable page environment.
import type { ConnectivityEnvironment } from '../../src/services/connectivity.js';

export interface FakeServerScript {
  /** Answer each new socket: 'accept' opens and says hello, a number closes with that code. */
  answer: 'accept' | number;
  epoch: string;
  seq: number;
  heartbeatMs: number;
  maxFrameBytes: number;
  /** Reply to sys.ping with sys.pong (after `pongDelayMs`). */
  pong: boolean;
  pongDelayMs: number;
}

/** Scripted sockets share one "server": its script, the list of sockets and their creation times. */
export function createFakeServer(script: Partial<FakeServerScript> = {}) {
  const server = {
    script: { answer: 'accept', epoch: 'e1', seq: 0, heartbeatMs: 25_000, maxFrameBytes: 1_048_576, pong: true, pongDelayMs: 5, ...script } as FakeServerScript,
    sockets: [] as FakeWebSocket[],
    WebSocket: undefined as unknown as typeof WebSocket,
  };

  class FakeWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readyState = 0;
    binaryType = 'blob';
    bufferedAmount = 0;
    extensions = '';
    protocol = '';
    readonly sent: Record<string, unknown>[] = [];
    readonly createdAt = Date.now();
    closedBy: 'client' | 'server' | null = null;

    constructor(readonly url: string) {
      super();
      server.sockets.push(this);
      const answer = server.script.answer;
      setTimeout(() => {
        if (this.readyState !== 0) return;
        if (answer === 'accept') {
          this.readyState = 1;
          this.dispatchEvent(new Event('open'));
          this.receive({
            type: 'sys.hello',
            ts: Date.now(),
            payload: {
              version: 1,
              epoch: server.script.epoch,
              maxFrameBytes: server.script.maxFrameBytes,
              heartbeatMs: server.script.heartbeatMs,
              user: null,
              seq: server.script.seq,
            },
          });
        } else {
          this.serverClose(answer, 'refused');
        }
      }, 0);
    }

    send(data: string): void {
      if (this.readyState !== 1) throw new Error('not open');
      const frame = JSON.parse(data) as Record<string, unknown>;
      this.sent.push(frame);
      if (frame['type'] === 'sys.ping' && server.script.pong) {
        setTimeout(() => this.receive({ type: 'sys.pong', ts: Date.now(), payload: {} }), server.script.pongDelayMs);
      }
    }

    close(code = 1000, reason = ''): void {
      if (this.readyState >= 2) return;
      this.closedBy ??= 'client';
      this.readyState = 3;
      this.dispatchEvent(Object.assign(new Event('close'), { code, reason, wasClean: true }));
    }

    receive(frame: object | string): void {
      if (this.readyState !== 1) return;
      this.dispatchEvent(Object.assign(new Event('message'), { data: typeof frame === 'string' ? frame : JSON.stringify(frame) }));
    }

    serverClose(code: number, reason = ''): void {
      if (this.readyState >= 2) return;
      this.closedBy = 'server';
      this.readyState = 3;
      this.dispatchEvent(Object.assign(new Event('close'), { code, reason, wasClean: true }));
    }
  }

  server.WebSocket = FakeWebSocket as unknown as typeof WebSocket;
  return server;
}

export type FakeServer = ReturnType<typeof createFakeServer>;

/** A page environment the test flips: `goOffline()`, `goOnline()`, `hide()`, `show()`. */
export function createEnvironment() {
  const listeners = { online: new Set<() => void>(), offline: new Set<() => void>(), visibility: new Set<() => void>() };
  const state = { online: true, visible: true };
  const sub = (set: Set<() => void>) => (callback: () => void) => {
    set.add(callback);
    return () => set.delete(callback);
  };
  const environment: ConnectivityEnvironment = {
    online: () => state.online,
    onOnline: sub(listeners.online),
    onOffline: sub(listeners.offline),
    visible: () => state.visible,
    onVisibility: sub(listeners.visibility),
  };
  const fire = (set: Set<() => void>) => [...set].forEach((callback) => callback());
  return {
    environment,
    listeners,
    goOffline: () => ((state.online = false), fire(listeners.offline)),
    goOnline: () => ((state.online = true), fire(listeners.online)),
    hide: () => ((state.visible = false), fire(listeners.visibility)),
    show: () => ((state.visible = true), fire(listeners.visibility)),
  };
}
