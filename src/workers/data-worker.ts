/**
 * The data worker: runs `DataTask`s from `WorkerPool` and answers `{ id, ok, result | error }`.
 * A worker entry point, so it touches its global scope on load; the kit never imports it.
 */
import { runTaskNow, transferablesOf, type DataTask } from './data-ops.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';

/** The part of `DedicatedWorkerGlobalScope` used here (the kit's types are DOM's, not WebWorker's). */
interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.addEventListener('message', (event) => {
  const { id, task } = event.data;
  try {
    const result = runTaskNow(task as DataTask);
    scope.postMessage({ id, ok: true, result }, transferablesOf(result));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    scope.postMessage({ id, ok: false, error: { name, message } });
  }
});

// Tells the pool the script loaded: a worker that never says this failed to start (CSP, 404).
scope.postMessage({ ready: true });
